using Wharf.Engine.Archive;
using Wharf.Engine.Content;
using Wharf.Engine.Layers;
using Wharf.Engine.Metadata;

namespace Wharf.Engine.Images;

/// <summary>
/// Unpacked layers under layers/&lt;chain hex&gt;/diff, each holding one layer's changes with whiteouts in
/// overlayfs form, so they stack as lowerdirs. A layer is unpacked into layers/tmp-*/ and renamed
/// into place, so a crash never leaves a half layer under its real name.
/// </summary>
public sealed class LayerStore
{
    private readonly string _root;

    public LayerStore(string root)
    {
        _root = root;
        Directory.CreateDirectory(root);
    }

    public string Root => _root;

    public string DiffPath(string chainId) => Path.Combine(_root, Digest.Hex(chainId), "diff");

    public bool Exists(string chainId) => Directory.Exists(DiffPath(chainId));

    /// <summary>Unpacks a layer blob (any compression) on top of <paramref name="parentChainId"/>.</summary>
    public async Task<LayerRecord> UnpackAsync(Func<Stream> openBlob, string? parentChainId, string? expectedDiffId, CancellationToken ct)
    {
        var tmp = Path.Combine(_root, "tmp-" + Guid.NewGuid().ToString("N"));
        var diff = Path.Combine(tmp, "diff");
        Directory.CreateDirectory(diff);
        try
        {
            var (plain, _) = await Decompression.OpenAsync(openBlob(), ct);
            long size;
            string diffId;
            await using (var hashing = new HashingReadStream(plain))
            {
                var result = await LayerApplier.ApplyAsync(hashing, diff, ct);
                await hashing.DrainAsync(ct);
                size = result.Size;
                diffId = hashing.Digest();
            }
            if (expectedDiffId is not null && expectedDiffId != diffId)
                throw new BadRequestException($"layer content does not match its diff id: expected {expectedDiffId}, got {diffId}");
            var chainId = Digest.ChainId(parentChainId, diffId);
            var final = Path.GetDirectoryName(DiffPath(chainId))!;
            if (Directory.Exists(final)) Remove(tmp);
            else Directory.Move(tmp, final);
            return new LayerRecord(chainId, diffId, parentChainId, size);
        }
        catch
        {
            Remove(tmp);
            throw;
        }
    }

    /// <summary>A fresh temp directory (with an empty diff/) that start-up repair removes if it is never adopted.</summary>
    public string CreateTempDirectory()
    {
        var tmp = Path.Combine(_root, "tmp-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(tmp, "diff"));
        return tmp;
    }

    /// <summary>Moves a layer unpacked during ingest into place under its chain id (or drops it if that exists).</summary>
    public LayerRecord Adopt(UnpackedLayer unpacked, string diffId, string? parentChainId)
    {
        if (unpacked.Error is not null) throw new BadRequestException($"invalid layer {diffId}: {unpacked.Error.Message}", unpacked.Error);
        var chainId = Digest.ChainId(parentChainId, diffId);
        var final = Path.GetDirectoryName(DiffPath(chainId))!;
        if (Directory.Exists(final)) Remove(unpacked.TempDirectory);
        else Directory.Move(unpacked.TempDirectory, final);
        return new LayerRecord(chainId, diffId, parentChainId, unpacked.Size);
    }

    public void Discard(UnpackedLayer unpacked) => Remove(unpacked.TempDirectory);

    public void Delete(string chainId)
    {
        var dir = Path.GetDirectoryName(DiffPath(chainId))!;
        if (!Directory.Exists(dir)) return;
        // Rename first so a crash mid-delete leaves a tmp-* directory that start-up removes.
        var doomed = Path.Combine(_root, "tmp-" + Guid.NewGuid().ToString("N"));
        Directory.Move(dir, doomed);
        Remove(doomed);
    }

    /// <summary>Removes unfinished and unknown layer directories; returns how many.</summary>
    public int Repair(IReadOnlySet<string> knownChainIds)
    {
        int n = 0;
        var known = knownChainIds.Select(Digest.Hex).ToHashSet();
        foreach (var dir in Directory.EnumerateDirectories(_root))
        {
            var name = Path.GetFileName(dir);
            if (!known.Contains(name)) { Remove(dir); n++; }
        }
        return n;
    }

    private static void Remove(string dir)
    {
        if (!Directory.Exists(dir)) return;
        // Directory.Delete does not follow symlinks; layers may contain read-only dirs owned by others: we are root.
        Directory.Delete(dir, recursive: true);
    }
}
