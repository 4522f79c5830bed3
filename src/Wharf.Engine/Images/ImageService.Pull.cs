using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Wharf.Engine.Content;
using Wharf.Engine.Distribution;
using Wharf.Engine.Metadata;

namespace Wharf.Engine.Images;

/// <summary>What run, create, build's FROM and compose do with an image that may be missing.</summary>
public enum PullPolicy { Missing, Always, Never }

public sealed partial class ImageService
{
    private const int ConcurrentDownloads = 4;
    private const long MaxConfigBytes = 64L << 20;

    private RegistryHosts? _hosts;
    public RegistryHosts Registries => _hosts ??= new RegistryHosts(_options);

    /// <summary>
    /// Makes sure an image is present, pulling it per <paramref name="policy"/>; returns its id. The builder's
    /// FROM, compose's pull_policy and anyone else who needs "this image, from the registry if need be" call this.
    /// </summary>
    public async Task<string> EnsureImageAsync(string reference, PullPolicy policy, RegistryCredentials? credentials,
        ProgressSink? progress, string? platform, CancellationToken ct)
    {
        var local = policy == PullPolicy.Always ? null : TryResolveId(reference, out _);
        if (local is not null) return local;
        if (policy == PullPolicy.Never) throw new NotFoundException($"No such image: {reference}");
        var r = ParseReference(reference).WithDefaultTag();
        return await PullAsync(r.Repository, r.Digest ?? r.Tag, platform, credentials ?? RegistryCredentials.Anonymous,
            progress ?? ProgressSink.None, ct);
    }

    /// <summary>
    /// The credentials for <paramref name="reference"/>'s registry among those a client sent per registry (X-Registry-Config
    /// keys: `host[:port]`, or a URL such as Docker's `https://index.docker.io/v1/`); anonymous when none matches.
    /// </summary>
    public RegistryCredentials CredentialsFor(string reference, IReadOnlyDictionary<string, RegistryCredentials> byRegistry)
    {
        if (byRegistry.Count == 0 || !ImageReference.TryParse(reference, out _, out _)) return RegistryCredentials.Anonymous;
        var domain = RegistryCredentials.HostOf(ParseReference(reference).Domain);
        foreach (var (key, credentials) in byRegistry)
            if (RegistryCredentials.HostOf(key) == domain) return credentials;
        return RegistryCredentials.Anonymous;
    }

    /// <summary>
    /// POST /images/create?fromImage=&amp;tag=: pulls by tag or digest (a tag starting with sha256: is a digest),
    /// every tag of the repository when neither is given; returns the id of the (last) image pulled.
    /// </summary>
    public async Task<string> PullAsync(string fromImage, string? tag, string? platform, RegistryCredentials credentials,
        ProgressSink progress, CancellationToken ct)
    {
        var r = ParseReference(fromImage);
        if (r.Tag is null && r.Digest is null)
        {
            if (string.IsNullOrEmpty(tag)) return await PullAllTagsAsync(r, platform, credentials, progress, ct);
            r = ParseReference(r.Repository + (tag.StartsWith("sha256:", StringComparison.Ordinal) ? "@" : ":") + tag);
        }
        var wanted = PullPlatform.Parse(platform);
        Exception? last = null;
        foreach (var endpoint in Registries.PullEndpoints(r.Domain))
        {
            var repo = new RegistryRepository(new RegistryClient(endpoint, credentials), r.Path, push: false);
            ResolvedManifest resolved;
            try
            {
                resolved = await ResolveAsync(repo, r, wanted, ct);
            }
            catch (WharfException e) when (endpoint.IsMirror && !ct.IsCancellationRequested)
            {
                // A mirror that lacks the image or is down: the next mirror, then the registry itself.
                last = e;
                continue;
            }
            return await FetchAsync(repo, r, resolved, wanted, progress, ct);
        }
        throw last ?? new WharfException($"no endpoint to pull {r.Familiar} from");
    }

    private async Task<string> PullAllTagsAsync(ImageReference r, string? platform, RegistryCredentials credentials, ProgressSink progress, CancellationToken ct)
    {
        var endpoint = Registries.PullEndpoints(r.Domain)[^1];
        var tags = await new RegistryRepository(new RegistryClient(endpoint, credentials), r.Path, push: false).ListTagsAsync(ct);
        if (tags.Count == 0) throw new NotFoundException($"repository {r.FamiliarRepository} has no tags");
        string id = "";
        foreach (var t in tags.Order(StringComparer.Ordinal))
            id = await PullAsync(r.Repository, t, platform, credentials, progress, ct);
        return id;
    }

    private sealed record ResolvedManifest(byte[] Body, string Digest, string TopDigest, ManifestDocument Document, bool FromIndex);

