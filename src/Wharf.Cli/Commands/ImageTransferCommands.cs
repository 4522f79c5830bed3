using System.Text;
using Wharf.Api.Client;
using Wharf.Cli.Output;
using Wharf.Cli.Parsing;

namespace Wharf.Cli.Commands;

/// <summary>import, load, save and image prune.</summary>
internal static class ImageTransferCommands
{
    const long ProgressThreshold = 16L << 20;

    // ------------------------------------------------------------------ import

    public static CommandDef Import(string use) => new CommandDef(use, "Import the contents from a tarball to create a filesystem image")
    {
        AliasesLine = "wharf image import, wharf import",
        Args = ArgsRule.AtLeast(1),
        Run = ImportAsync,
    }
        .Flag(new FlagDef("change", 'c', FlagType.List, "Apply Dockerfile instruction to the created image"))
        .Flag(new FlagDef("message", 'm', FlagType.String, "Set commit message for imported image"))
        .Flag(Common.PlatformFlag("Set platform if server is multi-platform capable"));

    static bool IsUrl(string s) =>
        s.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || s.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    static async Task<int> ImportAsync(CommandContext ctx)
    {
        var source = ctx.Args[0];
        string? reference = ctx.Args.Count > 1 ? ctx.Args[1] : null;
        if (ctx.Args.Count > 2) throw new CliException($"wharf: '{ctx.Command.CommandPath}' requires at most 2 arguments", 1);
        if (reference is not null && !ImageReference.TryParse(reference, out _, out var err))
            throw new CliException(err);
        Stream? body = null;
        string? fromSrc = null;
        try
        {
            if (source == "-") body = ctx.Console.InStream;
            else if (IsUrl(source)) fromSrc = source;
            else body = OpenWithProgress(ctx, source, "Importing");
            var stream = ctx.Client.ImportImageAsync(body, fromSrc, reference, null, ctx.Flags.GetString("message"),
                ctx.Flags.GetList("change"), ctx.Flags.GetString("platform"), ctx.Cancel);
            await Common.DisplayStreamAsync(ctx, stream, ctx.Console.OutIsTerminal).ConfigureAwait(false);
        }
        finally
        {
            if (body is not null && source != "-") await body.DisposeAsync().ConfigureAwait(false);
        }
        return 0;
    }

