using System.Text.Json;
using Wharf.Api.Json;
using Wharf.Api.Models;
using Wharf.Engine.Events;
using Wharf.Engine.Metadata;

namespace Wharf.Engine.Volumes;

/// <summary>
/// The local volume driver and the volume verbs: create, inspect, list, remove, prune. A volume is
/// volumes/&lt;name&gt;/_data under the data root plus one row in the metadata store; the directory is made
/// before the row and removed after it, so a crash leaves at most an empty directory nobody records
/// (removed at start) or a renamed one being deleted. Which containers use a volume is read from their
/// documents (<see cref="UsersOf"/>), so a volume any container names is never removed.
/// </summary>
public sealed partial class VolumeService
{
    private const string RemovingPrefix = ".removing-";
    private readonly MetadataStore _db;
    private readonly EventBus _events;
    private readonly string _root;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, VolumeRecord> _volumes = new(StringComparer.Ordinal);
    // Volumes a container being created is about to name: not removable until it is registered.
    private readonly Dictionary<string, int> _held = new(StringComparer.Ordinal);

    public VolumeService(string dataRoot, MetadataStore db, EventBus events)
    {
        _db = db;
        _events = events;
        _root = Path.Combine(dataRoot, "volumes");
        Directory.CreateDirectory(_root);
        foreach (var v in db.ListVolumes()) _volumes[v.Name] = v;
    }

    /// <summary>The ids of the containers (any state) whose mounts name the volume; set by the container service.</summary>
    public Func<string, IReadOnlyList<string>> UsersOf { get; set; } = _ => [];

    /// <summary>The host directory a volume's data lives in.</summary>
    public string DataPath(string name) => Path.Combine(_root, name, "_data");

    public bool Exists(string name)
    {
        lock (_lock) return _volumes.ContainsKey(name);
    }

    /// <summary>POST /volumes/create: an existing volume of that name is returned as it is (Docker's idempotent create).</summary>
    public Volume Create(VolumeCreateOptions request) =>
        ToApi(CreateRecord(request.Name, request.Driver, request.DriverOpts, request.Labels, anonymous: false).Record);

