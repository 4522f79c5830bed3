using Wharf.Registry.Protocol;

namespace Wharf.Registry.Storage;

public sealed partial class RegistryStore
{
    /// <summary>The repository's tags (unsorted), or NAME_UNKNOWN.</summary>
    public IEnumerable<string> ListTags(string name)
    {
        if (!RepositoryExists(name)) throw RegistryException.NameUnknown(name);
        var dir = System.IO.Path.Combine(RepoDir(name), "_manifests", "tags");
        return Directory.Exists(dir) ? Directory.EnumerateFiles(dir).Select(f => System.IO.Path.GetFileName(f)) : [];
    }

    /// <summary>Every repository name (unsorted): directories holding a _manifests or _layers marker, at any depth.</summary>
    public IEnumerable<string> ListRepositories()
    {
        var pending = new Stack<string>();
        pending.Push(RepositoriesDir);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            IEnumerable<string> children;
            try { children = Directory.EnumerateDirectories(dir).ToList(); }
            catch (DirectoryNotFoundException) { continue; }
            bool isRepo = false;
            foreach (var child in children)
            {
                var leaf = System.IO.Path.GetFileName(child);
                if (leaf.StartsWith('_')) isRepo |= leaf is "_manifests" or "_layers";
                else pending.Push(child);
            }
            if (isRepo) yield return System.IO.Path.GetRelativePath(RepositoriesDir, dir).Replace('\\', '/');
        }
    }

    /// <summary>The manifests in the repository whose subject is <paramref name="subject"/>, as index descriptors.</summary>
    public List<Descriptor> ListReferrers(string name, Digest subject, string? artifactType)
    {
        var result = new List<Descriptor>();
        var dir = ReferrersDir(name, subject);
        if (!Directory.Exists(dir)) return result;
        foreach (var entry in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
        {
            var leaf = System.IO.Path.GetFileName(entry);
            var dash = leaf.IndexOf('-');
            if (dash < 0 || !Digest.TryParse(leaf[..dash] + ":" + leaf[(dash + 1)..], out var d)) continue;
            if (ReadManifest(name, d.Value) is not { } m) continue;
            ManifestInfo info;
            try { info = ManifestInfo.Parse(m.Body, m.MediaType); }
            catch (RegistryException) { continue; }
            if (artifactType is not null && info.EffectiveArtifactType != artifactType) continue;
            result.Add(new Descriptor(m.MediaType, d.Value, m.Body.Length) { ArtifactType = info.EffectiveArtifactType, Annotations = info.Annotations });
        }
        return result;
    }
}
