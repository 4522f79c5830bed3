using System.IO.Pipelines;
using Wharf.Api.Client;
using Wharf.Api.Models;
using Wharf.Cli.Containers;
using Wharf.Cli.Output;
using Wharf.Cli.Parsing;

namespace Wharf.Cli.Commands;

/// <summary>cp, export and commit: a container's filesystem to and from the client.</summary>
internal static class ContainerFileCommands
{
    // ------------------------------------------------------------------ export

    public static CommandDef Export() => new CommandDef("export [OPTIONS] CONTAINER", "Export a container's filesystem as a tar archive")
    {
        AliasesLine = "wharf container export, wharf export",
        Args = ArgsRule.Exact(1),
        Run = ExportAsync,
    }.Flag(new FlagDef("output", 'o', FlagType.String, "Write to a file, instead of STDOUT"));

    static async Task<int> ExportAsync(CommandContext ctx)
    {
        var output = ctx.Flags.GetStringOrEmpty("output");
        if (output.Length == 0 && ctx.Console.OutIsTerminal)
            throw new CliException("cowardly refusing to save to a terminal. Use the -o flag or redirect");
        await using var tar = await ctx.Client.ExportContainerAsync(ctx.Args[0], ctx.Cancel).ConfigureAwait(false);
        if (output.Length == 0)
        {
            ctx.Out.Flush();
            await tar.CopyToAsync(ctx.Console.OutStream, 1 << 16, ctx.Cancel).ConfigureAwait(false);
            await ctx.Console.OutStream.FlushAsync(ctx.Cancel).ConfigureAwait(false);
            return 0;
        }
        await AtomicFile.WriteAsync(output, tar, ctx.Cancel).ConfigureAwait(false);
        return 0;
    }

    // ------------------------------------------------------------------ commit

    public static CommandDef Commit() => new CommandDef("commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]",
        "Create a new image from a container's changes")
    {
        AliasesLine = "wharf container commit, wharf commit",
        Args = ArgsRule.Range(1, 2),
        Interspersed = false,
        Run = CommitAsync,
    }
        .Flag(new FlagDef("author", 'a', FlagType.String, "Author (e.g., \"John Hannibal Smith <hannibal@a-team.com>\")"))
        .Flag(new FlagDef("change", 'c', FlagType.List, "Apply Dockerfile instruction to the created image"))
        .Flag(new FlagDef("message", 'm', FlagType.String, "Commit message"))
        .Flag(new FlagDef("pause", 'p', FlagType.Bool, "Pause container during commit", "true"));

    /// <summary>The repo and tag query values for a commit reference (docker's client: TagNameOnly, familiar name).</summary>
    public static (string Repo, string Tag) CommitTarget(string? reference)
    {
        if (string.IsNullOrEmpty(reference)) return ("", "");
        if (!ImageReference.TryParse(reference, out var r, out var error)) throw new CliException(error);
        if (r!.Digest is not null) throw new CliException("refusing to create a tag with a digest reference");
        return (ImageReference.Familiar(r.Name), r.Tag ?? "latest");
    }

    static async Task<int> CommitAsync(CommandContext ctx)
    {
        var (repo, tag) = CommitTarget(ctx.Args.Count > 1 ? ctx.Args[1] : null);
        var f = ctx.Flags;
        var response = await ctx.Client.CommitContainerAsync(ctx.Args[0], repo, tag, f.GetStringOrEmpty("message"),
            f.GetStringOrEmpty("author"), f.GetBool("pause"), f.GetList("change"), ctx.Cancel).ConfigureAwait(false);
        ctx.Out.Write(response.Id + "\n");
        return 0;
    }

    // ------------------------------------------------------------------ cp

    public static CommandDef Copy() => new CommandDef(
        "cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\twharf cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH",
        "Copy files/folders between a container and the local filesystem")
    {
        Long = "Copy files/folders between a container and the local filesystem\n\n" +
               "Use '-' as the source to read a tar archive from stdin\nand extract it to a directory destination in a container.\n" +
               "Use '-' as the destination to stream a tar archive of a\ncontainer source to stdout.",
        AliasesLine = "wharf container cp, wharf cp",
        Args = ArgsRule.Exact(2),
        Run = CopyAsync,
    }
        .Flag(new FlagDef("archive", 'a', FlagType.Bool, "Archive mode (copy all uid/gid information)"))
        .Flag(new FlagDef("follow-link", 'L', FlagType.Bool, "Always follow symbol link in SRC_PATH"))
        .Flag(new FlagDef("quiet", 'q', FlagType.Bool,
            "Suppress progress output during copy. Progress output is automatically suppressed if no terminal is attached"));

