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
/// The build context. The tar the client sent is read once: spooled to a file as it arrives and every file
/// hashed on the way (so the cache keys of COPY and ADD never read the files again), and unpacked into a
/// private directory only when a step first needs the files: a fully cached build never writes them out.
/// A body that is not a tar is the Dockerfile itself (`docker build - &lt; Dockerfile`) with an empty context.
/// </summary>
public sealed class BuildContext : IDisposable
{
    private readonly SortedDictionary<string, ContextEntry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _kept = new(StringComparer.Ordinal);
    private readonly HashSet<string> _archives = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _extractLock = new(1, 1);
    private readonly string _dir;
    private readonly string _root;
    private string? _spool;
    private bool _extracted;

    private BuildContext(string dir)
    {
        _dir = dir;
        _root = Path.Combine(dir, "root");
    }

    /// <summary>Set when the body was a bare Dockerfile rather than a tar.</summary>
    public string? InlineDockerfile { get; private set; }

    public IReadOnlyDictionary<string, ContextEntry> Entries => _entries;

    /// <summary>
    /// Reads the body; the contents of the files named in <paramref name="keep"/> (the Dockerfile) are kept
    /// in memory for <see cref="ReadKept"/>.
    /// </summary>
    public static async Task<BuildContext> ReceiveAsync(Stream body, string tempRoot, CancellationToken ct, IReadOnlySet<string>? keep = null)
    {
        Directory.CreateDirectory(tempRoot);
        var context = new BuildContext(Path.Combine(tempRoot, "ctx-" + Guid.NewGuid().ToString("N")[..12]));
        Directory.CreateDirectory(context._dir);
        try
        {
            var (plain, _) = await Decompression.OpenAsync(body, ct);
            var head = new byte[512];
            var n = await plain.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
            if (n == 0 || IsTarHeader(head.AsSpan(0, n)))
            {
                if (n > 0) await context.IndexAsync(new PrefixedStream(head.AsMemory(0, n), plain), keep, ct);
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

    /// <summary>The content of a file named in ReceiveAsync's keep set, or null when the context has no such file.</summary>
    public byte[]? ReadKept(string rel) => _kept.GetValueOrDefault(rel);

    /// <summary>Whether a context file starts like a tar or a compressed archive (what ADD unpacks).</summary>
    public bool IsArchive(string rel) => _archives.Contains(rel);

    private static bool IsTarHeader(ReadOnlySpan<byte> head) =>
        head.Length >= 262 && head[257..262].SequenceEqual("ustar"u8)
        // A v7 tar has no magic; its checksum field still holds octal digits.
        || head.Length >= 512 && head[148..154].ToArray().All(b => b is (>= (byte)'0' and <= (byte)'7') or (byte)' ' or 0) && head[0] != 0;

    /// <summary>One pass over the tar: spooled as is, every entry checked and recorded, every file hashed.</summary>
    private async Task IndexAsync(Stream tar, IReadOnlySet<string>? keep, CancellationToken ct)
    {
        _spool = Path.Combine(_dir, "context.tar");
        await using var spool = new FileStream(_spool, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        await using var tee = new TeeStream(tar, spool);
        using var reader = new TarReader(tee, leaveOpen: true);
        var buffer = new byte[1 << 16];
        while (await reader.GetNextEntryAsync(copyData: false, ct) is { } entry)
        {
            if (entry.EntryType is TarEntryType.GlobalExtendedAttributes) continue;
            var rel = CheckName(entry);
            if (rel is null) continue;
            AddParents(rel);
            var mode = (UnixFileMode)((int)entry.Mode & 0xFFF);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    _entries[rel] = new ContextEntry(rel, ContextEntryKind.Directory, mode, 0, null, "", entry.ModificationTime);
                    break;
                case TarEntryType.SymbolicLink:
                    _entries[rel] = new ContextEntry(rel, ContextEntryKind.Symlink, mode, 0, entry.LinkName, "", entry.ModificationTime);
                    break;
                case TarEntryType.HardLink:
                    if (!LayerPath.TryClean(entry.LinkName, out var target) || !_entries.TryGetValue(target, out var linked) || linked.Kind != ContextEntryKind.File)
                        throw new BadRequestException($"invalid build context: the hard link {entry.Name} points outside the context");
                    _entries[rel] = linked with { Path = rel };
                    if (_archives.Contains(target)) _archives.Add(rel);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
                    {
                        MemoryStream? kept = keep is not null && keep.Contains(rel) ? new MemoryStream() : null;
                        var first = true;
                        if (entry.DataStream is { } data)
                        {
                            int r;
                            while ((r = await data.ReadAsync(buffer, ct)) > 0)
                            {
                                if (first && LooksLikeArchive(buffer.AsSpan(0, r))) _archives.Add(rel);
                                first = false;
                                hash.AppendData(buffer, 0, r);
                                kept?.Write(buffer, 0, r);
                            }
                        }
                        if (kept is not null) _kept[rel] = kept.ToArray();
                        _entries[rel] = new ContextEntry(rel, ContextEntryKind.File, mode, entry.Length, null,
                            Convert.ToHexStringLower(hash.GetHashAndReset()), entry.ModificationTime);
                    }
                    break;
                default:
                    // Devices and fifos have no place in a context; Docker's client never sends them.
                    break;
            }
        }
        // Whatever follows the end-of-archive marker is not read: the spool ends where the archive does.
    }

    private static bool LooksLikeArchive(ReadOnlySpan<byte> head) =>
        Decompression.Detect(head) != CompressionKind.None || head.Length >= 262 && head[257..262].SequenceEqual("ustar"u8);

    private static string? CheckName(TarEntry entry)
    {
        if (!LayerPath.TryClean(entry.Name, out var rel))
            throw new BadRequestException($"invalid build context: the path {entry.Name} escapes the context");
        return rel is "" or "." ? null : rel;
    }

    /// <summary>The unpacked context (unpacking it on first use); paths in entries are relative to it.</summary>
    public async Task<string> RootAsync(CancellationToken ct)
    {
        if (_extracted) return _root;
        await _extractLock.WaitAsync(ct);
        try
        {
            if (!_extracted)
            {
                Directory.CreateDirectory(_root);
                if (_spool is not null) await ExtractAsync(ct);
                _extracted = true;
            }
            return _root;
        }
        finally { _extractLock.Release(); }
    }

    private async Task ExtractAsync(CancellationToken ct)
    {
        await using var spool = new FileStream(_spool!, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using var reader = new TarReader(spool);
        var dirTimes = new List<(string, DateTimeOffset)>();
        while (await reader.GetNextEntryAsync(copyData: false, ct) is { } entry)
        {
            if (entry.EntryType is TarEntryType.GlobalExtendedAttributes || CheckName(entry) is not { } rel) continue;
            var full = Path.Combine(_root, rel);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            var mode = (UnixFileMode)((int)entry.Mode & 0xFFF);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(full);
                    File.SetUnixFileMode(full, mode);
                    dirTimes.Add((full, entry.ModificationTime));
                    break;
                case TarEntryType.SymbolicLink:
                    if (File.Exists(full) || Directory.Exists(full)) Delete(full);
                    File.CreateSymbolicLink(full, entry.LinkName);
                    break;
                case TarEntryType.HardLink:
                    LayerPath.TryClean(entry.LinkName, out var target);
                    File.Copy(Path.Combine(_root, target), full, overwrite: true);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    await using (var output = new FileStream(full, FileMode.Create, FileAccess.Write, FileShare.None, 0))
                    {
                        if (entry.DataStream is { } data) await data.CopyToAsync(output, 1 << 16, ct);
                    }
                    File.SetUnixFileMode(full, mode);
                    File.SetLastWriteTimeUtc(full, entry.ModificationTime.UtcDateTime);
                    break;
            }
        }
        foreach (var (dir, time) in dirTimes) Directory.SetLastWriteTimeUtc(dir, time.UtcDateTime);
    }

    /// <summary>Parents the tar did not list are implied directories (0755), as Docker treats them.</summary>
    private void AddParents(string rel)
    {
        for (var p = rel.LastIndexOf('/') is var i and > 0 ? rel[..i] : ""; p.Length > 0; p = p.LastIndexOf('/') is var j and > 0 ? p[..j] : "")
        {
            if (!_entries.TryAdd(p, new ContextEntry(p, ContextEntryKind.Directory, (UnixFileMode)0x1ED, 0, null, "", DateTimeOffset.UnixEpoch))) break;
        }
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
        hash.AppendData(Encoding.UTF8.GetBytes($"{name}\0{(int)e.Kind}\0{Convert.ToString((int)e.Mode, 8)}\0{e.Size}\0{e.LinkTarget}\0{e.ContentHash}\n"));

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
        try { if (Directory.Exists(_dir)) Directory.Delete(_dir, true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
