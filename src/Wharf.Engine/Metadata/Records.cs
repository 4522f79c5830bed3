namespace Wharf.Engine.Metadata;

/// <summary>An image row with its layers.</summary>
public sealed record ImageRecord(string Id, string Created, long Size, string? Parent, string? ManifestDigest,
    string? LastTagTime, IReadOnlyList<ImageLayerRecord> Layers);

/// <summary>One layer of an image, bottom first.</summary>
public sealed record ImageLayerRecord(string DiffId, string ChainId, string BlobDigest, string MediaType, long BlobSize);

/// <summary>An unpacked layer.</summary>
public sealed record LayerRecord(string ChainId, string DiffId, string? ParentChainId, long Size);

/// <summary>A name pointing at an image.</summary>
public sealed record RefRecord(string Name, string ImageId, string Created);
