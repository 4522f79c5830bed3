using System.Text;
using Wharf.Api.Client;
using Wharf.Api.Models;
using Wharf.Cli.Build;
using Wharf.Cli.Containers;
using Wharf.Cli.Output;
using Wharf.Cli.Parsing;

namespace Wharf.Cli.Commands;

/// <summary>build (the legacy builder's API) and builder prune.</summary>
internal static class BuildCommands
{
    public static CommandDef Build(string use) => new CommandDef(use, "Build an image from a Dockerfile")
    {
        AliasesLine = "wharf image build, wharf build, wharf builder build",
        Args = ArgsRule.Exact(1),
        Run = BuildAsync,
    }
        .Flag(new FlagDef("add-host", null, FlagType.List, "Add a custom host-to-IP mapping (\"host:ip\")"))
        .Flag(new FlagDef("build-arg", null, FlagType.List, "Set build-time variables"))
        .Flag(new FlagDef("cache-from", null, FlagType.Strings, "Images to consider as cache sources"))
        .Flag(new FlagDef("cpu-period", null, FlagType.Int, "Limit the CPU CFS (Completely Fair Scheduler) period"))
        .Flag(new FlagDef("cpu-quota", null, FlagType.Int, "Limit the CPU CFS (Completely Fair Scheduler) quota"))
        .Flag(new FlagDef("cpu-shares", 'c', FlagType.Int, "CPU shares (relative weight)"))
        .Flag(new FlagDef("cpuset-cpus", null, FlagType.String, "CPUs in which to allow execution (0-3, 0,1)"))
        .Flag(new FlagDef("file", 'f', FlagType.String, "Name of the Dockerfile (Default is \"PATH/Dockerfile\")"))
        .Flag(new FlagDef("force-rm", null, FlagType.Bool, "Always remove intermediate containers"))
        .Flag(new FlagDef("iidfile", null, FlagType.String, "Write the image ID to the file"))
        .Flag(new FlagDef("label", null, FlagType.List, "Set metadata for an image"))
        .Flag(new FlagDef("memory", 'm', FlagType.String, "Memory limit") { Validate = ByteSize.Validate, VarName = "bytes" })
        .Flag(new FlagDef("memory-swap", null, FlagType.String, "Swap limit equal to memory plus swap: -1 to enable unlimited swap") { Validate = ByteSize.ValidateSwap, VarName = "bytes" })
        .Flag(new FlagDef("network", null, FlagType.String, "Set the networking mode for the RUN instructions during build", "default"))
        .Flag(new FlagDef("no-cache", null, FlagType.Bool, "Do not use cache when building the image"))
        .Flag(new FlagDef("progress", null, FlagType.String, "Set type of progress output (auto, plain, tty). Use plain to show container output", "auto"))
        .Flag(new FlagDef("pull", null, FlagType.Bool, "Always attempt to pull a newer version of the image"))
        .Flag(new FlagDef("quiet", 'q', FlagType.Bool, "Suppress the build output and print image ID on success"))
        .Flag(new FlagDef("rm", null, FlagType.Bool, "Remove intermediate containers after a successful build", "true"))
        .Flag(new FlagDef("shm-size", null, FlagType.String, "Size of /dev/shm") { Validate = ByteSize.Validate, VarName = "bytes" })
        .Flag(new FlagDef("tag", 't', FlagType.List, "Name and optionally a tag in the \"name:tag\" format"))
        .Flag(new FlagDef("target", null, FlagType.String, "Set the target build stage to build"));

