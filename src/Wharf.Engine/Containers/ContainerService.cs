using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Wharf.Api.Json;
using Wharf.Api.Models;
using Wharf.Engine.Configuration;
using Wharf.Engine.Events;
using Wharf.Engine.Images;
using Wharf.Engine.Metadata;
using Wharf.Engine.Native;
using Wharf.Engine.Runtime;

namespace Wharf.Engine.Containers;

/// <summary>The container verbs: create, start, stop, kill, wait, remove, list, inspect, logs, attach.</summary>
public sealed partial class ContainerService
{
    private readonly DaemonOptions _options;
    private readonly MetadataStore _db;
    private readonly ImageService _images;
    private readonly EventBus _events;
    private readonly ConcurrentDictionary<string, Container> _containers = new();
    private readonly Lock _nameLock = new();
    private readonly string _root;

    public ContainerService(DaemonOptions options, MetadataStore db, ImageService images, EventBus events)
    {
        _options = options;
        _db = db;
        _images = images;
        _events = events;
        _root = Path.Combine(options.DataRoot, "containers");
        Directory.CreateDirectory(_root);
        foreach (var (id, doc) in db.ListContainers())
        {
            // A removal the database had not made durable before a power loss: the directory is gone.
            if (!Directory.Exists(Dir(id)))
            {
                db.DeleteContainer(id);
                continue;
            }
            var parsed = JsonSerializer.Deserialize(doc, WharfJsonContext.Default.ContainerInspectResponse);
            if (parsed is null) continue;
            // A policy restart in its back-off when the daemon went away: it did not happen.
            if (parsed.State is { Status: "restarting" } st)
            {
                st.Status = "exited";
                st.Restarting = false;
            }
            _containers[id] = new Container(parsed) { StoppedByUser = File.Exists(Path.Combine(_root, id, "stopped-by-user")) };
        }
        // Directories without a record: a removal interrupted between the record and the directory.
        foreach (var dir in Directory.GetDirectories(_root))
        {
            if (_containers.ContainsKey(Path.GetFileName(dir))) continue;
            var rootfs = Path.Combine(dir, "rootfs");
            if (IsMounted(rootfs)) Libc.Umount2(rootfs, Libc.MNT_DETACH);
            if (IsMounted(rootfs)) continue;
            try { Directory.Delete(dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        images.ContainerUsingImage = imageId => _containers.Values.FirstOrDefault(c => c.Doc.Image == imageId)?.Id[..12];
        images.ContainerCount = imageId => _containers.Values.Count(c => c.Doc.Image == imageId);
    }

    public IReadOnlyCollection<Container> All => _containers.Values.ToList();

    private string Dir(string id) => Path.Combine(_root, id);
    internal string ShimDir(string id) => Path.Combine(_options.EffectiveShimDirectory, id[..32]);

    /// <summary>Finds a container by full id, name or unique id prefix, as Docker does.</summary>
    public Container Get(string idOrName)
    {
        var key = idOrName.TrimStart('/');
        if (_containers.TryGetValue(key, out var byId)) return byId;
        var byName = _containers.Values.FirstOrDefault(c => c.Name == key);
        if (byName is not null) return byName;
        var matches = key.Length > 0 ? _containers.Values.Where(c => c.Id.StartsWith(key, StringComparison.Ordinal)).ToList() : [];
        if (matches.Count == 1) return matches[0];
        if (matches.Count > 1) throw new NotFoundException($"No such container: {idOrName} (the id prefix matches more than one container)");
        throw new NotFoundException($"No such container: {idOrName}");
    }

    /// <summary>Writes the container's document; <paramref name="durable"/> only for its creation (see MetadataStore.Write).</summary>
    internal void Save(Container c, bool durable = false)
    {
        var json = JsonSerializer.Serialize(c.Doc, WharfJsonContext.Default.ContainerInspectResponse);
        _db.SaveContainer(c.Id, c.Name, c.Doc.Image, json, durable);
    }

    internal void Publish(Container c, string action, Dictionary<string, string>? extra = null)
    {
        var attrs = new Dictionary<string, string>
        {
            ["name"] = c.Name,
            ["image"] = c.Doc.Config?.Image ?? c.Doc.Image,
        };
        foreach (var (k, v) in c.Doc.Config?.Labels ?? []) attrs[k] = v;
        if (extra is not null) foreach (var (k, v) in extra) attrs[k] = v;
        _events.Publish("container", action, c.Id, attrs);
    }

    [GeneratedRegex("^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$")]
    private static partial Regex NameRegex();

    private static readonly string[] Adjectives = ["brave", "calm", "eager", "fancy", "gentle", "happy", "jolly", "keen", "lucid", "merry", "nifty", "proud", "quirky", "sharp", "tender", "vivid", "witty", "zealous"];
    private static readonly string[] Nouns = ["archimedes", "babbage", "curie", "darwin", "euler", "fermat", "galileo", "hopper", "kepler", "lovelace", "noether", "pascal", "ritchie", "shannon", "turing", "wozniak"];

    private string ReserveName(string? requested, string id)
    {
        lock (_nameLock)
        {
            if (!string.IsNullOrEmpty(requested))
            {
                if (!NameRegex().IsMatch(requested))
                    throw new BadRequestException($"Invalid container name ({requested}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
                var name = requested.TrimStart('/');
                var holder = _containers.Values.FirstOrDefault(c => c.Name == name);
                if (holder is not null)
                    throw new ConflictException($"Conflict. The container name \"/{name}\" is already in use by container \"{holder.Id}\". You have to remove (or rename) that container to be able to reuse that name.");
                return name;
            }
            while (true)
            {
                var name = Adjectives[RandomNumberGenerator.GetInt32(Adjectives.Length)] + "_" + Nouns[RandomNumberGenerator.GetInt32(Nouns.Length)];
                if (_containers.Values.All(c => c.Name != name)) return name;
                name += "_" + id[..4];
                if (_containers.Values.All(c => c.Name != name)) return name;
            }
        }
    }

    /// <summary>POST /containers/create.</summary>
    public async Task<ContainerCreateResponse> CreateAsync(string? name, ContainerCreateRequest request, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(request.Image)) throw new BadRequestException("config cannot be empty in order to create a container");
        var image = _images.Resolve(request.Image);
        var imageConfig = _images.GetConfig(image.Id);
        var config = ContainerDefaults.Merge(request.ToContainerConfig(), imageConfig.Config);
        config.Image = request.Image;
        var (path, args) = ContainerDefaults.Command(config);
        var hc = request.HostConfig ?? new HostConfig();
        ContainerDefaults.ApplyHostConfigDefaults(hc, int.Parse(Engine.HostInfo.CgroupVersion), _options.LogDriver, _options.DefaultRuntime);
        ValidateNetworkMode(request, hc);
        ValidateLinks(hc.Links);
        ValidateHostConfig(hc);
        ValidateRuntime(hc);
        HealthRules.Validate(request.Healthcheck);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        if (string.IsNullOrEmpty(config.Hostname)) config.Hostname = DefaultHostname(hc, id);
        // Validate what the runtime spec would refuse (resources, capabilities, sysctls...) now, at create.
        var top = image.Layers.Count > 0 ? _images.Layers.DiffPath(image.Layers[^1].ChainId) : "/nonexistent";
        var probe = config.Clone();
        probe.User = "";
        new OciSpecBuilder().Build(new OciSpecRequest
        {
            ContainerId = id, Config = probe, HostConfig = hc, RootfsPath = top, CgroupVersion = int.Parse(Engine.HostInfo.CgroupVersion),
            Namespaces = new ContainerNamespaces(this, atCreate: true),
        });

        var reserved = ReserveName(name, id);
        NormaliseLinks(hc, reserved);
        var dir = Dir(id);
        var doc = new ContainerInspectResponse
        {
            Id = id,
            Created = ImageConfigFile.Rfc3339(DateTimeOffset.UtcNow),
            Path = path,
            Args = args,
            State = new ContainerState { Status = "created" },
            Image = image.Id,
            ResolvConfPath = Path.Combine(dir, "resolv.conf"),
            HostnamePath = Path.Combine(dir, "hostname"),
            HostsPath = Path.Combine(dir, "hosts"),
            LogPath = hc.LogConfig?.Type == "none" ? "" : Path.Combine(dir, id + "-json.log"),
            Name = "/" + reserved,
            HostConfig = hc,
            Config = config,
            NetworkSettings = Engine.Networks.CreateSettings(hc, config, request.NetworkingConfig),
        };
        doc.GraphDriver = new GraphDriverData
        {
            Name = "overlay2",
            Data = new()
            {
                ["LowerDir"] = string.Join(':', image.Layers.AsEnumerable().Reverse().Select(l => _images.Layers.DiffPath(l.ChainId))),
                ["UpperDir"] = Path.Combine(dir, "upper"),
                ["WorkDir"] = Path.Combine(dir, "work"),
                ["MergedDir"] = Path.Combine(dir, "rootfs"),
            },
        };
        var mounts = ResolveMounts(config, hc);
        doc.Mounts = mounts.Points;
        var container = new Container(doc);
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "upper"));
            Directory.CreateDirectory(Path.Combine(dir, "work"));
            Directory.CreateDirectory(Path.Combine(dir, "rootfs"));
            CopyUpVolumes(container, mounts);
            _containers[id] = container;
            Save(container, durable: true);
        }
        catch
        {
            _containers.TryRemove(id, out _);
            try { Directory.Delete(dir, true); } catch (IOException) { }
            mounts.Hold.Dispose();
            foreach (var v in mounts.CreatedVolumes) Engine.Volumes.TryRemoveUnused(v);
            throw;
        }
        mounts.Hold.Dispose();
        Publish(container, "create");
        await Task.CompletedTask;
        return new ContainerCreateResponse { Id = id, Warnings = [] };
    }

    private static void ValidateHostConfig(HostConfig hc)
    {
        var policy = hc.RestartPolicy?.Name ?? "no";
        if (policy is not ("" or "no" or "always" or "on-failure" or "unless-stopped"))
            throw new BadRequestException($"invalid restart policy: unknown policy '{policy}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'");
        if (policy != "on-failure" && (hc.RestartPolicy?.MaximumRetryCount ?? 0) != 0)
            throw new BadRequestException($"invalid restart policy: maximum retry count can only be used with 'on-failure'");
        if (hc.AutoRemove && policy is "always" or "unless-stopped" or "on-failure")
            throw new BadRequestException("conflicting options: cannot specify both --restart and --rm");
        if (hc.LogConfig?.Type is { Length: > 0 } driver && driver is not ("json-file" or "local" or "none"))
            throw new BadRequestException($"failed to create task for container: failed to initialize logging driver: logger: no log driver named '{driver}' is registered");
    }

    /// <summary>Set by the engine so create can read the host's cgroup version.</summary>
    public required WharfEngine Engine { get; init; }
}