    /// <summary>Creates a volume (or returns the existing one); <c>Created</c> tells which. With <paramref name="hold"/>
    /// the volume cannot be removed from that instant until <see cref="Unhold"/> (a container naming it is registered by then).</summary>
    internal (VolumeRecord Record, bool Created) CreateRecord(string? name, string? driver, IReadOnlyDictionary<string, string>? options,
        IReadOnlyDictionary<string, string>? labels, bool anonymous, bool hold = false)
    {
        name = string.IsNullOrEmpty(name) ? VolumeName.NewAnonymous() : name;
        VolumeName.Validate(name);
        driver = string.IsNullOrEmpty(driver) ? "local" : driver;
        if (driver != "local") throw new NotFoundException($"create {name}: error looking up volume plugin {driver}: plugin \"{driver}\" not found");
        LocalDriverOptions.Parse(name, options);
        var allLabels = new Dictionary<string, string>(labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        if (anonymous) allLabels[VolumeName.AnonymousLabel] = "";
        VolumeRecord record;
        lock (_lock)
        {
            if (hold) _held[name] = _held.GetValueOrDefault(name) + 1;
            if (_volumes.TryGetValue(name, out var existing)) return (existing, false);
            var dir = Path.Combine(_root, name);
            Directory.CreateDirectory(DataPath(name));
            record = new VolumeRecord(name, driver,
                JsonSerializer.Serialize(allLabels, WharfJsonContext.Default.DictionaryStringString),
                JsonSerializer.Serialize(new Dictionary<string, string>(options ?? new Dictionary<string, string>()), WharfJsonContext.Default.DictionaryStringString),
                DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"), 0);
            try
            {
                _db.AddVolume(record);
            }
            catch
            {
                if (hold) Unhold([name]);
                try { Directory.Delete(dir, true); } catch (IOException) { }
                throw;
            }
            _volumes[name] = record;
        }
        _events.Publish("volume", "create", name, new() { ["driver"] = driver });
        return (record, true);
    }

    /// <summary>GET /volumes/{name}.</summary>
    public Volume Inspect(string name) => ToApi(Get(name));

    internal VolumeRecord Get(string name)
    {
        lock (_lock)
        {
            return _volumes.TryGetValue(name, out var v) ? v : throw new NotFoundException($"get {name}: no such volume");
        }
    }

    internal static Dictionary<string, string> Labels(VolumeRecord v) =>
        JsonSerializer.Deserialize(v.Labels, WharfJsonContext.Default.DictionaryStringString) ?? [];

    internal static Dictionary<string, string> Options(VolumeRecord v) =>
        JsonSerializer.Deserialize(v.Options, WharfJsonContext.Default.DictionaryStringString) ?? [];

    internal static bool IsAnonymous(VolumeRecord v) => Labels(v).ContainsKey(VolumeName.AnonymousLabel);

    internal bool IsAnonymousVolume(string name)
    {
        lock (_lock) return _volumes.TryGetValue(name, out var v) && IsAnonymous(v);
    }

    internal Volume ToApi(VolumeRecord v)
    {
        var options = Options(v);
        return new Volume
        {
            CreatedAt = v.Created,
            Driver = v.Driver,
            Labels = Labels(v),
            Mountpoint = DataPath(v.Name),
            Name = v.Name,
            Options = options.Count == 0 ? null : options,
            Scope = "local",
        };
    }

    /// <summary>Gives back holds taken with CreateRecord(hold: true).</summary>
    internal void Unhold(IEnumerable<string> names)
    {
        lock (_lock)
        {
            foreach (var n in names)
            {
                if (_held.TryGetValue(n, out var count) && --count > 0) _held[n] = count;
                else _held.Remove(n);
            }
        }
    }

    /// <summary>DELETE /volumes/{name}: 409 while any container names it; a missing volume is fine with force.</summary>
    public void Remove(string name, bool force)
    {
        lock (_lock)
        {
            if (!_volumes.TryGetValue(name, out var v))
            {
                if (force) return;
                throw new NotFoundException($"get {name}: no such volume");
            }
            var users = UsersOf(name);
            if (users.Count > 0 || _held.ContainsKey(name))
                throw new ConflictException($"remove {name}: volume is in use - [{string.Join(", ", users)}]");
            Drop(v);
        }
        _events.Publish("volume", "destroy", name, new() { ["driver"] = "local" });
    }

    /// <summary>Removes a volume no container uses; false (and nothing done) when one does. For `rm -v`.</summary>
    internal bool TryRemoveUnused(string name)
    {
        lock (_lock)
        {
            if (!_volumes.TryGetValue(name, out var v) || UsersOf(name).Count > 0 || _held.ContainsKey(name)) return false;
            Drop(v);
        }
        _events.Publish("volume", "destroy", name, new() { ["driver"] = "local" });
        return true;
    }

    // Under _lock: the row goes first (durably), then the directory is renamed out of the way and deleted.
    private void Drop(VolumeRecord v)
    {
        UnmountData(v.Name);
        _db.DeleteVolume(v.Name);
        _volumes.Remove(v.Name);
        _mounts.Remove(v.Name);
        var dir = Path.Combine(_root, v.Name);
        var doomed = Path.Combine(_root, RemovingPrefix + v.Name + "-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Directory.Move(dir, doomed);
        }
        catch (DirectoryNotFoundException)
        {
            return;
        }
        DeleteTree(doomed);
    }

    private static void DeleteTree(string dir)
    {
        try { Directory.Delete(dir, true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>
    /// Start-up repair: finishes interrupted removals, drops the empty directory of a creation the database
    /// never recorded, and keeps (records) any other directory so no data is ever thrown away.
    /// </summary>
    public (int Removed, int Adopted) Repair()
    {
        int removed = 0, adopted = 0;
        foreach (var dir in Directory.GetDirectories(_root))
        {
            var name = Path.GetFileName(dir);
            if (_volumes.ContainsKey(name)) continue;
            if (name.StartsWith(RemovingPrefix, StringComparison.Ordinal))
            {
                DeleteTree(dir);
                removed++;
                continue;
            }
            var data = Path.Combine(dir, "_data");
            if (!Directory.Exists(data) || !Directory.EnumerateFileSystemEntries(data).Any())
            {
                DeleteTree(dir);
                removed++;
                continue;
            }
            try
            {
                VolumeName.Validate(name);
            }
            catch (BadRequestException)
            {
                continue;
            }
            var record = new VolumeRecord(name, "local", "{}", "{}", DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"), -1);
            _db.AddVolume(record);
            _volumes[name] = record;
            adopted++;
        }
        return (removed, adopted);
    }

    internal List<VolumeRecord> All()
    {
        lock (_lock) return [.. _volumes.Values.OrderBy(v => v.Name, StringComparer.Ordinal)];
    }
}
