using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using Wharf.Engine.Archive;
using Wharf.Engine.Build;
using Wharf.Engine.Layers;

namespace Wharf.Engine.Builder;

/// <summary>What the context holds at one path: kind, metadata and (for files) the content's sha256.</summary>
public sealed record ContextEntry(string Path, ContextEntryKind Kind, UnixFileMode Mode, long Size, string? LinkTarget,
    string ContentHash, DateTimeOffset ModTime);

public enum ContextEntryKind { File, Directory, Symlink }

/// <summary>
/// The build context, unpacked from the tar the client sent into a private directory, every file hashed on the
/// way in (one pass), so the cache keys of COPY and ADD never read the files again. A body that is not a tar is
/// the Dockerfile itself (`docker build - &lt; Dockerfile`) with an empty context.
/// </summary>
public sealed class BuildContext : IDisposable
{
    private readonly SortedDictionary<string, ContextEntry> _entries = new(StringComparer.Ordinal);

    private BuildContext(string root) => Root = root;

    /// <summary>The unpacked context; paths in entries are relative to it, without a leading slash.</summary>
    public string Root { get; }

    /// <summary>Set when the body was a bare Dockerfile rather than a tar.</summary>
    public string? InlineDockerfile { get; private set; }

    public IReadOnlyDictionary<string, ContextEntry> Entries => _entries;

