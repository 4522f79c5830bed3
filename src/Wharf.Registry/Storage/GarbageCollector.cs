using Wharf.Registry.Protocol;

namespace Wharf.Registry.Storage;

/// <summary>What a collection found and removed.</summary>
public sealed record GcResult(int ManifestsMarked, int BlobsMarked, IReadOnlyList<(Digest Digest, long Size)> Deleted, int UploadsRemoved)
{
    public long BytesFreed => Deleted.Sum(d => d.Size);
}

/// <summary>
/// Mark and sweep over a <see cref="RegistryStore"/>: every manifest revision of every repository is kept with
/// the config, layers and child manifests it names; any other blob goes, together with the repository links to
/// it. It is safe while a server runs on the root: it holds <see cref="GcLock"/> exclusive, so no push commits
/// between mark and sweep, and it spares blobs touched within the grace period (uploaded, HEAD-checked or
/// mounted by a client whose manifest has not arrived yet). Abandoned uploads older than a day go too.
/// </summary>
public sealed class GarbageCollector(RegistryStore store)
{
    public static readonly TimeSpan AbandonedUploadAge = TimeSpan.FromHours(24);

    public async Task<GcResult> RunAsync(bool dryRun, TimeSpan gracePeriod, Action<string>? report = null, CancellationToken ct = default)
    {
        using var gcLock = await GcLock.AcquireAsync(store.Root, exclusive: true, ct).ConfigureAwait(false);
        var now = DateTime.UtcNow;
        var marked = new HashSet<Digest>();
        int manifests = 0;
        var repos = store.ListRepositories().Order(StringComparer.Ordinal).ToList();
        foreach (var repo in repos)
        {
            foreach (var d in Revisions(repo))
            {
                manifests++;
                marked.Add(d);
                report?.Invoke($"{repo}: marking manifest {d}");
                if (store.ReadManifest(repo, d) is not { } m) continue;
                ManifestInfo info;
                try { info = ManifestInfo.Parse(m.Body, m.MediaType); }
                catch (RegistryException) { continue; }
                if (info.Config is { } c) marked.Add(c.Digest);
                foreach (var l in info.Layers) marked.Add(l.Digest);
                foreach (var child in info.Manifests) marked.Add(child.Digest);
            }
        }

        var deleted = new List<(Digest, long)>();
        var blobsRoot = Path.Combine(store.Root, "blobs");
        foreach (var algDir in Directory.Exists(blobsRoot) ? Directory.EnumerateDirectories(blobsRoot).ToList() : [])
        {
            var alg = Path.GetFileName(algDir);
            foreach (var file in Directory.EnumerateFiles(algDir).ToList())
            {
                if (!Digest.TryParse(alg + ":" + Path.GetFileName(file), out var d) || marked.Contains(d.Value)) continue;
                var info = new FileInfo(file);
                if (now - info.LastWriteTimeUtc < gracePeriod) continue;
                deleted.Add((d.Value, info.Length));
                report?.Invoke($"blob eligible for deletion: {d}");
                if (!dryRun) File.Delete(file);
            }
        }
        var gone = deleted.Select(x => x.Item1).ToHashSet();
        if (!dryRun)
            foreach (var repo in repos)
            {
                var layers = Path.Combine(store.RepoDir(repo), "_layers");
                if (!Directory.Exists(layers)) continue;
                foreach (var link in Directory.EnumerateFiles(layers, "*", SearchOption.AllDirectories).ToList())
                    if (Digest.TryParse(Path.GetFileName(Path.GetDirectoryName(link)) + ":" + Path.GetFileName(link), out var d) && gone.Contains(d.Value))
                        File.Delete(link);
            }

        int uploads = 0;
        foreach (var dir in Directory.EnumerateDirectories(store.UploadsDir).ToList())
        {
            if (now - Directory.GetLastWriteTimeUtc(dir) < AbandonedUploadAge) continue;
            var data = Path.Combine(dir, "data");
            if (File.Exists(data) && now - File.GetLastWriteTimeUtc(data) < AbandonedUploadAge) continue;
            uploads++;
            report?.Invoke($"abandoned upload: {Path.GetFileName(dir)}");
            if (!dryRun) Directory.Delete(dir, recursive: true);
        }
        if (!dryRun)
            foreach (var tmp in Directory.EnumerateFiles(store.TmpDir).ToList())
                if (now - File.GetLastWriteTimeUtc(tmp) > AbandonedUploadAge) AtomicFile.TryDelete(tmp);
        return new GcResult(manifests, marked.Count, deleted, uploads);
    }

    IEnumerable<Digest> Revisions(string repo)
    {
        var dir = Path.Combine(store.RepoDir(repo), "_manifests", "revisions");
        if (!Directory.Exists(dir)) yield break;
        foreach (var algDir in Directory.EnumerateDirectories(dir))
            foreach (var f in Directory.EnumerateFiles(algDir))
                if (Digest.TryParse(Path.GetFileName(algDir) + ":" + Path.GetFileName(f), out var d)) yield return d.Value;
    }
}