    static Stream OpenWithProgress(CommandContext ctx, string path, string label)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CliException($"open {path}: no such file or directory");
        }
        catch (UnauthorizedAccessException)
        {
            throw new CliException($"open {path}: permission denied");
        }
        if (ctx.Console.ErrIsTerminal && file.Length >= ProgressThreshold)
            return new UploadProgressStream(file, file.Length, ctx.Err, label);
        return file;
    }

    // ------------------------------------------------------------------ load

    public static CommandDef Load(string use) => new CommandDef(use, "Load an image from a tar archive or STDIN")
    {
        AliasesLine = "wharf image load, wharf load",
        Args = ArgsRule.None,
        Run = LoadAsync,
    }
        .Flag(new FlagDef("input", 'i', FlagType.String, "Read from tar archive file, instead of STDIN"))
        .Flag(Common.PlatformFlag("Load only the given platform variant. Formatted as \"os[/arch[/variant]]\" (e.g., \"linux/amd64\")"))
        .Flag(new FlagDef("quiet", 'q', FlagType.Bool, "Suppress the load output"));

    static async Task<int> LoadAsync(CommandContext ctx)
    {
        var input = ctx.Flags.GetStringOrEmpty("input");
        if (input.Length == 0 && ctx.Console.InIsTerminal)
            throw new CliException("requested load from stdin, but stdin is empty");
        var quiet = ctx.Flags.GetBool("quiet") || !ctx.Console.OutIsTerminal;
        var body = input.Length == 0 ? ctx.Console.InStream : OpenWithProgress(ctx, input, "Uploading");
        try
        {
            var stream = ctx.Client.LoadImageAsync(body, quiet, ctx.Cancel);
            await Common.DisplayStreamAsync(ctx, stream, ctx.Console.OutIsTerminal).ConfigureAwait(false);
        }
        finally
        {
            if (input.Length > 0) await body.DisposeAsync().ConfigureAwait(false);
        }
        return 0;
    }

    // ------------------------------------------------------------------ save

    public static CommandDef Save(string use) => new CommandDef(use, "Save one or more images to a tar archive (streamed to STDOUT by default)")
    {
        AliasesLine = "wharf image save, wharf save",
        Args = ArgsRule.AtLeast(1),
        Run = SaveAsync,
    }
        .Flag(new FlagDef("output", 'o', FlagType.String, "Write to a file, instead of STDOUT"))
        .Flag(Common.PlatformFlag("Save only the given platform variant. Formatted as \"os[/arch[/variant]]\" (e.g., \"linux/amd64\")"));

    static async Task<int> SaveAsync(CommandContext ctx)
    {
        var output = ctx.Flags.GetStringOrEmpty("output");
        if (output.Length == 0 && ctx.Console.OutIsTerminal)
            throw new CliException("cowardly refusing to save to a terminal. Use the -o flag or redirect");
        if (output.Length > 0 && Directory.Exists(output))
            throw new CliException($"failed to save image: invalid output path: {FlagParser.GoQuote(output)} must be a directory or a regular file");
        if (output.Length > 0)
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(output))!;
            if (!Directory.Exists(dir))
                throw new CliException($"failed to save image: invalid output path: directory {FlagParser.GoQuote(dir)} does not exist");
        }
        await using var tar = await ctx.Client.SaveImagesAsync(ctx.Args, ctx.Cancel).ConfigureAwait(false);
        if (output.Length == 0)
        {
            await ctx.Out.FlushAsync(ctx.Cancel).ConfigureAwait(false);
            await tar.CopyToAsync(ctx.Console.OutStream, 1 << 16, ctx.Cancel).ConfigureAwait(false);
            await ctx.Console.OutStream.FlushAsync(ctx.Cancel).ConfigureAwait(false);
            return 0;
        }
        var full = Path.GetFullPath(output);
        var tmp = Path.Combine(Path.GetDirectoryName(full)!, ".wharf_temp_" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            await using (var f = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await tar.CopyToAsync(f, 1 << 16, ctx.Cancel).ConfigureAwait(false);
                await f.FlushAsync(ctx.Cancel).ConfigureAwait(false);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { }
            throw;
        }
        return 0;
    }

    // ------------------------------------------------------------------ image prune

    const string DanglingWarning = "WARNING! This will remove all dangling images.\nAre you sure you want to continue?";
    const string AllImageWarning = "WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue?";

    public static CommandDef Prune() => new CommandDef("prune [OPTIONS]", "Remove unused images")
    {
        Args = ArgsRule.None,
        Run = PruneAsync,
    }
        .Flag(new FlagDef("all", 'a', FlagType.Bool, "Remove all unused images, not just dangling ones"))
        .Flag(Common.FilterFlag(null, "Provide filter values (e.g. \"until=<timestamp>\")"))
        .Flag(new FlagDef("force", 'f', FlagType.Bool, "Do not prompt for confirmation"));

    static async Task<int> PruneAsync(CommandContext ctx)
    {
        var all = ctx.Flags.GetBool("all");
        var filters = Common.ReadFilters(ctx);
        filters.Add("dangling", all ? "false" : "true");
        if (!ctx.Flags.GetBool("force") && !Common.Confirm(ctx, all ? AllImageWarning : DanglingWarning))
            return 0;
        var report = await ctx.Client.PruneImagesAsync(filters, ctx.Cancel).ConfigureAwait(false);
        var sb = new StringBuilder();
        AppendDeletedImages(sb, report.ImagesDeleted);
        sb.Append("Total reclaimed space: ").Append(HumanUnits.HumanSize(report.SpaceReclaimed)).Append('\n');
        ctx.Out.Write(sb.ToString());
        return 0;
    }

    /// <summary>The "Deleted Images:" section of image and system prune (nothing when none were).</summary>
    internal static void AppendDeletedImages(StringBuilder sb, List<Wharf.Api.Models.ImageDeleteItem>? deleted)
    {
        if (deleted is not { Count: > 0 }) return;
        sb.Append("Deleted Images:\n");
        foreach (var d in deleted)
        {
            if (!string.IsNullOrEmpty(d.Untagged)) sb.Append("untagged: ").Append(d.Untagged).Append('\n');
            if (!string.IsNullOrEmpty(d.Deleted)) sb.Append("deleted: ").Append(d.Deleted).Append('\n');
        }
        sb.Append('\n');
    }
}