    /// <summary>splitCpArg: "name:path" names a container unless the argument is absolute or starts with ".".</summary>
    public static (string Container, string Path) SplitCopyArg(string arg)
    {
        if (arg.StartsWith('/')) return ("", arg);
        var colon = arg.IndexOf(':');
        if (colon < 0 || arg.StartsWith('.')) return ("", arg);
        return (arg[..colon], arg[(colon + 1)..]);
    }

    static async Task<int> CopyAsync(CommandContext ctx)
    {
        if (ctx.Args[0].Length == 0) throw new CliException("source can not be empty");
        if (ctx.Args[1].Length == 0) throw new CliException("destination can not be empty");
        var (srcContainer, srcPath) = SplitCopyArg(ctx.Args[0]);
        var (dstContainer, dstPath) = SplitCopyArg(ctx.Args[1]);
        var quiet = ctx.Flags.Changed("quiet") ? ctx.Flags.GetBool("quiet") : !ctx.Console.OutIsTerminal;
        try
        {
            return (srcContainer.Length > 0, dstContainer.Length > 0) switch
            {
                (true, true) => throw new CliException("copying between containers is not supported"),
                (false, false) => throw new CliException("must specify at least one container source"),
                (true, false) => await FromContainerAsync(ctx, srcContainer, srcPath, dstPath, quiet).ConfigureAwait(false),
                _ => await ToContainerAsync(ctx, dstContainer, srcPath, dstPath, quiet).ConfigureAwait(false),
            };
        }
        catch (IOException e)
        {
            throw new CliException(e.Message);
        }
    }

    static async Task<int> FromContainerAsync(CommandContext ctx, string container, string srcPath, string dstPath, bool quiet)
    {
        if (dstPath != "-")
        {
            dstPath = ArchiveCopy.ResolveLocalPath(dstPath);
            ValidateOutputPath(dstPath);
        }
        var rebaseName = "";
        if (ctx.Flags.GetBool("follow-link"))
        {
            try
            {
                var st = await ctx.Client.StatContainerPathAsync(container, srcPath, ctx.Cancel).ConfigureAwait(false);
                if (st.IsSymlink)
                {
                    var target = st.LinkTarget;
                    if (!target.StartsWith('/')) target = ArchiveCopy.SplitPathDirEntry(srcPath).Dir + "/" + target;
                    var (_, srcBase) = ArchiveCopy.SplitPathDirEntry(srcPath);
                    var (_, targetBase) = ArchiveCopy.SplitPathDirEntry(target);
                    if (srcBase != targetBase) rebaseName = srcBase;
                    srcPath = target;
                }
            }
            catch (WharfApiException) { }
        }
        var (tar, stat) = await ctx.Client.CopyFromContainerAsync(container, srcPath, ctx.Cancel).ConfigureAwait(false);
        await using var _ = tar;
        if (dstPath == "-")
        {
            ctx.Out.Flush();
            await tar.CopyToAsync(ctx.Console.OutStream, 1 << 16, ctx.Cancel).ConfigureAwait(false);
            await ctx.Console.OutStream.FlushAsync(ctx.Cancel).ConfigureAwait(false);
            return 0;
        }
        var counted = new CountingStream(tar);
        var src = new CopyInfo(srcPath, true, stat.IsDir, rebaseName);
        var renames = new List<(string, string)>();
        if (rebaseName.Length > 0) renames.Add((ArchiveCopy.SplitPathDirEntry(srcPath).Base, rebaseName));
        var dst = ArchiveCopy.LocalDestination(dstPath);
        var (dstDir, rebase) = ArchiveCopy.Prepare(src, dst);
        if (rebase is { } r) renames.Add(r);
        await ArchiveCopy.ExtractAsync(counted, dstDir, renames, ctx.Cancel).ConfigureAwait(false);
        if (!quiet)
        {
            var size = stat.IsDir ? counted.Count : stat.Size;
            ctx.Err.Write(Summary(size, counted.Count, dstPath));
        }
        return 0;
    }

