namespace Wharf.Engine.Volumes;

/// <summary>
/// One mount a container asked for, validated: from a -v spec (HostConfig.Binds), a --mount (HostConfig.Mounts),
/// an anonymous volume (Config.Volumes, the image's VOLUME) or another container's (--volumes-from).
/// </summary>
/// <param name="Type">bind, volume or tmpfs.</param>
/// <param name="Source">Host path of a bind; a volume's name ("" for a new anonymous one); "" for tmpfs.</param>
/// <param name="Destination">Absolute and clean path in the container.</param>
/// <param name="Mode">The -v options as given ("ro,rshared"), shown as the mount point's Mode.</param>
/// <param name="Propagation">Bind propagation; rprivate for binds unless given, "" for volumes.</param>
/// <param name="CreateSource">A missing bind source is created (-v), not refused (--mount).</param>
public sealed record MountRequest(string Type, string Source, string Destination, bool ReadOnly = false, string Mode = "",
    string Propagation = "", bool NoCopy = false, bool NonRecursive = false, bool CreateSource = false)
{
    /// <summary>Options of a volume created for this mount (--mount volume-opt), and its labels.</summary>
    public IReadOnlyDictionary<string, string>? VolumeOptions { get; init; }
    public IReadOnlyDictionary<string, string>? VolumeLabels { get; init; }

    /// <summary>A path inside the volume to mount instead of its root (--mount volume-subpath).</summary>
    public string? Subpath { get; init; }

    /// <summary>tmpfs options in mount(8) form: size=..., mode=..., and flags.</summary>
    public IReadOnlyList<string>? TmpfsOptions { get; init; }
}
