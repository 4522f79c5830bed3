using System.Security.Cryptography;
using Wharf.Registry.Protocol;

namespace Wharf.Registry.Storage;

/// <summary>A manifest read back from the store.</summary>
public sealed record StoredManifest(Digest Digest, string MediaType, byte[] Body);

public sealed partial class RegistryStore
{
    /// <summary>Largest manifest accepted (distribution's limit too).</summary>
    public const int MaxManifestSize = 4 << 20;

    /// <summary>
    /// Stores a manifest under a tag or its digest. Everything it references must already be in the repository
    /// (MANIFEST_BLOB_UNKNOWN otherwise); the check and the commit happen under the shared GC lock, so a
    /// collection cannot remove a blob in between.
    /// </summary>
    public async Task<(Digest Digest, ManifestInfo Info)> PutManifestAsync(string name, string reference, byte[] body, string? contentType, CancellationToken ct)
    {
        var info = ManifestInfo.Parse(body, contentType);
        Digest digest;
        string? tag = null;
        if (Digest.TryParse(reference, out var byDigest))
        {
            digest = byDigest.Value.Algorithm == "sha512"
                ? Digest.FromHash("sha512", SHA512.HashData(body))
                : Digest.Sha256(body);
            if (digest != byDigest.Value)
                throw RegistryException.DigestInvalid("manifest digest did not match", $"expected {byDigest}, got {digest}");
        }
        else
        {
            if (!RepositoryName.IsValidTag(reference)) throw new RegistryException(400, ErrorCodes.TagInvalid, "invalid tag", reference);
            tag = reference;
            digest = Digest.Sha256(body);
        }
        using (await GcLock.AcquireAsync(Root, exclusive: false, ct).ConfigureAwait(false))
        {
            foreach (var d in info.Config is null ? info.Layers : info.Layers.Prepend(info.Config))
            {
                if (BlobSize(name, d.Digest) is not { } size)
                    throw new RegistryException(400, ErrorCodes.ManifestBlobUnknown, "blob unknown to registry", d.Digest.ToString());
                if (size != d.Size)
                    throw new RegistryException(400, ErrorCodes.SizeInvalid, $"descriptor of {d.Digest} says {d.Size} bytes, the blob has {size}", d.Digest.ToString());
                Touch(d.Digest);
            }
            foreach (var m in info.Manifests)
                if (!File.Exists(RevisionPath(name, m.Digest)))
                    throw new RegistryException(400, ErrorCodes.ManifestBlobUnknown, "manifest unknown to repository", m.Digest.ToString());

            var blob = BlobPath(digest);
            if (File.Exists(blob)) Touch(digest);
            else AtomicFile.Write(TmpDir, blob, body);
            AtomicFile.WriteText(TmpDir, RevisionPath(name, digest), info.MediaType);
            if (info.Subject is { } subject)
                AtomicFile.Touch(System.IO.Path.Combine(ReferrersDir(name, subject.Digest), digest.Algorithm + "-" + digest.Hex));
            if (tag is not null) AtomicFile.WriteText(TmpDir, TagPath(name, tag), digest.ToString());
        }
        return (digest, info);
    }

    /// <summary>Resolves a tag or digest to the digest of a manifest in the repository, or MANIFEST_UNKNOWN.</summary>
    public Digest ResolveManifest(string name, string reference)
    {
        if (Digest.TryParse(reference, out var d))
        {
            if (File.Exists(RevisionPath(name, d.Value))) return d.Value;
            throw RegistryException.ManifestUnknown(reference);
        }
        if (!RepositoryName.IsValidTag(reference)) throw new RegistryException(400, ErrorCodes.TagInvalid, "invalid tag", reference);
        string text;
        try { text = File.ReadAllText(TagPath(name, reference)).Trim(); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw RegistryException.ManifestUnknown(reference);
        }
        if (!Digest.TryParse(text, out var tagged) || !File.Exists(RevisionPath(name, tagged.Value)))
            throw RegistryException.ManifestUnknown(reference);
        return tagged.Value;
    }

    public StoredManifest GetManifest(string name, string reference)
    {
        var digest = ResolveManifest(name, reference);
        return ReadManifest(name, digest) ?? throw RegistryException.ManifestUnknown(reference);
    }

    internal StoredManifest? ReadManifest(string name, Digest digest)
    {
        try
        {
            var mediaType = File.ReadAllText(RevisionPath(name, digest)).Trim();
            return new StoredManifest(digest, mediaType, File.ReadAllBytes(BlobPath(digest)));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Deletes a tag, or a manifest by digest together with the tags pointing at it and its referrer entry.
    /// The content goes at the next garbage collection.
    /// </summary>
    public void DeleteManifest(string name, string reference)
    {
        if (!Digest.TryParse(reference, out var d))
        {
            ResolveManifest(name, reference);
            File.Delete(TagPath(name, reference));
            return;
        }
        var stored = ReadManifest(name, d.Value) ?? throw RegistryException.ManifestUnknown(reference);
        var tagsDir = System.IO.Path.Combine(RepoDir(name), "_manifests", "tags");
        if (Directory.Exists(tagsDir))
            foreach (var t in Directory.EnumerateFiles(tagsDir))
                if (File.ReadAllText(t).Trim() == reference) AtomicFile.TryDelete(t);
        try
        {
            if (ManifestInfo.Parse(stored.Body, stored.MediaType).Subject is { } subject)
                AtomicFile.TryDelete(System.IO.Path.Combine(ReferrersDir(name, subject.Digest), d.Value.Algorithm + "-" + d.Value.Hex));
        }
        catch (RegistryException) { }
        File.Delete(RevisionPath(name, d.Value));
    }
}
