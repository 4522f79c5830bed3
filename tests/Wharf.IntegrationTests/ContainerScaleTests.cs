using System.Text.Json;
using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>Many containers at once: a daemon crash under load, and create/start/rm cycles that must leave nothing behind.</summary>
public sealed class ContainerScaleTests
{
    [Fact]
    public async Task Kill_9_with_50_running_containers_loses_none_of_them()
    {
        await using var d = await WharfDaemon.StartNewAsync();
        using var http = d.CreateHttpClient();
        Assert.Equal(0, (await d.DockerAsync("run", "-d", "--name", "ticker", "busybox", "sh", "-c",
            "i=0; while true; do echo line$i; i=$((i+1)); usleep 100000; done")).ExitCode);
        await Parallel.ForEachAsync(Enumerable.Range(1, 49), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            var id = await CreateAsync(http, "sleeper" + i, ["sleep", "1d"]);
            var start = await http.PostAsync($"/v1.47/containers/{id}/start", null, ct);
            Assert.True(start.IsSuccessStatusCode, await start.Content.ReadAsStringAsync(ct));
        });
        Assert.Equal(0, (await d.DockerAsync("run", "-d", "--name", "quitter", "busybox", "sh", "-c", "sleep 2; exit 7")).ExitCode);

        await d.StopAsync(kill: true);
        await Task.Delay(4500);
        await d.StartAsync();

        Assert.Contains("containers: 50 reconnected, 1 exited while the daemon was down", d.Log);
        var running = (await d.DockerAsync("ps", "-q")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(50, running.Length);
        var quitter = (await d.DockerAsync("ps", "-a", "--filter", "name=quitter", "--format", "{{.Status}}")).Stdout;
        Assert.Matches(@"^Exited \(7\) ", quitter);
        Assert.Equal("7", (await d.DockerAsync("inspect", "-f", "{{.State.ExitCode}}", "quitter")).Stdout.Trim());

        // The ticker's shim kept writing while wharfd was down: the numbered lines have no gap, and
        // it still writes after the restart.
        await Task.Delay(500);
        var lines = (await d.DockerAsync("logs", "ticker")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 40, $"only {lines.Length} lines");
        for (int i = 0; i < lines.Length; i++) Assert.Equal("line" + i, lines[i]);
        var tail = await d.DockerAsync(["logs", "--tail", "1", "ticker"], null);
        Assert.Matches(@"^line\d+\n$", tail.Stdout);
    }

    [Fact]
    public async Task Two_hundred_create_start_rm_cycles_leave_nothing_behind()
    {
        await using var d = await WharfDaemon.StartNewAsync();
        using var http = d.CreateHttpClient();
        // Warm up once so lazily made things (the cgroup parent, caches) are in the baseline.
        await CycleAsync(http, 0);
        await Task.Delay(500);
        var fds = Directory.GetFiles($"/proc/{d.Pid}/fd").Length;
        var cgroupsBefore = CgroupDirs(d.Id);

        await Parallel.ForEachAsync(Enumerable.Range(1, 200), new ParallelOptions { MaxDegreeOfParallelism = 4 },
            async (i, _) => await CycleAsync(http, i));

        Assert.Equal("", (await d.DockerAsync("ps", "-aq")).Stdout.Trim());
        Assert.Empty(MountsUnder(d.Root));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(d.DataRoot, "containers")));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(d.Root, "shims")));
        Assert.Empty(Directory.Exists(Path.Combine(d.Root, "runc")) ? Directory.GetFileSystemEntries(Path.Combine(d.Root, "runc")) : []);
        Assert.Empty(ProcessesMentioning(d.Root));
        Assert.Equal(cgroupsBefore, CgroupDirs(d.Id));
        // A few descriptors come and go with the thread pool and HTTP connections; a leak per cycle would show hundreds.
        var fdsAfter = Directory.GetFiles($"/proc/{d.Pid}/fd").Length;
        Assert.True(fdsAfter < fds + 20, $"wharfd had {fds} descriptors before the cycles and {fdsAfter} after: " +
            string.Join(", ", Directory.GetFiles($"/proc/{d.Pid}/fd").Select(f => new FileInfo(f).LinkTarget)));
    }

    /// <summary>Odd cycles run a container that exits by itself (waited for); even ones force-remove a running one.</summary>
    private static async Task CycleAsync(HttpClient http, int i)
    {
        var exits = i % 2 == 1;
        var id = await CreateAsync(http, "cycle" + i, exits ? ["true"] : ["sleep", "1d"]);
        var start = await http.PostAsync($"/v1.47/containers/{id}/start", null);
        Assert.True(start.IsSuccessStatusCode, await start.Content.ReadAsStringAsync());
        if (exits)
        {
            var wait = await http.PostAsync($"/v1.47/containers/{id}/wait", null);
            Assert.Contains("\"StatusCode\":0", await wait.Content.ReadAsStringAsync());
        }
        var rm = await http.DeleteAsync($"/v1.47/containers/{id}?force=1");
        Assert.True(rm.IsSuccessStatusCode, await rm.Content.ReadAsStringAsync());
    }

    private static async Task<string> CreateAsync(HttpClient http, string name, string[] cmd)
    {
        var json = $"{{\"Image\":\"busybox\",\"Cmd\":[{string.Join(',', cmd.Select(a => "\"" + a + "\""))}]}}";
        var r = await http.PostAsync($"/v1.47/containers/create?name={name}", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("Id").GetString()!;
    }

    private static List<string> MountsUnder(string root) =>
        File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4]).Where(m => m.StartsWith(root + "/", StringComparison.Ordinal)).ToList();

    private static List<int> ProcessesMentioning(string root)
    {
        var pids = new List<int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                // The daemon itself is started with the root in its arguments.
                if (cmdline.Contains(root, StringComparison.Ordinal) && !cmdline.Contains("--data-root", StringComparison.Ordinal)) pids.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return pids;
    }

    /// <summary>Every cgroup directory under this daemon's cgroup parent, in every hierarchy.</summary>
    private static SortedSet<string> CgroupDirs(string daemonId)
    {
        var dirs = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines("/proc/self/mountinfo"))
        {
            var fields = line.Split(' ');
            var sep = Array.IndexOf(fields, "-");
            if (sep < 0 || !fields[sep + 1].StartsWith("cgroup", StringComparison.Ordinal)) continue;
            var parent = Path.Combine(fields[4], "wharf-t" + daemonId);
            if (!Directory.Exists(parent)) continue;
            dirs.Add(parent);
            foreach (var sub in Directory.GetDirectories(parent, "*", SearchOption.AllDirectories)) dirs.Add(sub);
        }
        return dirs;
    }
}
