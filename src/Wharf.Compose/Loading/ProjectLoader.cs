using System.Text.RegularExpressions;
using Wharf.Compose.Model;
using Wharf.Compose.Yaml;

namespace Wharf.Compose.Loading;

/// <summary>
/// Finds and loads a project: file discovery, .env and --env-file, interpolation, validation of each file,
/// -f merge, extends, profiles, then the checks across services (dependencies, cycles, undefined
/// networks and volumes).
/// </summary>
public static partial class ProjectLoader
{
    public static readonly string[] DefaultFileNames = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];

    public static ComposeProject Load(LoadOptions options)
    {
        var files = FindFiles(options);
        var workDir = Path.GetFullPath(options.ProjectDirectory ?? Path.GetDirectoryName(files[0])!);
        var env = Environment(options, workDir);
        string? Lookup(string k) => env.TryGetValue(k, out var v) ? v : null;

        MapNode? merged = null;
        foreach (var file in files)
        {
            var fileTree = ReadValidated(file, Lookup);
            // Relative paths are relative to the first file's directory, as Compose does; extends files to their own.
            ResolveExtends(fileTree, file, Lookup, []);
            merged = merged is null ? fileTree : (MapNode)Merger.Merge(merged, fileTree);
        }
        merged!.Remove("version");

        var name = options.ProjectName is { Length: > 0 } p ? p
            : Lookup("COMPOSE_PROJECT_NAME") is { Length: > 0 } e ? e
            : (merged["name"] as ScalarNode)?.Value is { Length: > 0 } n ? n
            : Path.GetFileName(workDir.TrimEnd('/'));
        name = NormalizeName(name);
        if (name.Length == 0) throw new ComposeException("project name must not be empty");
        if (options.ProjectName is { Length: > 0 } given && !ValidName().IsMatch(given))
            throw new ComposeException($"invalid project name \"{given}\": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number");

        var project = new ComposeProject { Name = name, WorkingDir = workDir, ConfigFiles = files, Environment = env };
        var profiles = new HashSet<string>(options.Profiles.Count > 0 ? options.Profiles
            : (Lookup("COMPOSE_PROFILES") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);
        ModelBuilder.Build(project, merged, profiles, Lookup);
        CrossCheck(project, merged);
        var tree = new MapNode { Mark = merged.Mark };
        tree.Set("name", new ScalarNode(name), merged.Mark);
        foreach (var (k, v) in merged.Entries.Where(e => e.Key != "name")) tree.Set(k, v, merged.KeyMark(k));
        if (tree["services"] is MapNode svcs) foreach (var d in project.DisabledServices) svcs.Remove(d.Name);
        project.Tree = tree;
        return project;
    }

    /// <summary>Compose's normalisation of a project name: lower case, only [a-z0-9_-].</summary>
    public static string NormalizeName(string name) => InvalidChars().Replace(name.ToLowerInvariant(), "");

    [GeneratedRegex("[^a-z0-9_-]")]
    private static partial Regex InvalidChars();

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]*$")]
    private static partial Regex ValidName();

    static List<string> FindFiles(LoadOptions o)
    {
        var files = o.Files.Count > 0 ? o.Files.ToList()
            : o.Environment.TryGetValue("COMPOSE_FILE", out var cf) && cf.Length > 0
                ? cf.Split(o.Environment.GetValueOrDefault("COMPOSE_PATH_SEPARATOR", ":"), StringSplitOptions.RemoveEmptyEntries).ToList()
                : [];
        if (files.Count > 0)
        {
            var result = new List<string>();
            foreach (var f in files)
            {
                var full = Path.GetFullPath(f, o.WorkingDirectory);
                if (!File.Exists(full)) throw new ComposeException($"open {full}: no such file or directory");
                result.Add(full);
            }
            return result;
        }
        // Look in the working directory, then each parent, as Compose does.
        for (var dir = o.ProjectDirectory is { } pd ? Path.GetFullPath(pd, o.WorkingDirectory) : o.WorkingDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            var found = DefaultFileNames.Select(n => Path.Combine(dir, n)).Where(File.Exists).ToList();
            if (found.Count == 0) continue;
            var list = new List<string> { found[0] };
            var ext = Path.GetExtension(found[0]);
            var over = Path.Combine(dir, Path.GetFileNameWithoutExtension(found[0]) + ".override" + ext);
            if (File.Exists(over)) list.Add(over);
            return list;
        }
        throw new ComposeException("no configuration file provided: not found");
    }

    static Dictionary<string, string> Environment(LoadOptions o, string workDir)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        var envFiles = o.EnvFiles.Count > 0 ? o.EnvFiles.Select(f => Path.GetFullPath(f, o.WorkingDirectory)).ToList() : [];
        if (envFiles.Count == 0 && File.Exists(Path.Combine(workDir, ".env"))) envFiles.Add(Path.Combine(workDir, ".env"));
        foreach (var f in envFiles)
        {
            if (!File.Exists(f)) throw new ComposeException($"couldn't find env file: {f}");
            foreach (var (k, v) in EnvFile.Read(f, k => o.Environment.TryGetValue(k, out var pv) ? pv : env.GetValueOrDefault(k)))
                if (v is not null) env[k] = v;
        }
        // The process environment wins over the files.
        foreach (var (k, v) in o.Environment) env[k] = v;
        return env;
    }

    static MapNode ReadValidated(string file, Func<string, string?> lookup)
    {
        var root = YamlReader.ReadFile(file);
        if (root is ScalarNode { IsNull: true }) root = new MapNode { Mark = root.Mark };
        if (root is not MapNode) throw ComposeFileException.At(root.Mark, "top-level object must be a mapping");
        Interpolator.InterpolateTree(root, lookup, "");
        return (MapNode)Validator.Check(root, ComposeSchema.File, "");
    }

    /// <summary>Replaces each service's extends with the merge of the base service and its own keys.</summary>
    static void ResolveExtends(MapNode file, string path, Func<string, string?> lookup, HashSet<string> chain)
    {
        if (file["services"] is not MapNode services) return;
        foreach (var (name, node) in services.Entries.ToList())
            services.Set(name, Extended(services, name, (MapNode)node, path, lookup, chain), services.KeyMark(name));
    }

    static MapNode Extended(MapNode services, string name, MapNode service, string path, Func<string, string?> lookup, HashSet<string> chain)
    {
        if (service["extends"] is not { } ext) return service;
        var key = path + "#" + name;
        if (!chain.Add(key)) throw ComposeFileException.At(ext.Mark, $"services.{name}.extends: circular reference");
        try
        {
            string baseName;
            string? baseFile = null;
            if (ext is ScalarNode s) baseName = s.Value;
            else
            {
                var m = (MapNode)ext;
                baseName = (m["service"] as ScalarNode)?.Value ?? throw ComposeFileException.At(ext.Mark, $"services.{name}.extends: service is required");
                baseFile = (m["file"] as ScalarNode)?.Value;
            }
            MapNode baseServices = services;
            var basePath = path;
            if (baseFile is not null)
            {
                basePath = Path.GetFullPath(baseFile, Path.GetDirectoryName(path)!);
                if (!File.Exists(basePath)) throw ComposeFileException.At(ext.Mark, $"services.{name}.extends: file {basePath} not found");
                baseServices = ReadValidated(basePath, lookup)["services"] as MapNode ?? new MapNode();
            }
            if (baseServices[baseName] is not MapNode baseService)
                throw ComposeFileException.At(ext.Mark, $"services.{name}.extends: service \"{baseName}\" not found" + (baseFile is null ? "" : " in " + basePath));
            var resolvedBase = Extended(baseServices, baseName, (MapNode)baseService.Clone(), basePath, lookup, chain);
            if (baseFile is not null) RebaseRelativePaths(resolvedBase, Path.GetDirectoryName(basePath)!, Path.GetDirectoryName(path)!);
            // These never come from the base, as Compose says.
            foreach (var k in new[] { "depends_on", "links", "volumes_from", "network_mode" }) if (baseFile is not null) resolvedBase.Remove(k);
            var own = (MapNode)service.Clone();
            own.Remove("extends");
            return (MapNode)Merger.Merge(resolvedBase, own);
        }
        finally
        {
            chain.Remove(key);
        }
    }

    /// <summary>A service taken from another file keeps pointing at its build context and bind sources.</summary>
    static void RebaseRelativePaths(MapNode service, string fromDir, string toDir)
    {
        string Rebase(string p) => p.StartsWith('.') ? Path.GetRelativePath(toDir, Path.GetFullPath(p, fromDir)) is var r && r.StartsWith('.') ? r : "./" + Path.GetRelativePath(toDir, Path.GetFullPath(p, fromDir)) : p;
        if (service["build"] is ScalarNode b) b.Value = Rebase(b.Value);
        else if (service["build"] is MapNode bm && bm["context"] is ScalarNode c) c.Value = Rebase(c.Value);
        if (service["env_file"] is ScalarNode ef) ef.Value = Rebase(ef.Value);
        else if (service["env_file"] is SeqNode efs) foreach (var i in efs.Items.OfType<ScalarNode>()) i.Value = Rebase(i.Value);
        if (service["volumes"] is SeqNode vols)
            foreach (var v in vols.Items)
            {
                if (v is ScalarNode sv && sv.Value.StartsWith('.')) sv.Value = Rebase(sv.Value[..sv.Value.IndexOf(':')]) + sv.Value[sv.Value.IndexOf(':')..];
                else if (v is MapNode mv && mv["source"] is ScalarNode src && src.Value.StartsWith('.')) src.Value = Rebase(src.Value);
            }
    }

    /// <summary>References between services and to top-level resources, and dependency cycles.</summary>
    static void CrossCheck(ComposeProject project, MapNode root)
    {
        var services = root["services"] as MapNode;
        SourceMark Where(string service, string key) =>
            services?[service] is MapNode s ? (s[key]?.Mark ?? s.KeyMark(key)) : new SourceMark(project.ConfigFiles[0], 0, 0);
        var all = project.Services.Concat(project.DisabledServices).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var s in project.Services)
        {
            foreach (var (dep, d) in s.DependsOn)
            {
                if (!all.Contains(dep))
                    throw ComposeFileException.At(Where(s.Name, "depends_on"), $"services.{s.Name}.depends_on: service \"{dep}\" is not defined");
                if (project.Service(dep) is null && d.Required)
                    throw new ComposeException($"service \"{s.Name}\" depends on \"{dep}\", which is not enabled by the active profiles");
            }
            foreach (var (link, _) in s.Links)
                if (!all.Contains(link)) throw ComposeFileException.At(Where(s.Name, "links"), $"services.{s.Name}.links: service \"{link}\" is not defined");
            foreach (var net in s.Networks.Keys)
                if (!project.Networks.ContainsKey(net))
                    throw ComposeFileException.At(Where(s.Name, "networks"), $"services.{s.Name}.networks: network \"{net}\" is not defined in the top-level networks");
            foreach (var v in s.Volumes)
                if (v.Type == "volume" && v.Source is { Length: > 0 } src && !project.Volumes.ContainsKey(src))
                    throw ComposeFileException.At(Where(s.Name, "volumes"), $"services.{s.Name}.volumes: named volume \"{src}\" is not defined in the top-level volumes");
            if (s.NetworkMode?.StartsWith("service:", StringComparison.Ordinal) == true && !all.Contains(s.NetworkMode[8..]))
                throw ComposeFileException.At(Where(s.Name, "network_mode"), $"services.{s.Name}.network_mode: service \"{s.NetworkMode[8..]}\" is not defined");
        }
        DependencyGraph.CheckCycles(project);
    }
}