    public static async Task<BuildContext> ReceiveAsync(Stream body, string tempRoot, CancellationToken ct)
    {
        Directory.CreateDirectory(tempRoot);
        var context = new BuildContext(Path.Combine(tempRoot, "ctx-" + Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(context.Root);
        try
        {
            var (plain, _) = await Decompression.OpenAsync(body, ct);
            var head = new byte[512];
            var n = await plain.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
            if (n == 0 || IsTarHeader(head.AsSpan(0, n)))
            {
                if (n > 0) await context.UnpackAsync(new PrefixedStream(head.AsMemory(0, n), plain), ct);
            }
            else
            {
                using var rest = new MemoryStream();
                rest.Write(head, 0, n);
                await plain.CopyToAsync(rest, ct);
                context.InlineDockerfile = Encoding.UTF8.GetString(rest.GetBuffer(), 0, (int)rest.Length);
            }
            return context;
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    private static bool IsTarHeader(ReadOnlySpan<byte> head) =>
        head.Length >= 262 && head[257..262].SequenceEqual("ustar"u8)
        // A v7 tar has no magic; its checksum field still holds octal digits.
        || head.Length >= 512 && head[148..154].ToArray().All(b => b is (>= (byte)'0' and <= (byte)'7') or (byte)' ' or 0) && head[0] != 0;

    private async Task UnpackAsync(Stream tar, CancellationToken ct)
    {
        using var reader = new TarReader(tar, leaveOpen: true);
        var buffer = new byte[1 << 16];
        var dirTimes = new List<(string, DateTimeOffset)>();
        while (await reader.GetNextEntryAsync(copyData: false, ct) is { } entry)
        {
            if (entry.EntryType is TarEntryType.GlobalExtendedAttributes) continue;
            if (!LayerPath.TryClean(entry.Name, out var rel) || rel.Length == 0 || rel == ".")
            {
                if (rel is "" or "." && entry.EntryType == TarEntryType.Directory) continue;
                throw new BadRequestException($"invalid build context: the path {entry.Name} escapes the context");
            }
            var full = Path.Combine(Root, rel);
            EnsureParent(rel);
            var mode = (UnixFileMode)((int)entry.Mode & 0xFFF);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(full);
                    File.SetUnixFileMode(full, mode);
                    dirTimes.Add((full, entry.ModificationTime));
                    _entries[rel] = new ContextEntry(rel, ContextEntryKind.Directory, mode, 0, null, "", entry.ModificationTime);
                    break;
                case TarEntryType.SymbolicLink:
                    if (File.Exists(full) || Directory.Exists(full)) Delete(full);
                    File.CreateSymbolicLink(full, entry.LinkName);
                    _entries[rel] = new ContextEntry(rel, ContextEntryKind.Symlink, mode, 0, entry.LinkName, "", entry.ModificationTime);
                    break;
                case TarEntryType.HardLink:
                    if (!LayerPath.TryClean(entry.LinkName, out var target) || !_entries.TryGetValue(target, out var linked))
                        throw new BadRequestException($"invalid build context: the hard link {entry.Name} points outside the context");
                    File.Copy(Path.Combine(Root, target), full, overwrite: true);
                    _entries[rel] = linked with { Path = rel };
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
                    {
                        await using (var output = new FileStream(full, FileMode.Create, FileAccess.Write, FileShare.None, 0))
                        {
                            if (entry.DataStream is { } data)
                            {
                                int r;
                                while ((r = await data.ReadAsync(buffer, ct)) > 0)
                                {
                                    hash.AppendData(buffer, 0, r);
                                    await output.WriteAsync(buffer.AsMemory(0, r), ct);
                                }
                            }
                        }
                        File.SetUnixFileMode(full, mode);
                        File.SetLastWriteTimeUtc(full, entry.ModificationTime.UtcDateTime);
                        _entries[rel] = new ContextEntry(rel, ContextEntryKind.File, mode, entry.Length, null,
                            Convert.ToHexStringLower(hash.GetHashAndReset()), entry.ModificationTime);
                    }
                    break;
                default:
                    // Devices and fifos have no place in a context; Docker's client never sends them.
                    break;
            }
        }
        foreach (var (dir, time) in dirTimes) Directory.SetLastWriteTimeUtc(dir, time.UtcDateTime);
    }

    private void EnsureParent(string rel)
    {
        var slash = rel.LastIndexOf('/');
        if (slash <= 0) return;
        var parent = rel[..slash];
        if (_entries.ContainsKey(parent)) return;
        Directory.CreateDirectory(Path.Combine(Root, parent));
        // Parents the tar did not list are implied directories (0755), as Docker treats them.
        for (var p = parent; p.Length > 0; p = p.LastIndexOf('/') is var i and > 0 ? p[..i] : "")
            _entries.TryAdd(p, new ContextEntry(p, ContextEntryKind.Directory, (UnixFileMode)0x1ED, 0, null, "", DateTimeOffset.UnixEpoch));
    }

    private static void Delete(string path)
    {
        if (Directory.Exists(path) && !File.GetAttributes(path).HasFlag(FileAttributes.ReparsePoint)) Directory.Delete(path, true);
        else File.Delete(path);
    }

    /// <summary>
    /// The hash of everything at and below <paramref name="rel"/> (`.` for the whole context): names relative to
    /// it, kinds, modes, sizes, link targets and contents; not times, as Docker's cache ignores them.
    /// </summary>
    public string HashTree(string rel)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var prefix = rel is "." or "" ? "" : rel + "/";
        if (prefix.Length > 0 && _entries.TryGetValue(rel, out var self)) Append(hash, ".", self);
        foreach (var (path, entry) in _entries)
        {
            if (prefix.Length > 0 && !path.StartsWith(prefix, StringComparison.Ordinal)) continue;
            Append(hash, path[prefix.Length..], entry);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Append(IncrementalHash hash, string name, ContextEntry e) =>
        hash.AppendData(Encoding.UTF8.GetBytes($"{name}\0{(int)e.Kind}\0{(int)e.Mode:o}\0{e.Size}\0{e.LinkTarget}\0{e.ContentHash}\n"));

    /// <summary>Resolves a context path as COPY names it; throws Docker's errors for `..` escapes.</summary>
    public static string CleanSource(string source)
    {
        var clean = UnixPath.Clean("/" + source).TrimStart('/');
        if (UnixPath.Clean(source).StartsWith("..", StringComparison.Ordinal) && (UnixPath.Clean(source) == ".." || UnixPath.Clean(source).StartsWith("../", StringComparison.Ordinal)))
            throw new BuildException($"forbidden path outside the build context: {source} ()");
        return clean.Length == 0 ? "." : clean;
    }

    public void Dispose()
    {
        try { if (Directory.Exists(Root)) Directory.Delete(Root, true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
