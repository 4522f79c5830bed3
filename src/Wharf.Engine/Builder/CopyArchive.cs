using Wharf.Engine.Layers;
using Wharf.Engine.Native;

namespace Wharf.Engine.Builder;

/// <summary>One source of a COPY/ADD: a host path (in the context or another image's mounted root) and its name in the tar.</summary>
internal sealed record CopyItem(string HostPath, string ArchiveName, bool ContentsOnly);

/// <summary>
/// Writes COPY/ADD sources as a tar for <see cref="Containers.Filesystem.ContainerArchiveExtractor"/> to unpack
/// into the step's root (which resolves every parent inside that root). Symlinks are copied as links, never
/// followed; `--chmod` replaces the permission bits; owners are set by the extractor.
/// </summary>
internal static class CopyArchive
{
    public static Task WriteAsync(Stream output, IReadOnlyList<CopyItem> items, int? chmod, CancellationToken ct) =>
        WriteAsync(output, [], items, chmod, (0, 0), ct);

    /// <summary>
    /// Writes <paramref name="parents"/> as 0755 root-owned directories first (a layer's missing parents), then
    /// the items, every entry owned by <paramref name="owner"/>.
    /// </summary>
    public static async Task WriteAsync(Stream output, IReadOnlyList<string> parents, IReadOnlyList<CopyItem> items, int? chmod,
        (uint Uid, uint Gid) owner, CancellationToken ct)
    {
        await using var tar = new LayerTarWriter(output, leaveOpen: true);
        var now = UnixTimestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        foreach (var dir in parents)
            await tar.WriteEntryAsync(new LayerTarEntry { Name = dir, Type = LayerTarEntryType.Directory, Mode = 0x1ED, ModificationTime = now }, null, ct);
        foreach (var item in items)
        {
            var st = Libc.Lstat(item.HostPath);
            if (st.IsDirectory && item.ContentsOnly) await ChildrenAsync(tar, item.HostPath, item.ArchiveName, chmod, owner, ct);
            else await NodeAsync(tar, item.HostPath, item.ArchiveName, st, chmod, owner, ct);
        }
        await tar.FinishAsync(ct);
    }

    private static async Task ChildrenAsync(LayerTarWriter tar, string hostDir, string archiveDir, int? chmod, (uint, uint) owner, CancellationToken ct)
    {
        var names = Directory.EnumerateFileSystemEntries(hostDir).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal);
        foreach (var name in names)
        {
            var host = Path.Combine(hostDir, name!);
            if (!Libc.TryLstat(host, out var st)) continue;
            await NodeAsync(tar, host, archiveDir.Length == 0 ? name! : archiveDir + "/" + name, st, chmod, owner, ct);
        }
    }

    private static async Task NodeAsync(LayerTarWriter tar, string host, string name, Libc.StatX st, int? chmod, (uint Uid, uint Gid) owner,
        CancellationToken ct)
    {
        var entry = new LayerTarEntry
        {
            Name = name,
            Uid = owner.Uid,
            Gid = owner.Gid,
            Mode = chmod ?? (int)(st.Mode & 0xFFF),
            ModificationTime = new UnixTimestamp(st.MTime.Seconds, (int)st.MTime.Nanoseconds),
        };
        if (st.IsDirectory)
        {
            entry.Type = LayerTarEntryType.Directory;
            await tar.WriteEntryAsync(entry, null, ct);
            await ChildrenAsync(tar, host, name, chmod, owner, ct);
        }
        else if (st.IsSymlink)
        {
            entry.Type = LayerTarEntryType.SymbolicLink;
            entry.LinkName = Libc.Readlink(host);
            entry.Mode = 0x1FF;
            await tar.WriteEntryAsync(entry, null, ct);
        }
        else if (st.IsRegular)
        {
            await using var data = new FileStream(host, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            entry.Size = data.Length;
            await tar.WriteEntryAsync(entry, data, ct);
        }
        // Sockets, devices and fifos are not build sources.
    }
}