    static async Task<int> ToContainerAsync(CommandContext ctx, string container, string srcPath, string dstPath, bool quiet)
    {
        if (srcPath != "-") srcPath = ArchiveCopy.ResolveLocalPath(srcPath);
        var dst = new CopyInfo(dstPath);
        try
        {
            var st = await ctx.Client.StatContainerPathAsync(container, dstPath, ctx.Cancel).ConfigureAwait(false);
            if (st.IsSymlink)
            {
                var target = st.LinkTarget.StartsWith('/') ? st.LinkTarget : ArchiveCopy.SplitPathDirEntry(dstPath).Dir + "/" + st.LinkTarget;
                dst = dst with { Path = target };
                st = await ctx.Client.StatContainerPathAsync(container, target, ctx.Cancel).ConfigureAwait(false);
            }
            if ((st.Mode & ContainerPathStat.ModeDevice) != 0)
                throw new CliException($"destination \"{container}:{dstPath}\" must be a directory or a regular file: got a device");
            if ((st.Mode & ContainerPathStat.ModeIrregular) != 0)
                throw new CliException($"destination \"{container}:{dstPath}\" must be a directory or a regular file: got an irregular file");
            dst = dst with { Exists = true, IsDir = st.IsDir };
        }
        catch (WharfApiException)
        {
            // A destination that cannot be stat'ed may still be created by the copy.
        }

        if (srcPath == "-")
        {
            if (!dst.IsDir) throw new CliException($"destination \"{container}:{dstPath}\" must be a directory");
            await ctx.Client.CopyToContainerAsync(container, dst.Path, ctx.Console.InStream, ctx.Flags.GetBool("archive"), ct: ctx.Cancel)
                .ConfigureAwait(false);
            return 0;
        }

        var src = ArchiveCopy.LocalSource(srcPath, ctx.Flags.GetBool("follow-link"));
        var (dstDir, rebase) = ArchiveCopy.Prepare(src, dst);
        var renames = new List<(string, string)>();
        if (src.RebaseName.Length > 0) renames.Add((ArchiveCopy.SplitPathDirEntry(src.Path).Base, src.RebaseName));
        if (rebase is { } r) renames.Add(r);
        var pipe = new Pipe();
        var producer = WriteAndComplete(pipe.Writer, s => ArchiveCopy.WriteSourceTarAsync(src.Path, renames, s, ctx.Cancel));
        var counted = new CountingStream(pipe.Reader.AsStream());
        await ctx.Client.CopyToContainerAsync(container, dstDir, counted, ctx.Flags.GetBool("archive"), ct: ctx.Cancel).ConfigureAwait(false);
        await producer.ConfigureAwait(false);
        if (!quiet) ctx.Err.Write(Summary(LocalContentSize(src.Path), counted.Count, container + ":" + dst.Path));
        return 0;
    }

    static async Task WriteAndComplete(PipeWriter writer, Func<Stream, Task> write)
    {
        try
        {
            await write(writer.AsStream()).ConfigureAwait(false);
            await writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await writer.CompleteAsync(e).ConfigureAwait(false);
        }
    }

    static long LocalContentSize(string path)
    {
        if (File.Exists(path)) return new FileInfo(path).Length;
        if (!Directory.Exists(path)) return 0;
        return Directory.EnumerateFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(f => new FileInfo(f)).Where(f => f.LinkTarget is null).Sum(f => f.Length);
    }

    static string Summary(long contentSize, long transferred, string dest) => contentSize != transferred
        ? $"Successfully copied {HumanUnits.HumanSizeWithPrecision(contentSize, 3)} (transferred {HumanUnits.HumanSizeWithPrecision(transferred, 3)}) to {dest}\n"
        : $"Successfully copied {HumanUnits.HumanSizeWithPrecision(contentSize, 3)} to {dest}\n";

    /// <summary>command.ValidateOutputPath: the parent must exist; an existing path must be a directory or regular file.</summary>
    static void ValidateOutputPath(string path)
    {
        var dir = Path.GetDirectoryName(ArchiveCopy.Clean(path));
        if (!string.IsNullOrEmpty(dir) && dir != "." && !Directory.Exists(dir) && !File.Exists(dir))
            throw new CliException($"invalid output path: directory \"{dir}\" does not exist");
    }

    /// <summary>Counts the bytes read through it.</summary>
    sealed class CountingStream(Stream inner) : Stream
    {
        public long Count;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override void Flush() { }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            Count += n;
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            var n = await inner.ReadAsync(buffer, ct).ConfigureAwait(false);
            Count += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>A file written next to its final name and renamed into place, mode 0600 (docker's atomicwriter).</summary>
internal static class AtomicFile
{
    public static async Task WriteAsync(string path, Stream content, CancellationToken ct)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new CliException($"failed to export container: invalid file path: stat {dir}: no such file or directory");
        var temp = Path.Combine(dir, "." + Path.GetFileName(full) + ".tmp-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                await content.CopyToAsync(file, 1 << 16, ct).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { }
            throw;
        }
    }
}
