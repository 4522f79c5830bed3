namespace Wharf.Registry.Protocol;

/// <summary>An OCI content descriptor as it appears in manifests and in the referrers index.</summary>
public sealed record Descriptor(string MediaType, Digest Digest, long Size)
{
    public string? ArtifactType { get; init; }
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
    public string? Platform { get; init; }
}
