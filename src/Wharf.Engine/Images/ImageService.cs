using System.Collections.Concurrent;
using Wharf.Api.Models;
using Wharf.Engine.Configuration;
using Wharf.Engine.Content;
using Wharf.Engine.Events;
using Wharf.Engine.Metadata;

namespace Wharf.Engine.Images;

/// <summary>The image store's verbs: resolve, list, inspect, tag, delete, import, load, save, prune.</summary>
public sealed partial class ImageService
{
    private readonly ContentStore _content;
    private readonly LayerStore _layers;
    private readonly MetadataStore _db;
    private readonly EventBus _events;
    private readonly DaemonOptions _options;
    private readonly ConcurrentDictionary<string, ImageConfigFile> _configs = new();
    // Serialises changes to references and image rows (imports and loads unpack in parallel outside it).
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public ImageService(ContentStore content, LayerStore layers, MetadataStore db, EventBus events, DaemonOptions options)
    {
        _content = content;
        _layers = layers;
        _db = db;
        _events = events;
        _options = options;
    }

    /// <summary>Answers whether a container uses an image (set by the container service); null when none does.</summary>
    public Func<string, string?>? ContainerUsingImage { get; set; }

    public LayerStore Layers => _layers;

    public ImageConfigFile GetConfig(string imageId) =>
        _configs.GetOrAdd(imageId, id => ImageConfigFile.Parse(_content.ReadAll(id)));

    // Names always normalise against docker.io, as the docker CLI does client-side; the configured default
    // registry only says where pulls of docker.io names go.
    public ImageReference ParseReference(string text) => ImageReference.Parse(text);

    /// <summary>Finds an image by reference, full id or unique id prefix (Docker's lookup order).</summary>
    public ImageRecord Resolve(string refOrId)
    {
        var id = TryResolveId(refOrId, out var ambiguous);
        if (id is not null && _db.GetImage(id) is { } img) return img;
        throw new NotFoundException(ambiguous
            ? $"No such image: {refOrId} (the id prefix matches more than one image)"
            : $"No such image: {refOrId}");
    }

    public string? TryResolveId(string refOrId, out bool ambiguous)
    {
        ambiguous = false;
        if (refOrId.StartsWith("sha256:", StringComparison.Ordinal) && refOrId.Length == 71)
            return _db.GetImage(refOrId) is null ? null : refOrId;
        if (ImageReference.TryParse(refOrId, out var r, out _))
        {
            var full = r!.WithDefaultTag();
            if (_db.ResolveRef(full.ToString()) is { } byRef) return byRef;
            if (full.Digest is not null && full.Tag is not null &&
                _db.ResolveRef(full with { Tag = null } is var d ? d.ToString() : "") is { } byDigest) return byDigest;
        }
        if (ImageReference.LooksLikeId(refOrId))
        {
            var hex = refOrId.StartsWith("sha256:", StringComparison.Ordinal) ? refOrId[7..] : refOrId;
            var ids = _db.FindImageIds(hex);
            if (ids.Count == 1) return ids[0];
            ambiguous = ids.Count > 1;
        }
        else if (!ImageReference.TryParse(refOrId, out _, out var error))
        {
            throw new InvalidReferenceException(error!);
        }
        return null;
    }

    /// <summary>Familiar tags (`busybox:latest`) and digests of every image.</summary>
    internal (Dictionary<string, List<string>> Tags, Dictionary<string, List<string>> Digests) RefsByImage()
    {
        var tags = new Dictionary<string, List<string>>();
        var digests = new Dictionary<string, List<string>>();
        foreach (var r in _db.ListRefs())
        {
            var parsed = ImageReference.Parse(r.Name);
            var target = parsed.Digest is not null && parsed.Tag is null ? digests : tags;
            if (!target.TryGetValue(r.ImageId, out var list)) target[r.ImageId] = list = [];
            list.Add(parsed.Familiar);
        }
        return (tags, digests);
    }

    internal static string ShortId(string id) => Digest.Hex(id)[..12];

    /// <summary>
    /// Makes an image's blobs and unpacked layers durable (one syncfs), then records its layers, the image and
    /// whatever <paramref name="alsoInTransaction"/> adds (references) in one transaction under the write lock.
    /// </summary>
    internal async Task RecordImageAsync(IEnumerable<LayerRecord> layers, ImageRecord image,
        Action<Microsoft.Data.Sqlite.SqliteTransaction> alsoInTransaction, CancellationToken ct)
    {
        Native.Libc.SyncFilesystem(_layers.Root);
        await _writeLock.WaitAsync(ct);
        try
        {
            _db.Write(tx =>
            {
                foreach (var l in layers) _db.AddLayer(tx, l);
                _db.AddImage(tx, image);
                alsoInTransaction(tx);
            });
        }
        finally { _writeLock.Release(); }
    }

    internal void Publish(string action, string id, string? name)
    {
        var attrs = new Dictionary<string, string>();
        if (name is not null) attrs["name"] = name;
        _events.Publish("image", action, id, attrs);
    }

    internal static long UnixSeconds(string rfc3339) =>
        DateTimeOffset.TryParse(rfc3339, out var t) ? t.ToUnixTimeSeconds() : 0;
}