    private static async Task<ResolvedManifest> ResolveAsync(RegistryRepository repo, ImageReference r, PullPlatform wanted, CancellationToken ct)
    {
        var (body, mediaType, digest) = await repo.GetManifestAsync(r.Digest ?? r.Tag ?? ImageReference.DefaultTag, ct);
        var doc = ParseManifest(body, mediaType, r);
        if (!doc.IsIndex) return new ResolvedManifest(body, digest, digest, doc, false);
        var entry = doc.SelectPlatform(wanted.Os, wanted.Architecture, wanted.Variant)
            ?? throw new NotFoundException($"no matching manifest for {wanted} in the manifest list entries");
        var (inner, innerType, innerDigest) = await repo.GetManifestAsync(entry.Digest, ct);
        var innerDoc = ParseManifest(inner, innerType, r);
        if (innerDoc.IsIndex) throw new WharfException($"{r.Familiar}: an index inside an index is not supported");
        return new ResolvedManifest(inner, innerDigest, digest, innerDoc, true);
    }

    private static ManifestDocument ParseManifest(byte[] body, string mediaType, ImageReference r)
    {
        try { return ManifestDocument.Parse(body, mediaType); }
        catch (FormatException e) { throw new WharfException($"pulling {r.Familiar}: {e.Message}", 500, e); }
    }

    private async Task<string> FetchAsync(RegistryRepository repo, ImageReference r, ResolvedManifest m, PullPlatform wanted,
        ProgressSink progress, CancellationToken ct)
    {
        var config = m.Document.Config!;
        var configBytes = _content.Exists(config.Digest) ? _content.ReadAll(config.Digest) : await repo.ReadBlobAsync(config.Digest, MaxConfigBytes, ct);
        ImageConfigFile cfg;
        try { cfg = ImageConfigFile.Parse(configBytes); }
        catch (FormatException e) { throw new WharfException($"pulling {r.Familiar}: {e.Message}", 500, e); }
        if (wanted.Explicit && !m.FromIndex && (cfg.Os != wanted.Os || cfg.Architecture != wanted.Architecture))
            throw new NotFoundException($"image with reference {r.Familiar} was found but does not match the specified platform: wanted {wanted}, actual: {cfg.Os}/{cfg.Architecture}");
        var layers = m.Document.Layers;
        if (cfg.DiffIds.Count != layers.Count)
            throw new WharfException($"pulling {r.Familiar}: the manifest lists {layers.Count} layers but the config {cfg.DiffIds.Count} diff ids");

        await progress.WriteAsync(new Wharf.Api.Models.ProgressMessage { Status = "Pulling from " + r.Path, Id = r.Tag ?? r.Digest }, ct);
        var id = config.Digest;
        var chains = new string[layers.Count];
        for (int i = 0; i < chains.Length; i++) chains[i] = Digest.ChainId(i == 0 ? null : chains[i - 1], cfg.DiffIds[i]);
        // Docker's wording: "up to date" when this name already meant this image, "downloaded newer" otherwise.
        bool upToDate = _db.ResolveRef(r.ToString()) == id && chains.All(_layers.Exists);

        var records = new LayerRecord[layers.Count];
        var created = new ConcurrentBag<string>();
        var written = new ConcurrentBag<string>();
        try
        {
            if (!_content.Exists(config.Digest)) written.Add(_content.Put(configBytes));
            var missing = new List<int>();
            for (int i = 0; i < layers.Count; i++)
            {
                var existing = _db.GetLayer(chains[i]);
                if (existing is not null && _layers.Exists(chains[i]))
                {
                    records[i] = existing;
                    if (!upToDate) await progress.LayerAsync(ProgressSink.ShortId(layers[i].Digest), "Already exists", ct);
                }
                else
                {
                    missing.Add(i);
                    await progress.LayerAsync(ProgressSink.ShortId(layers[i].Digest), "Pulling fs layer", ct);
                }
            }
            await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = ConcurrentDownloads, CancellationToken = ct },
                async (i, token) =>
                {
                    records[i] = await FetchLayerAsync(repo, layers[i], cfg.DiffIds[i], i == 0 ? null : chains[i - 1], progress, written, token);
                    created.Add(records[i].ChainId);
                    await progress.LayerAsync(ProgressSink.ShortId(layers[i].Digest), "Pull complete", token);
                });
            var manifestDigest = _content.Put(m.Body);
            written.Add(manifestDigest);
            var rows = new List<ImageLayerRecord>();
            for (int i = 0; i < layers.Count; i++)
                rows.Add(new ImageLayerRecord(cfg.DiffIds[i], chains[i], layers[i].Digest, OciLayerMediaType(layers[i].MediaType), _content.Size(layers[i].Digest)));
            var record = new ImageRecord(id, cfg.Created, records.Sum(x => x.Size), null, manifestDigest, null, rows);
            var previousManifest = _db.GetImage(id)?.ManifestDigest;
            var refs = new List<string>();
            if (r.Tag is not null) refs.Add(r.ToString());
            refs.Add((r with { Tag = null, Digest = m.TopDigest }).ToString());
            await RecordImageAsync(records, record, tx =>
            {
                foreach (var name in refs) _db.SetRef(tx, name, id);
                // An image already present keeps its row: the manifest just pulled becomes the one a push sends back.
                _db.SetManifestDigest(tx, id, manifestDigest);
            }, ct);
            // The manifest it replaced goes unless another image still names it.
            if (previousManifest is not null && previousManifest != manifestDigest && !AllReferencedBlobs().Contains(previousManifest))
                _content.Delete(previousManifest);
        }
        catch
        {
            var known = _db.ListLayers().Select(l => l.ChainId).ToHashSet();
            foreach (var c in created) if (!known.Contains(c)) _layers.Delete(c);
            var used = AllReferencedBlobs();
            foreach (var b in written) if (!used.Contains(b)) _content.Delete(b);
            throw;
        }
        Publish("pull", id, r.Familiar);
        await progress.StatusAsync("Digest: " + m.TopDigest, ct);
        await progress.StatusAsync((upToDate ? "Status: Image is up to date for " : "Status: Downloaded newer image for ") + r.Familiar, ct);
        return id;
    }

    private async Task<LayerRecord> FetchLayerAsync(RegistryRepository repo, Descriptor layer, string diffId, string? parentChain,
        ProgressSink progress, ConcurrentBag<string> written, CancellationToken ct)
    {
        var shortId = ProgressSink.ShortId(layer.Digest);
        if (_content.Exists(layer.Digest))
            return await _layers.UnpackAsync(() => _content.OpenRead(layer.Digest), parentChain, diffId, ct);
        for (int attempt = 1; ; attempt++)
        {
            IngestedBlob ingested;
            try
            {
                var (body, length, res) = await repo.OpenBlobAsync(layer.Digest, ct);
                using (res)
                await using (var counted = new ProgressReadStream(body, progress, shortId, "Downloading", layer.Size > 0 ? layer.Size : length, ct))
                    // The download streams through hashing, the blob file and the unpacker at once: no second pass.
                    ingested = await new LayerIngester(_content, _layers).IngestAsync(counted, tryUnpack: true, layer.Digest, ct);
            }
            catch (Exception e) when (attempt < 3 && e is IOException or HttpRequestException && !ct.IsCancellationRequested)
            {
                await Task.Delay(RegistryClient.RetryDelay * attempt, ct);
                continue;
            }
            catch (BadRequestException e) when (e.Message.StartsWith("digest mismatch", StringComparison.Ordinal))
            {
                throw new WharfException($"filesystem layer verification failed for digest {layer.Digest}: {e.Message}", 500, e);
            }
            written.Add(ingested.Digest);
            await progress.LayerAsync(shortId, "Download complete", ct);
            if (ingested.Unpacked is { } u)
            {
                if (u.Error is null && (u.DiffId ?? ingested.Digest) != diffId)
                {
                    _layers.Discard(u);
                    throw new WharfException($"layer {layer.Digest} does not match its diff id: expected {diffId}, got {u.DiffId ?? ingested.Digest}");
                }
                try { return _layers.Adopt(u, diffId, parentChain); }
                catch { _layers.Discard(u); throw; }
            }
            return await _layers.UnpackAsync(() => _content.OpenRead(layer.Digest), parentChain, diffId, ct);
        }
    }

    /// <summary>Docker's layer media types under their OCI names, so a later push writes one consistent OCI manifest.</summary>
    internal static string OciLayerMediaType(string mediaType) => mediaType switch
    {
        "application/vnd.docker.image.rootfs.diff.tar.gzip" => "application/vnd.oci.image.layer.v1.tar+gzip",
        "application/vnd.docker.image.rootfs.diff.tar" => "application/vnd.oci.image.layer.v1.tar",
        "" => "application/vnd.oci.image.layer.v1.tar+gzip",
        _ => mediaType,
    };
}