    static async Task<int> BuildAsync(CommandContext ctx)
    {
        var progressMode = ctx.Flags.GetStringOrEmpty("progress");
        if (progressMode is not ("auto" or "plain" or "tty" or "quiet"))
            throw new CliException($"invalid argument \"{progressMode}\" for \"--progress\" flag: use auto, plain, tty or quiet");
        foreach (var t in ctx.Flags.GetList("tag"))
            if (!ImageReference.TryParse(t, out _, out var err)) throw new CliException($"invalid argument \"{t}\" for \"-t, --tag\" flag: {err}");
        var source = PrepareSource(ctx);
        var p = new BuildParameters
        {
            Tags = [.. ctx.Flags.GetList("tag")],
            Dockerfile = source.DockerfileName,
            BuildArgs = BuildArgs(ctx.Flags.GetList("build-arg")),
            Labels = Labels(ctx.Flags.GetList("label")),
            Target = ctx.Flags.GetString("target"),
            NoCache = ctx.Flags.GetBool("no-cache"),
            Pull = ctx.Flags.GetBool("pull"),
            Remove = ctx.Flags.GetBool("rm"),
            ForceRemove = ctx.Flags.GetBool("force-rm"),
            Quiet = ctx.Flags.GetBool("quiet") || progressMode == "quiet",
            NetworkMode = ctx.Flags.GetString("network"),
            Memory = ByteSize.Parse(ctx.Flags.GetStringOrEmpty("memory")),
            MemorySwap = ByteSize.Parse(ctx.Flags.GetStringOrEmpty("memory-swap")),
            CpuShares = ctx.Flags.GetLong("cpu-shares"),
            CpuPeriod = ctx.Flags.GetLong("cpu-period"),
            CpuQuota = ctx.Flags.GetLong("cpu-quota"),
            CpusetCpus = ctx.Flags.GetString("cpuset-cpus"),
            ShmSize = ByteSize.Parse(ctx.Flags.GetStringOrEmpty("shm-size")),
            ExtraHosts = [.. ctx.Flags.GetList("add-host")],
            CacheFrom = [.. ctx.Flags.GetList("cache-from")],
            RegistryConfig = RegistryClientCommands.Credentials(ctx).All(),
        };
        var tty = progressMode == "tty" || (progressMode == "auto" && ctx.Console.OutIsTerminal);
        var view = new BuildView(ctx.Out, tty, ctx.Console.Terminal.OutputSize() is { Cols: > 0 } size ? size.Cols : 80);
        string? imageId = null;
        try
        {
            await foreach (var m in ctx.Client.BuildAsync(source.Write, p, ctx.Cancel).ConfigureAwait(false))
            {
                if (m.ErrorDetail is not null || m.Error is not null)
                {
                    view.Finish();
                    var msg = m.ErrorDetail?.Message is { Length: > 0 } em ? em : m.Error ?? "unknown error";
                    throw new CliException(msg, m.ErrorDetail?.Code is > 0 and var code ? code : 1);
                }
                if (m.Aux?.ID is { } id) imageId = id;
                if (!p.Quiet && m.Stream is { } text) view.Write(text);
            }
        }
        finally
        {
            view.Finish();
        }
        if (imageId is null) throw new CliException("the build ended without an image id");
        if (p.Quiet) ctx.Out.WriteLine(imageId);
        if (ctx.Flags.GetString("iidfile") is { Length: > 0 } iid) await File.WriteAllTextAsync(iid, imageId, ctx.Cancel).ConfigureAwait(false);
        return 0;
    }

    /// <summary>What goes to the daemon: the context tar writer and the Dockerfile's name inside it.</summary>
    private sealed record BuildSource(Func<Stream, CancellationToken, Task> Write, string? DockerfileName);

