using System.Formats.Tar;

namespace Wharf.Cli.Build;

/// <summary>
/// Writes a build context directory as the tar POST /build takes, as the docker CLI does: `.dockerignore`
/// applied here (the Dockerfile and .dockerignore are always sent), names relative to the context, owner 0:0,
/// symlinks as links, no devices; plus extra files (a Dockerfile from outside the context or from stdin).
/// </summary>
public static class ContextArchive
{
    public static async Task WriteAsync(Stream output, string contextDir, DockerIgnore ignore, IReadOnlySet<string> alwaysInclude,
        IReadOnlyList<(string Name, byte[] Data)> extraFiles, CancellationToken ct)
    {
        await using var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        await WalkAsync(tar, contextDir, "", ignore, alwaysInclude, ct);
        foreach (var (name, data) in extraFiles)
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
            {
                Mode = (UnixFileMode)0x1A4, ModificationTime = DateTimeOffset.UtcNow, DataStream = new MemoryStream(data),
            };
            await tar.WriteEntryAsync(entry, ct);
        }
    }

    private static async Task WalkAsync(TarWriter tar, string dir, string rel, DockerIgnore ignore, IReadOnlySet<string> always, CancellationToken ct)
    {
        var children = new DirectoryInfo(dir).EnumerateFileSystemInfos().OrderBy(i => i.Name, StringComparer.Ordinal);
        foreach (var info in children)
        {
            var name = rel.Length == 0 ? info.Name : rel + "/" + info.Name;
            var isLink = info.LinkTarget is not null;
            var isDir = !isLink && info is DirectoryInfo;
            if (ignore.IsExcluded(name) && !always.Contains(name))
            {
                if (!isDir || ignore.CanSkipDirectory(name)) continue;
                // Excluded, but a `!` rule may re-include something inside: look, without sending the directory itself.
                await WalkAsync(tar, info.FullName, name, ignore, always, ct);
                continue;
            }
            var mode = (UnixFileMode)((int)info.UnixFileMode & 0xFFF);
            if (isLink)
            {
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.SymbolicLink, name)
                {
                    LinkName = info.LinkTarget!, Mode = mode, ModificationTime = info.LastWriteTimeUtc,
                }, ct);
            }
            else if (isDir)
            {
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, name + "/")
                {
                    Mode = mode, ModificationTime = info.LastWriteTimeUtc,
                }, ct);
                await WalkAsync(tar, info.FullName, name, ignore, always, ct);
            }
            else if (info is FileInfo file && (file.Attributes & FileAttributes.Device) == 0)
            {
                FileStream data;
                try
                {
                    data = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
                }
                catch (UnauthorizedAccessException)
                {
                    throw new Parsing.CliException($"error checking context: can't stat '{file.FullName}'");
                }
                await using (data)
                {
                    await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, name)
                    {
                        Mode = mode, ModificationTime = info.LastWriteTimeUtc, DataStream = data,
                    }, ct);
                }
            }
        }
    }
}
