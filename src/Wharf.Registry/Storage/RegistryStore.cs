using Wharf.Registry.Protocol;

namespace Wharf.Registry.Storage;

/// <summary>
/// The registry's content-addressed store on a local filesystem. Layout under the root:
/// <code>
/// blobs/&lt;alg&gt;/&lt;hex&gt;                         layers, configs and manifest bodies; a file appears here only by a
///                                           rename after its digest verified, and is never changed afterwards
/// uploads/&lt;id&gt;/data, uploads/&lt;id&gt;/repo        a blob upload in progress and the repository it belongs to
/// repositories/&lt;name&gt;/_layers/&lt;alg&gt;/&lt;hex&gt;    empty: the blob belongs to the repository (HEAD/GET/mount check it)
/// repositories/&lt;name&gt;/_manifests/revisions/&lt;alg&gt;/&lt;hex&gt;   the manifest's media type: the manifest is in the repository
/// repositories/&lt;name&gt;/_manifests/tags/&lt;tag&gt;  the digest the tag points at
/// repositories/&lt;name&gt;/_referrers/&lt;alg&gt;/&lt;subject hex&gt;/&lt;alg&gt;-&lt;hex&gt;   empty: that manifest names the subject
/// tmp/                                      temp files of atomic writes (same filesystem, so renames are atomic)
/// .gc.lock                                  see <see cref="GcLock"/>
/// </code>
/// Names never start with '_' (the name grammar forbids it), so the markers cannot collide with a repository.
/// Every small file is written to tmp/, fsynced and renamed; a crash leaves the old or the new state.
/// </summary>
public sealed partial class RegistryStore
{
    public RegistryStore(string root)
    {
        Root = System.IO.Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(TmpDir);
        Directory.CreateDirectory(UploadsDir);
        Directory.CreateDirectory(System.IO.Path.Combine(Root, "blobs"));
        Directory.CreateDirectory(RepositoriesDir);
    }

    public string Root { get; }
    internal string TmpDir => System.IO.Path.Combine(Root, "tmp");
    internal string UploadsDir => System.IO.Path.Combine(Root, "uploads");
    internal string RepositoriesDir => System.IO.Path.Combine(Root, "repositories");

    public string BlobPath(Digest d) => System.IO.Path.Combine(Root, "blobs", d.Algorithm, d.Hex);

    internal string RepoDir(string name) => System.IO.Path.Combine(RepositoriesDir, name);
    internal string LayerLink(string name, Digest d) => System.IO.Path.Combine(RepoDir(name), "_layers", d.Algorithm, d.Hex);
    internal string RevisionPath(string name, Digest d) => System.IO.Path.Combine(RepoDir(name), "_manifests", "revisions", d.Algorithm, d.Hex);
    internal string TagPath(string name, string tag) => System.IO.Path.Combine(RepoDir(name), "_manifests", "tags", tag);
    internal string ReferrersDir(string name, Digest subject) => System.IO.Path.Combine(RepoDir(name), "_referrers", subject.Algorithm, subject.Hex);

    /// <summary>A repository exists once something was pushed to it (a blob or a manifest).</summary>
    public bool RepositoryExists(string name) =>
        Directory.Exists(System.IO.Path.Combine(RepoDir(name), "_manifests")) || Directory.Exists(System.IO.Path.Combine(RepoDir(name), "_layers"));

    /// <summary>The size of a blob the repository holds, or null when it holds none by that digest.</summary>
    public long? BlobSize(string name, Digest d)
    {
        if (!File.Exists(LayerLink(name, d)) && !File.Exists(RevisionPath(name, d))) return null;
        var info = new FileInfo(BlobPath(d));
        return info.Exists ? info.Length : null;
    }

    /// <summary>Opens a blob of the repository for reading, or null when it has none by that digest.</summary>
    public FileStream? OpenBlob(string name, Digest d)
    {
        if (!File.Exists(LayerLink(name, d)) && !File.Exists(RevisionPath(name, d))) return null;
        try
        {
            return new FileStream(BlobPath(d), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
    }

    /// <summary>
    /// Marks a blob as wanted now, so a collection running within its grace period keeps it: a client that
    /// saw it exist (HEAD) will reference it in a manifest shortly.
    /// </summary>
    public void Touch(Digest d)
    {
        try { File.SetLastWriteTimeUtc(BlobPath(d), DateTime.UtcNow); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Removes a blob from a repository (the content stays until garbage collection); false when it was not there.</summary>
    public bool UnlinkBlob(string name, Digest d)
    {
        var link = LayerLink(name, d);
        if (!File.Exists(link)) return false;
        File.Delete(link);
        return true;
    }

    /// <summary>Cross-repository mount: links a blob of <paramref name="from"/> into <paramref name="name"/> without copying it.</summary>
    public async Task<long?> MountAsync(string name, string from, Digest d, CancellationToken ct)
    {
        using var gc = await GcLock.AcquireAsync(Root, exclusive: false, ct).ConfigureAwait(false);
        if (BlobSize(from, d) is not { } size) return null;
        Touch(d);
        AtomicFile.Touch(LayerLink(name, d));
        return size;
    }
}
