using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Wharf.Api.Client;
using Wharf.Api.Json;
using Wharf.Api.Models;
using Wharf.Cli.Output;
using Wharf.Cli.Parsing;

namespace Wharf.Cli.Commands;

/// <summary>version, info / system info, system df.</summary>
internal static class SystemCommands
{
    // ------------------------------------------------------------------ version

    public static CommandDef Version() => new CommandDef("version [OPTIONS]", "Show the Wharf version information")
    {
        Args = ArgsRule.None,
        Run = VersionAsync,
    }.Flag(Common.FormatFlag(table: false, 'f'));

    static JsonObject ClientVersion(CommandContext ctx, string? apiVersion) => new()
    {
        ["Platform"] = new JsonObject { ["Name"] = "Wharf" },
        ["Version"] = BuildInfo.Version,
        ["APIVersion"] = apiVersion ?? WharfClient.MaxApiVersion,
        ["DefaultAPIVersion"] = WharfClient.MaxApiVersion,
        ["GitCommit"] = BuildInfo.GitCommit,
        ["GoVersion"] = RuntimeInformation.FrameworkDescription,
        ["Os"] = "linux",
        ["Arch"] = GoArch(),
        ["BuildTime"] = BuildInfo.BuildTime,
        ["Context"] = "default",
    };

