using Wharf.Api.Models;
using Wharf.Cli.Output;

namespace Wharf.Cli.Tests.Containers;

/// <summary>`ps` output: docker's columns, truncation, ports column and status text.</summary>
public class ContainerRowsTests
{
    static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_795_374_000);

    static ContainerSummary Summary(string name = "/web", string status = "Up 3 minutes", string command = "sleep 1000") => new()
    {
        Id = "fc80ff72b78c11f448e006f27b468b4ff38007366ee3150ad5360b58c8969a9a",
        Names = [name],
        Image = "busybox",
        ImageID = "sha256:cc952733d8b398fb864585224272f7b5114f55d485890f64c144712ddd90f15b",
        Command = command,
        Created = 1_795_374_000 - 300,
        State = "running",
        Status = status,
        Labels = new() { ["b"] = "2", ["a"] = "1" },
    };

    static string Render(string? format, bool quiet, bool size, bool trunc, params ContainerSummary[] containers) =>
        Formatter.Render(ContainerRows.Format(format, quiet, size), ContainerRows.Header(), ContainerRows.Build(containers, trunc, Now),
            ContainerRows.Methods);

    [Fact]
    public void Default_table_matches_docker()
    {
        var text = Render(null, false, false, true, Summary(), Summary("/db", "Exited (3) 2 minutes ago", "sh -c 'exit 3'"));
        Assert.Equal(
            "CONTAINER ID   IMAGE     COMMAND            CREATED         STATUS                     PORTS     NAMES\n" +
            "fc80ff72b78c   busybox   \"sleep 1000\"       5 minutes ago   Up 3 minutes                         web\n" +
            "fc80ff72b78c   busybox   \"sh -c 'exit 3'\"   5 minutes ago   Exited (3) 2 minutes ago             db\n", text);
    }

    [Fact]
    public void Empty_list_prints_the_header()
    {
        Assert.Equal("CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n", Render(null, false, false, true));
    }

    [Fact]
    public void Long_commands_are_cut_at_twenty_and_quoted()
    {
        var row = ContainerRows.Build([Summary(command: "sh -c for i in 1 2 3; do echo \"$i\"; done")], trunc: true, Now)[0];
        Assert.Equal("\"sh -c for i in 1 2 …\"", row["Command"]!.GetValue<string>());
        var full = ContainerRows.Build([Summary(command: "echo \"hi\"")], trunc: false, Now)[0];
        Assert.Equal("\"echo \\\"hi\\\"\"", full["Command"]!.GetValue<string>());
    }

    [Fact]
    public void Names_skip_legacy_links_when_truncated()
    {
        var c = Summary();
        c.Names = ["/other/alias", "/web"];
        Assert.Equal("web", ContainerRows.Build([c], true, Now)[0]["Names"]!.GetValue<string>());
        Assert.Equal("other/alias,web", ContainerRows.Build([c], false, Now)[0]["Names"]!.GetValue<string>());
    }

    [Fact]
    public void Images_are_shown_familiar_and_ids_short()
    {
        var c = Summary();
        c.Image = "docker.io/library/busybox:1.36";
        Assert.Equal("busybox:1.36", ContainerRows.Build([c], true, Now)[0]["Image"]!.GetValue<string>());
        Assert.Equal("docker.io/library/busybox:1.36", ContainerRows.Build([c], false, Now)[0]["Image"]!.GetValue<string>());
        c.Image = c.ImageID;
        Assert.Equal("cc952733d8b3", ContainerRows.Build([c], true, Now)[0]["Image"]!.GetValue<string>());
        c.Image = "";
        Assert.Equal("<no image>", ContainerRows.Build([c], true, Now)[0]["Image"]!.GetValue<string>());
    }

    [Fact]
    public void Ports_are_grouped_like_docker()
    {
        ContainerPort P(int priv, int pub = 0, string? ip = null, string type = "tcp") => new() { PrivatePort = priv, PublicPort = pub, IP = ip, Type = type };
        Assert.Equal("0.0.0.0:8080->80/tcp, [::]:8080->80/tcp",
            ContainerRows.DisplayablePorts([P(80, 8080, "::"), P(80, 8080, "0.0.0.0")]));
        Assert.Equal("80-82/tcp, 90/udp", ContainerRows.DisplayablePorts([P(82), P(80), P(81), P(90, type: "udp")]));
        Assert.Equal("0.0.0.0:9000-9001->9000-9001/tcp", ContainerRows.DisplayablePorts([P(9000, 9000, "0.0.0.0"), P(9001, 9001, "0.0.0.0")]));
        Assert.Equal("", ContainerRows.DisplayablePorts([]));
    }

    [Fact]
    public void Size_quiet_raw_and_labels()
    {
        var c = Summary();
        c.SizeRw = 12;
        c.SizeRootFs = 4_260_000;
        Assert.EndsWith("   12B (virtual 4.26MB)\n", Render(null, false, true, true, c));
        Assert.Equal("fc80ff72b78c\n", Render(null, true, false, true, c));
        Assert.Equal("fc80ff72b78c\n", Render("{{.Names}}", true, false, true, c));
        Assert.Equal("a=1,b=2 2 \n", Render("{{.Labels}} {{.Label \"b\"}} {{.Label \"zz\"}}", false, false, true, c));
        Assert.StartsWith("container_id: fc80ff72b78c\nimage: busybox\ncommand: \"sleep 1000\"\n", Render("raw", false, false, true, c));
        Assert.True(ContainerRows.UsesSize("table {{.ID}}\t{{.Size}}"));
        Assert.False(ContainerRows.UsesSize("json")); // the docker CLI sends no size=1 for --format json
        Assert.False(ContainerRows.UsesSize("{{.Names}}"));
    }

    [Fact]
    public void Json_rows_have_dockers_fields_only()
    {
        var json = Render("json", false, false, true, Summary());
        Assert.Equal("{\"Command\":\"\\\"sleep 1000\\\"\",\"CreatedAt\":\"" + GoTime.String(Now.AddSeconds(-300)) + "\",\"ID\":\"fc80ff72b78c\"," +
                     "\"Image\":\"busybox\",\"Labels\":\"a=1,b=2\",\"LocalVolumes\":\"0\",\"Mounts\":\"\",\"Names\":\"web\",\"Networks\":\"\"," +
                     "\"Platform\":null,\"Ports\":\"\",\"RunningFor\":\"5 minutes ago\",\"Size\":\"0B\",\"State\":\"running\",\"Status\":\"Up 3 minutes\"}\n", json);
    }

    [Fact]
    public void Stats_rows()
    {
        var entry = new StatsEntry
        {
            Id = "fc80ff72b78c11f448e006f27b468b4ff38007366ee3150ad5360b58c8969a9a", Name = "/web", CpuPercentage = 12.5,
            Memory = 3 << 20, MemoryLimit = 1L << 30, MemoryPercentage = 0.25, NetworkRx = 1234, NetworkTx = 5678,
            BlockRead = 4096, BlockWrite = 0, PidsCurrent = 3,
        };
        var row = StatsRows.Row(entry, true);
        Assert.Equal("fc80ff72b78c", row["ID"]!.GetValue<string>());
        Assert.Equal("web", row["Name"]!.GetValue<string>());
        Assert.Equal("12.50%", row["CPUPerc"]!.GetValue<string>());
        Assert.Equal("3MiB / 1GiB", row["MemUsage"]!.GetValue<string>());
        Assert.Equal("0.25%", row["MemPerc"]!.GetValue<string>());
        Assert.Equal("1.23kB / 5.68kB", row["NetIO"]!.GetValue<string>());
        Assert.Equal("4.1kB / 0B", row["BlockIO"]!.GetValue<string>());
        Assert.Equal("3", row["PIDs"]!.GetValue<string>());
        var header = Formatter.Render(StatsRows.Format(null), StatsRows.Header(), []);
        Assert.Equal("CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O   BLOCK I/O   PIDS\n", header);
        var invalid = StatsRows.Row(entry with { IsInvalid = true, Name = "" }, true);
        Assert.Equal("--", invalid["CPUPerc"]!.GetValue<string>());
        Assert.Equal("-- / --", invalid["MemUsage"]!.GetValue<string>());
        Assert.Equal("--", invalid["Name"]!.GetValue<string>());
    }

    [Fact]
    public void Stats_entry_computes_like_docker()
    {
        var frame = new ContainerStats
        {
            Name = "/web",
            Id = "abc",
            CpuStats = new CpuStats { CpuUsage = new CpuUsage { TotalUsage = 300 }, SystemCpuUsage = 2000, OnlineCpus = 2 },
            PreCpuStats = new CpuStats { CpuUsage = new CpuUsage { TotalUsage = 100 }, SystemCpuUsage = 1000 },
            MemoryStats = new MemoryStats { Usage = 1000, Limit = 4000, Stats = new() { ["inactive_file"] = 200 } },
            BlkioStats = new BlkioStats { IoServiceBytesRecursive = [new() { Op = "read", Value = 10 }, new() { Op = "Write", Value = 5 }] },
            Networks = new() { ["eth0"] = new ContainerNetworkStats { RxBytes = 7, TxBytes = 9 } },
            PidsStats = new PidsStats { Current = 4 },
        };
        var e = StatsEntry.From("web", frame);
        Assert.Equal(40.0, e.CpuPercentage, 6);
        Assert.Equal(800, e.Memory);
        Assert.Equal(20.0, e.MemoryPercentage, 6);
        Assert.Equal((10.0, 5.0), (e.BlockRead, e.BlockWrite));
        Assert.Equal((7.0, 9.0), (e.NetworkRx, e.NetworkTx));
        Assert.Equal(4UL, e.PidsCurrent);
    }
}