    private static BuildSource PrepareSource(CommandContext ctx)
    {
        var path = ctx.Args[0];
        var file = ctx.Flags.GetString("file");
        if (path == "-")
        {
            if (file == "-") throw new CliException("invalid argument: can't use stdin for both build context and dockerfile");
            // A tar (maybe compressed) is the context; anything else is a Dockerfile, which the daemon tells apart.
            var stdin = ctx.Console.InStream;
            return new BuildSource((output, ct) => stdin.CopyToAsync(output, ct), file);
        }
        if (!Directory.Exists(path))
            throw new CliException($"unable to prepare context: path \"{path}\" not found");
        var root = Path.GetFullPath(path);
        byte[]? extra = null;
        string? dockerfileName = null;
        var always = new HashSet<string>(StringComparer.Ordinal) { ".dockerignore" };
        if (file == "-")
        {
            using var ms = new MemoryStream();
            ctx.Console.InStream.CopyTo(ms);
            extra = ms.ToArray();
        }
        else
        {
            var df = string.IsNullOrEmpty(file) ? Path.Combine(root, "Dockerfile") : Path.GetFullPath(file);
            if (string.IsNullOrEmpty(file) && !File.Exists(df) && File.Exists(Path.Combine(root, "dockerfile"))) df = Path.Combine(root, "dockerfile");
            if (!File.Exists(df))
                throw new CliException($"unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat {df}: no such file or directory");
            var rel = Path.GetRelativePath(root, df);
            if (rel.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(rel)) extra = File.ReadAllBytes(df);
            else
            {
                dockerfileName = rel.Replace('\\', '/');
                always.Add(dockerfileName);
            }
        }
        var extras = new List<(string, byte[])>();
        if (extra is not null)
        {
            // A Dockerfile from stdin or from outside the context travels under a name of its own, as with docker.
            dockerfileName = ".dockerfile." + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(10));
            extras.Add((dockerfileName, extra));
        }
        var ignoreFile = Path.Combine(root, ".dockerignore");
        DockerIgnore ignore;
        try
        {
            ignore = File.Exists(ignoreFile) ? DockerIgnore.Parse(File.ReadAllText(ignoreFile)) : DockerIgnore.Empty;
        }
        catch (FormatException e)
        {
            throw new CliException($"error reading .dockerignore: {e.Message}");
        }
        return new BuildSource((output, ct) => ContextArchive.WriteAsync(output, root, ignore, always, extras, ct), dockerfileName);
    }

    /// <summary>`--build-arg NAME=value` or `NAME` (from the environment, left out when unset), as `build` and `compose build` take them.</summary>
    internal static Dictionary<string, string> BuildArgs(IReadOnlyList<string> items)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var eq = item.IndexOf('=');
            if (eq > 0) result[item[..eq]] = item[(eq + 1)..];
            else if (eq < 0 && Environment.GetEnvironmentVariable(item) is { } v) result[item] = v;
            else if (eq == 0) throw new CliException($"invalid argument \"{item}\" for \"--build-arg\" flag: a name is needed before '='");
        }
        return result;
    }

    private static Dictionary<string, string> Labels(IReadOnlyList<string> items)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var eq = item.IndexOf('=');
            result[eq < 0 ? item : item[..eq]] = eq < 0 ? "" : item[(eq + 1)..];
        }
        return result;
    }

    // ------------------------------------------------------------------ builder prune

    public static CommandDef Prune() => new CommandDef("prune", "Remove build cache")
    {
        Args = ArgsRule.None,
        Run = PruneAsync,
    }
        .Flag(new FlagDef("all", 'a', FlagType.Bool, "Remove all unused build cache, not just dangling ones"))
        .Flag(new FlagDef("filter", null, FlagType.Filter, "Provide filter values (e.g. \"until=24h\")"))
        .Flag(new FlagDef("force", 'f', FlagType.Bool, "Do not prompt for confirmation"))
        .Flag(new FlagDef("keep-storage", null, FlagType.String, "Amount of disk space to keep for cache") { Validate = ByteSize.Validate, VarName = "bytes" });

    static async Task<int> PruneAsync(CommandContext ctx)
    {
        if (!ctx.Flags.GetBool("force"))
        {
            ctx.Out.Write("WARNING! This will remove all dangling build cache.\nAre you sure you want to continue? [y/N] ");
            await ctx.Out.FlushAsync(ctx.Cancel).ConfigureAwait(false);
            var answer = ctx.Console.InIsTerminal || ctx.Console.InStream.CanRead ? Console.In.ReadLine() : null;
            if (answer is null || !answer.Trim().Equals("y", StringComparison.OrdinalIgnoreCase)) return 0;
        }
        var filters = new Filters();
        foreach (var f in ctx.Flags.GetList("filter"))
        {
            var eq = f.IndexOf('=');
            if (eq <= 0) throw new CliException($"invalid argument \"{f}\" for \"--filter\" flag: bad format of filter (expected name=value)");
            filters.Add(f[..eq], f[(eq + 1)..]);
        }
        var keep = ByteSize.Parse(ctx.Flags.GetStringOrEmpty("keep-storage"));
        var r = await ctx.Client.PruneBuildCacheAsync(ctx.Flags.GetBool("all"), keep, filters, ctx.Cancel).ConfigureAwait(false);
        var sb = new StringBuilder();
        if (r.CachesDeleted is { Count: > 0 } deleted)
        {
            sb.Append("Deleted build cache objects:\n");
            foreach (var d in deleted) sb.Append(d).Append('\n');
            sb.Append('\n');
        }
        sb.Append("Total:\t").Append(HumanUnits.HumanSize(r.SpaceReclaimed)).Append('\n');
        ctx.Out.Write(sb.ToString());
        return 0;
    }
}
