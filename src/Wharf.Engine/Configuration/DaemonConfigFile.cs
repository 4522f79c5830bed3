using System.Text.Json;
using System.Text.Json.Nodes;
using Wharf.Api.Models;

namespace Wharf.Engine.Configuration;

/// <summary>Reads a daemon.json (Docker's keys, plus Wharf's own per-daemon names) into <see cref="DaemonOptions"/>.</summary>
public static class DaemonConfigFile
{
    private static readonly HashSet<string> Known =
    [
        "data-root", "exec-root", "hosts", "debug", "pidfile", "registry-mirrors", "insecure-registries", "bip",
        "default-address-pools", "default-runtime", "runtimes", "log-driver", "log-opts", "live-restore", "labels",
        "tls", "tlsverify", "tlscacert", "tlscert", "tlskey", "nft-table", "cgroup-parent", "bridge", "netns-dir",
        "runtime-root", "shim-dir", "dns", "default-registry", "insecure-tcp", "registry-host-mirrors", "builder",
    ];

    /// <summary>Applies the file's keys to <paramref name="o"/>; flags given on the command line win (listed in <paramref name="fromFlags"/>).</summary>
    public static void Apply(string json, DaemonOptions o, ISet<string>? fromFlags = null)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw new FormatException("the configuration must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new FormatException($"invalid JSON: {e.Message}", e);
        }
        foreach (var (key, _) in root)
            if (!Known.Contains(key)) throw new FormatException($"the following directives don't match any configuration option: {key}");
        bool Use(string key) => root.ContainsKey(key) && (fromFlags is null || !fromFlags.Contains(key));

        if (Use("data-root")) o.DataRoot = Str(root, "data-root");
        if (Use("exec-root")) o.ExecRoot = Str(root, "exec-root");
        if (Use("hosts")) o.Hosts = StrList(root, "hosts");
        if (Use("debug")) o.Debug = Bool(root, "debug");
        if (Use("pidfile")) o.PidFile = Str(root, "pidfile");
        if (Use("registry-mirrors")) o.RegistryMirrors = StrList(root, "registry-mirrors");
        if (Use("insecure-registries")) o.InsecureRegistries = StrList(root, "insecure-registries");
        if (Use("bip")) o.Bip = Str(root, "bip");
        if (Use("default-runtime")) o.DefaultRuntime = Str(root, "default-runtime");
        if (Use("log-driver")) o.LogDriver = Str(root, "log-driver");
        if (Use("live-restore")) o.LiveRestore = Bool(root, "live-restore");
        if (Use("labels")) o.Labels = StrList(root, "labels");
        if (Use("tlsverify")) o.TlsVerify = Bool(root, "tlsverify");
        if (Use("tlscacert")) o.TlsCaCert = Str(root, "tlscacert");
        if (Use("tlscert")) o.TlsCert = Str(root, "tlscert");
        if (Use("tlskey")) o.TlsKey = Str(root, "tlskey");
        if (Use("insecure-tcp")) o.InsecureTcp = Bool(root, "insecure-tcp");
        if (Use("nft-table")) o.NftTable = Str(root, "nft-table");
        if (Use("cgroup-parent")) o.CgroupParent = Str(root, "cgroup-parent");
        if (Use("bridge")) o.BridgeName = Str(root, "bridge");
        if (Use("netns-dir")) o.NetnsDirectory = Str(root, "netns-dir");
        if (Use("runtime-root")) o.RuntimeRoot = Str(root, "runtime-root");
        if (Use("shim-dir")) o.ShimDirectory = Str(root, "shim-dir");
        if (Use("dns")) o.Dns = StrList(root, "dns");
        if (Use("default-registry")) o.DefaultRegistry = Str(root, "default-registry");
        if (Use("registry-host-mirrors"))
        {
            o.RegistryHostMirrors = [];
            foreach (var (host, v) in Obj(root, "registry-host-mirrors"))
                o.RegistryHostMirrors[host] = v is JsonArray a && a.All(x => x is JsonValue xv && xv.GetValueKind() == JsonValueKind.String)
                    ? a.Select(x => x!.GetValue<string>()).ToList()
                    : throw new FormatException($"registry-host-mirrors.{host} must be a list of URLs");
        }
        if (Use("builder")) o.BuilderKeepStorage = BuilderKeepStorage(Obj(root, "builder"));
        if (Use("log-opts"))
        {
            o.LogOpts = [];
            foreach (var (k, v) in Obj(root, "log-opts")) o.LogOpts[k] = v?.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v?.ToJsonString() ?? "";
        }
        if (Use("runtimes"))
        {
            o.Runtimes = [];
            foreach (var (name, v) in Obj(root, "runtimes"))
            {
                if (v is not JsonObject rt || rt["path"] is not JsonValue p) throw new FormatException($"runtimes.{name}: a runtime needs a \"path\"");
                o.Runtimes[name] = new RuntimeInfo
                {
                    Path = p.GetValue<string>(),
                    RuntimeArgs = rt["runtimeArgs"] is JsonArray a ? a.Select(x => x!.GetValue<string>()).ToList() : null,
                };
            }
        }
        if (Use("default-address-pools"))
        {
            o.DefaultAddressPools = [];
            if (root["default-address-pools"] is not JsonArray pools) throw new FormatException("default-address-pools must be a list");
            foreach (var p in pools)
            {
                if (p is not JsonObject po || po["base"] is null || po["size"] is null)
                    throw new FormatException("default-address-pools: each pool needs \"base\" and \"size\"");
                o.DefaultAddressPools.Add(new AddressPool { Base = po["base"]!.GetValue<string>(), Size = po["size"]!.GetValue<int>() });
            }
        }
    }

    /// <summary>Docker's `"builder": {"gc": {"defaultKeepStorage": "10GB"}}`; gc.enabled=false lifts the budget.</summary>
    private static long BuilderKeepStorage(JsonObject builder)
    {
        if (builder["gc"] is not JsonObject gc) return new DaemonOptions().BuilderKeepStorage;
        if (gc["enabled"] is JsonValue en && en.GetValueKind() == JsonValueKind.False) return 0;
        if (gc["defaultKeepStorage"] is not JsonValue v) return new DaemonOptions().BuilderKeepStorage;
        var text = v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString();
        if (!Logs.LogFileOptions.TryParseSize(text, out var bytes) || bytes < 0)
            throw new FormatException($"builder.gc.defaultKeepStorage: invalid size: {text}");
        return bytes;
    }

    private static string Str(JsonObject o, string key) =>
        o[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : throw new FormatException($"{key} must be a string");

    private static bool Bool(JsonObject o, string key) =>
        o[key] is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : throw new FormatException($"{key} must be true or false");

    private static List<string> StrList(JsonObject o, string key) =>
        o[key] is JsonArray a && a.All(x => x is JsonValue xv && xv.GetValueKind() == JsonValueKind.String)
            ? a.Select(x => x!.GetValue<string>()).ToList()
            : throw new FormatException($"{key} must be a list of strings");

    private static JsonObject Obj(JsonObject o, string key) =>
        o[key] as JsonObject ?? throw new FormatException($"{key} must be an object");
}