/// <summary>The platform a pull selects from an index: `--platform os/arch[/variant]`, the host's when not given.</summary>
public sealed record PullPlatform(string Os, string Architecture, string? Variant, bool Explicit)
{
    public static PullPlatform Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return new PullPlatform("linux", HostArchitecture(), null, false);
        var parts = text.ToLowerInvariant().Split('/');
        if (parts.Length is < 1 or > 3 || parts.Any(p => p.Length == 0))
            throw new BadRequestException($"invalid platform {text}: expected os[/arch[/variant]]");
        var arch = parts.Length > 1 ? NormalizeArch(parts[1]) : HostArchitecture();
        var variant = parts.Length > 2 ? parts[2] : null;
        if (arch == "arm64" && variant == "v8") variant = null;
        return new PullPlatform(parts[0], arch, variant, true);
    }

    public static string HostArchitecture() => RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        System.Runtime.InteropServices.Architecture.Arm => "arm",
        System.Runtime.InteropServices.Architecture.X86 => "386",
        _ => "amd64",
    };

    private static string NormalizeArch(string a) => a switch
    {
        "x86_64" or "x86-64" => "amd64",
        "aarch64" => "arm64",
        "i386" => "386",
        _ => a,
    };

    public override string ToString() => $"{Os}/{Architecture}" + (Variant is null ? "" : "/" + Variant);
}
