using System.Text.Json.Serialization;

namespace Wharf.Engine.Runtime.Spec;

/// <summary>Source-generated JSON for config.json: camelCase names, nulls left out.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(OciSpec))]
public sealed partial class OciSpecJsonContext : JsonSerializerContext;
