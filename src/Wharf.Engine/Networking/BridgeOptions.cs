using System.Text.Json;
using Wharf.Api.Json;
using Wharf.Engine.Metadata;

namespace Wharf.Engine.Networking;

/// <summary>The bridge driver options (`network create -o`) Wharf honours; others are refused.</summary>
public static class BridgeOptions
{
    public const string Name = "com.docker.network.bridge.name";
    public const string Masquerade = "com.docker.network.bridge.enable_ip_masquerade";
    public const string Icc = "com.docker.network.bridge.enable_icc";

    public static readonly IReadOnlySet<string> Supported = new HashSet<string> { Name, Masquerade, Icc };

    /// <summary>An option of a network, or null.</summary>
    public static string? Option(this NetworkRecord n, string key) => Parse(n.Options).GetValueOrDefault(key);

    public static Dictionary<string, string> Parse(string json) =>
        JsonSerializer.Deserialize(json, WharfJsonContext.Default.DictionaryStringString) ?? [];

    public static string Serialize(Dictionary<string, string> values) =>
        JsonSerializer.Serialize(values, WharfJsonContext.Default.DictionaryStringString);
}
