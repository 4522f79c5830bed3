using System.Text.Encodings.Web;
using System.Text.Json;

namespace Wharf.Api.Json;

/// <summary>Shared serializer settings.</summary>
public static class JsonDefaults
{
    /// <summary>For documents Wharf writes (image configs, manifests): `+` and `&lt;` stay literal, as Go writes media types.</summary>
    public static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