    public static string GoArch() => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        Architecture.Arm => "arm",
        Architecture.X86 => "386",
        Architecture.S390x => "s390x",
        Architecture.Ppc64le => "ppc64le",
        Architecture.RiscV64 => "riscv64",
        _ => RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
    };

    static async Task<int> VersionAsync(CommandContext ctx)
    {
        JsonObject? server = null;
        Exception? serverError = null;
        try
        {
            server = await ctx.Client.VersionJsonAsync(ctx.Cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WharfApiException or WharfConnectionException)
        {
            serverError = e;
        }
        var client = ClientVersion(ctx, ctx.Client.ApiVersion);
        var format = ctx.Flags.GetStringOrEmpty("format");
        if (format.Length > 0)
        {
            var data = new JsonObject { ["Client"] = client, ["Server"] = server };
            ctx.Out.Write(Formatter.Execute(Formatter.PreFormat(format), data) + "\n");
        }
        else
        {
            ctx.Out.Write(RenderVersion(client, server));
        }
        if (serverError is not null) return ctx.App.ReportError(serverError);
        return 0;
    }

    static string S(JsonNode? n) => n switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
        _ => n.ToJsonString(),
    };

    /// <summary>docker's defaultVersionTemplate through a tabwriter (minwidth 20, padding 1).</summary>
    public static string RenderVersion(JsonObject client, JsonObject? server)
    {
        var sb = new StringBuilder();
        void Line(string indent, string label, string value) =>
            sb.Append((indent + label + ":").PadRight(Math.Max(20, indent.Length + label.Length + 2))).Append(value).Append('\n');
        var cname = S(client["Platform"]?["Name"]);
        sb.Append("Client:").Append(cname.Length > 0 ? " " + cname : "").Append('\n');
        Line(" ", "Version", S(client["Version"]));
        var api = S(client["APIVersion"]);
        var def = S(client["DefaultAPIVersion"]);
        Line(" ", "API version", api + (api != def ? $" (downgraded from {def})" : ""));
        Line(" ", "Go version", S(client["GoVersion"]));
        Line(" ", "Git commit", S(client["GitCommit"]));
        Line(" ", "Built", S(client["BuildTime"]));
        Line(" ", "OS/Arch", S(client["Os"]) + "/" + S(client["Arch"]));
        Line(" ", "Context", S(client["Context"]));
        if (server is not null)
        {
            var sname = S(server["Platform"]?["Name"]);
            sb.Append("\nServer:").Append(sname.Length > 0 ? " " + sname : "").Append('\n');
            if (server["Components"] is JsonArray comps && comps.Count > 0)
            {
                foreach (var c in comps)
                {
                    var name = S(c?["Name"]);
                    sb.Append(' ').Append(name).Append(":\n");
                    var details = c?["Details"] as JsonObject;
                    string D(string k) => S(details?[k]);
                    if (name == "Engine")
                    {
                        Line("  ", "Version", S(c?["Version"]));
                        Line("  ", "API version", $"{D("ApiVersion")} (minimum version {D("MinAPIVersion")})");
                        Line("  ", "Go version", D("GoVersion"));
                        Line("  ", "Git commit", D("GitCommit"));
                        Line("  ", "Built", D("BuildTime"));
                        Line("  ", "OS/Arch", D("Os") + "/" + D("Arch"));
                        Line("  ", "Experimental", D("Experimental"));
                    }
                    else
                    {
                        Line("  ", "Version", S(c?["Version"]));
                        if (details is not null)
                            foreach (var key in details.Select(kv => kv.Key).OrderBy(k => k, StringComparer.Ordinal))
                                Line("  ", key, D(key));
                    }
                }
            }
            else
            {
                sb.Append(" Engine:\n");
                Line("  ", "Version", S(server["Version"]));
                Line("  ", "API version", $"{S(server["ApiVersion"])} (minimum version {S(server["MinAPIVersion"])})");
                Line("  ", "Go version", S(server["GoVersion"]));
                Line("  ", "Git commit", S(server["GitCommit"]));
                Line("  ", "Built", S(server["BuildTime"]));
                Line("  ", "OS/Arch", S(server["Os"]) + "/" + S(server["Arch"]));
                Line("  ", "Experimental", S(server["Experimental"]));
            }
        }
        return sb.ToString();
    }

    // ------------------------------------------------------------------ info

    public static CommandDef Info(string use) => new CommandDef(use, "Display system-wide information")
    {
        AliasesLine = "wharf system info, wharf info",
        Args = ArgsRule.None,
        Run = InfoAsync,
    }.Flag(Common.FormatFlag(table: false, 'f'));

    static JsonObject ClientInfo(CommandContext ctx) => new()
    {
        ["Debug"] = ctx.App.Options.Debug,
        ["Version"] = BuildInfo.Version,
        ["DefaultAPIVersion"] = WharfClient.MaxApiVersion,
        ["GitCommit"] = BuildInfo.GitCommit,
        ["GoVersion"] = RuntimeInformation.FrameworkDescription,
        ["Os"] = "linux",
        ["Arch"] = GoArch(),
        ["BuildTime"] = BuildInfo.BuildTime,
        ["Context"] = "default",
        ["Plugins"] = new JsonArray(),
        ["Warnings"] = null,
    };

    static async Task<int> InfoAsync(CommandContext ctx)
    {
        var format = ctx.Flags.GetStringOrEmpty("format");
        if (format.Length > 0)
        {
            JsonObject? raw = null;
            Exception? err = null;
            try { raw = await ctx.Client.InfoJsonAsync(ctx.Cancel).ConfigureAwait(false); }
            catch (Exception e) when (e is WharfApiException or WharfConnectionException) { err = e; }
            var data = raw ?? new JsonObject();
            data["ClientInfo"] = ClientInfo(ctx);
            data["ClientErrors"] = null;
            if (err is not null) data["ServerErrors"] = new JsonArray(err.Message);
            ctx.Out.Write(Formatter.Execute(Formatter.PreFormat(format), data) + "\n");
            return err is null ? 0 : ctx.App.ReportError(err);
        }
        var sb = new StringBuilder();
        sb.Append("Client:\n");
        sb.Append(" Version:    ").Append(BuildInfo.Version).Append('\n');
        sb.Append(" Context:    default\n");
        sb.Append(" Debug Mode: ").Append(ctx.App.Options.Debug ? "true" : "false").Append('\n');
        sb.Append("\nServer:\n");
        ctx.Out.Write(sb.ToString());
        SystemInfo info;
        try
        {
            info = await ctx.Client.InfoAsync(ctx.Cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WharfApiException or WharfConnectionException)
        {
            return ctx.App.ReportError(e);
        }
        ctx.Out.Write(RenderServerInfo(info, ctx.App.Options.Debug));
        if (info.Warnings.Count > 0)
        {
            ctx.Out.Flush();
            foreach (var w in info.Warnings) ctx.Err.Write(w + "\n");
        }
        return 0;
    }

    static string B(bool b) => b ? "true" : "false";

    /// <summary>docker's prettyPrintServerInfo.</summary>
    public static string RenderServerInfo(SystemInfo info, bool clientDebug)
    {
        var sb = new StringBuilder();
        void L(string label, string value) => sb.Append(label).Append(' ').Append(value).Append('\n');
        void NonEmpty(string label, string value)
        {
            if (value.Length > 0) L(label, value);
        }
        string I(long v) => v.ToString(CultureInfo.InvariantCulture);
        L(" Containers:", I(info.Containers));
        L("  Running:", I(info.ContainersRunning));
        L("  Paused:", I(info.ContainersPaused));
        L("  Stopped:", I(info.ContainersStopped));
        L(" Images:", I(info.Images));
        NonEmpty(" Server Version:", info.ServerVersion);
        NonEmpty(" Storage Driver:", info.Driver);
        foreach (var pair in info.DriverStatus)
            if (pair.Count >= 2) sb.Append("  ").Append(pair[0]).Append(": ").Append(pair[1]).Append('\n');
        NonEmpty(" Logging Driver:", info.LoggingDriver);
        NonEmpty(" Cgroup Driver:", info.CgroupDriver);
        NonEmpty(" Cgroup Version:", info.CgroupVersion);
        sb.Append(" Plugins:\n");
        L("  Volume:", string.Join(" ", info.Plugins.Volume));
        L("  Network:", string.Join(" ", info.Plugins.Network));
        if (info.Plugins.Authorization is { Count: > 0 } authz) L("  Authorization:", string.Join(" ", authz));
        L("  Log:", string.Join(" ", info.Plugins.Log));
        if (info.CDISpecDirs.Count > 0)
        {
            sb.Append(" CDI spec directories:\n");
            foreach (var d in info.CDISpecDirs) sb.Append("  ").Append(d).Append('\n');
        }
        L(" Swarm:", info.Swarm.LocalNodeState);
        if (info.Runtimes.Count > 0)
        {
            L(" Runtimes:", string.Join(" ", info.Runtimes.Keys.OrderBy(k => k, StringComparer.Ordinal)));
            L(" Default Runtime:", info.DefaultRuntime);
        }
        if (info.OSType == "linux")
        {
            L(" Init Binary:", info.InitBinary);
            foreach (var (name, commit) in new[] { ("containerd", info.ContainerdCommit), ("runc", info.RuncCommit), ("init", info.InitCommit) })
                sb.Append(' ').Append(name).Append(" version: ").Append(commit.ID).Append('\n');
            if (info.SecurityOptions.Count > 0)
            {
                sb.Append(" Security Options:\n");
                foreach (var so in info.SecurityOptions)
                {
                    string? name = null;
                    var opts = new List<(string, string)>();
                    foreach (var kv in so.Split(','))
                    {
                        var eq = kv.IndexOf('=');
                        if (eq < 0) continue;
                        if (kv[..eq] == "name") name = kv[(eq + 1)..];
                        else opts.Add((kv[..eq], kv[(eq + 1)..]));
                    }
                    if (name is null) continue;
                    sb.Append("  ").Append(name).Append('\n');
                    foreach (var (k, v) in opts)
                        if (k == "profile") L("   Profile:", v);
                }
            }
        }
        NonEmpty(" Kernel Version:", info.KernelVersion);
        NonEmpty(" Operating System:", info.OperatingSystem);
        NonEmpty(" OSType:", info.OSType);
        NonEmpty(" Architecture:", info.Architecture);
        L(" CPUs:", I(info.NCPU));
        L(" Total Memory:", HumanUnits.BytesSize(info.MemTotal));
        NonEmpty(" Name:", info.Name);
        NonEmpty(" ID:", info.ID);
        L(" Docker Root Dir:", info.DockerRootDir);
        L(" Debug Mode:", B(info.Debug));
        if (info.Debug || clientDebug)
        {
            L("  File Descriptors:", I(info.NFd));
            L("  Goroutines:", I(info.NGoroutines));
            L("  System Time:", info.SystemTime);
            L("  EventsListeners:", I(info.NEventsListener));
        }
        NonEmpty(" HTTP Proxy:", info.HttpProxy);
        NonEmpty(" HTTPS Proxy:", info.HttpsProxy);
        NonEmpty(" No Proxy:", info.NoProxy);
        if (info.Labels.Count > 0)
        {
            sb.Append(" Labels:\n");
            foreach (var l in info.Labels) sb.Append("  ").Append(l).Append('\n');
        }
        L(" Experimental:", B(info.ExperimentalBuild));
        var reg = info.RegistryConfig;
        if (reg.InsecureRegistryCIDRs.Count > 0 || reg.IndexConfigs.Count > 0)
        {
            sb.Append(" Insecure Registries:\n");
            foreach (var ic in reg.IndexConfigs.Values)
                if (!ic.Secure) sb.Append("  ").Append(ic.Name).Append('\n');
            foreach (var cidr in reg.InsecureRegistryCIDRs) sb.Append("  ").Append(cidr).Append('\n');
        }
        if (reg.Mirrors.Count > 0)
        {
            sb.Append(" Registry Mirrors:\n");
            foreach (var m in reg.Mirrors) sb.Append("  ").Append(m).Append('\n');
        }
        L(" Live Restore Enabled:", B(info.LiveRestoreEnabled));
        if (info.DefaultAddressPools is { Count: > 0 } pools)
        {
            sb.Append(" Default Address Pools:\n");
            foreach (var p in pools) sb.Append("   Base: ").Append(p.Base).Append(", Size: ").Append(I(p.Size)).Append('\n');
        }
        sb.Append('\n');
        return sb.ToString();
    }

    // ------------------------------------------------------------------ system df

    public static CommandDef Df() => new CommandDef("df [OPTIONS]", "Show wharf disk usage")
    {
        Args = ArgsRule.None,
        Run = DfAsync,
    }
        .Flag(Common.FormatFlag(table: true))
        .Flag(new FlagDef("verbose", 'v', FlagType.Bool, "Show detailed information on space usage"));

    const string DfTable = "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}";

    static async Task<int> DfAsync(CommandContext ctx)
    {
        var du = await ctx.Client.DiskUsageAsync(ctx.Cancel).ConfigureAwait(false);
        var format = ctx.Flags.GetString("format");
        if (ctx.Flags.GetBool("verbose") && string.IsNullOrEmpty(format))
        {
            ctx.Out.Write(RenderDfVerbose(du, ctx.Now));
            return 0;
        }
        if (string.IsNullOrEmpty(format) || format == Formatter.TableKey) format = DfTable;
        var header = new JsonObject
        {
            ["Active"] = "ACTIVE", ["Reclaimable"] = "RECLAIMABLE", ["Size"] = "SIZE", ["TotalCount"] = "TOTAL", ["Type"] = "TYPE",
        };
        ctx.Out.Write(Formatter.Render(format, header, DfRows(du)));
        return 0;
    }

    static string Pct(long reclaimable, long total) =>
        total > 0
            ? $"{HumanUnits.HumanSize(reclaimable)} ({(reclaimable * 100 / total).ToString(CultureInfo.InvariantCulture)}%)"
            : HumanUnits.HumanSize(reclaimable);

    static long L(JsonNode? n) => n is JsonValue v && v.TryGetValue<long>(out var l) ? l : n is JsonValue d && d.TryGetValue<double>(out var x) ? (long)x : 0;

    static string Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";

    static bool Bo(JsonNode? n) => n is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    /// <summary>The four summary rows of `system df` (docker's diskUsage*Context).</summary>
    public static List<JsonObject> DfRows(DiskUsage du)
    {
        string I(long v) => v.ToString(CultureInfo.InvariantCulture);
        var rows = new List<JsonObject>();
        long imgTotal = du.LayersSize;
        long imgUsed = 0;
        int imgActive = 0;
        foreach (var i in du.Images)
        {
            if (i.Containers > 0) imgActive++;
            if (i.Containers != 0 && i.Size != -1 && i.SharedSize != -1) imgUsed += i.Size - i.SharedSize;
        }
        rows.Add(DfRow("Images", I(du.Images.Count), I(imgActive), HumanUnits.HumanSize(imgTotal), Pct(imgTotal - imgUsed, imgTotal)));

        long cSize = 0, cReclaim = 0;
        int cActive = 0;
        foreach (var c in du.Containers)
        {
            var active = c.State is "running" or "paused" or "restarting";
            if (active) cActive++;
            else cReclaim += c.SizeRw ?? 0;
            cSize += c.SizeRw ?? 0;
        }
        rows.Add(DfRow("Containers", I(du.Containers.Count), I(cActive), HumanUnits.HumanSize(cSize), Pct(cReclaim, cSize)));

        long vSize = 0, vReclaim = 0;
        int vActive = 0;
        foreach (var v in du.Volumes)
        {
            var usage = v["UsageData"];
            var refs = L(usage?["RefCount"]);
            var size = L(usage?["Size"]);
            if (refs > 0) vActive++;
            if (size != -1)
            {
                vSize += size;
                if (refs == 0) vReclaim += size;
            }
        }
        rows.Add(DfRow("Local Volumes", I(du.Volumes.Count), I(vActive), HumanUnits.HumanSize(vSize), Pct(vReclaim, vSize)));

        long bSize = 0, bReclaim = 0;
        int bActive = 0;
        foreach (var b in du.BuildCache)
        {
            var inUse = Bo(b["InUse"]);
            var shared = Bo(b["Shared"]);
            if (inUse) bActive++;
            if (!shared)
            {
                bSize += L(b["Size"]);
                if (!inUse) bReclaim += L(b["Size"]);
            }
        }
        rows.Add(DfRow("Build Cache", I(du.BuildCache.Count), I(bActive), HumanUnits.HumanSize(bSize), HumanUnits.HumanSize(bReclaim)));
        return rows;
    }

    static JsonObject DfRow(string type, string total, string active, string size, string reclaimable) => new()
    {
        ["Active"] = active, ["Reclaimable"] = reclaimable, ["Size"] = size, ["TotalCount"] = total, ["Type"] = type,
    };

    static string Since(JsonNode? time, DateTimeOffset now) =>
        DateTimeOffset.TryParse(Str(time), CultureInfo.InvariantCulture, out var t) ? HumanUnits.HumanDuration(now - t) + " ago" : "";

    static string RenderDfVerbose(DiskUsage du, DateTimeOffset now)
    {
        var sb = new StringBuilder();
        sb.Append("Images space usage:\n\n");
        var rows = new List<JsonObject>();
        foreach (var img in du.Images) rows.Add(ImageRows.FirstTagRow(img, now));
        var header = ImageRows.ImageHeader();
        sb.Append(Formatter.Render("table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}",
            header, rows));
        sb.Append("\nContainers space usage:\n\n");
        var containers = new StringBuilder("CONTAINER ID\tIMAGE\tCOMMAND\tLOCAL VOLUMES\tSIZE\tCREATED\tSTATUS\tNAMES\n");
        foreach (var c in du.Containers)
        {
            var command = c.Command.Length > 19 ? c.Command[..19] + "…" : c.Command;
            var created = HumanUnits.HumanDuration(now - DateTimeOffset.FromUnixTimeSeconds(c.Created)) + " ago";
            var volumes = c.Mounts.Count(m => m.Type == "volume");
            containers.Append(CultureInfo.InvariantCulture, $"{c.Id[..12]}\t{c.Image}\t\"{command}\"\t{volumes}\t{HumanUnits.HumanSize(c.SizeRw ?? 0)}\t{created}\t{c.Status}\t{string.Join(',', c.Names.Select(n => n.TrimStart('/')))}\n");
        }
        sb.Append(Formatter.AlignColumns(containers.ToString()));
        sb.Append("\nLocal Volumes space usage:\n\n");
        var volumeRows = new StringBuilder("VOLUME NAME\tLINKS\tSIZE\n");
        foreach (var v in du.Volumes)
        {
            var usage = v["UsageData"];
            var size = L(usage?["Size"]);
            volumeRows.Append(CultureInfo.InvariantCulture, $"{Str(v["Name"])}\t{L(usage?["RefCount"])}\t{(size < 0 ? "N/A" : HumanUnits.HumanSize(size))}\n");
        }
        sb.Append(Formatter.AlignColumns(volumeRows.ToString()));
        var cacheRows = new StringBuilder("CACHE ID\tCACHE TYPE\tSIZE\tCREATED\tLAST USED\tUSAGE\tSHARED\n");
        long cacheSize = 0;
        foreach (var b in du.BuildCache)
        {
            if (!Bo(b["Shared"])) cacheSize += L(b["Size"]);
            cacheRows.Append(CultureInfo.InvariantCulture, $"{Str(b["ID"])}\t{Str(b["Type"])}\t{HumanUnits.HumanSize(L(b["Size"]))}\t{Since(b["CreatedAt"], now)}\t{Since(b["LastUsedAt"], now)}\t{L(b["UsageCount"])}\t{(Bo(b["Shared"]) ? "true" : "false")}\n");
        }
        sb.Append("\nBuild cache usage: ").Append(HumanUnits.HumanSize(cacheSize)).Append("\n\n");
        sb.Append(Formatter.AlignColumns(cacheRows.ToString()));
        return sb.ToString();
    }
}
