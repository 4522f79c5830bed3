using System.Text.Json;
using Wharf.Registry.Protocol;

namespace Wharf.Registry.Http;

/// <summary>The API's JSON bodies, written with Utf8JsonWriter (no reflection, so NativeAOT and trimming stay clean).</summary>
public static class RegistryJson
{
    public static byte[] Errors(string code, string message, string? detail) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("errors");
        w.WriteStartObject();
        w.WriteString("code", code);
        w.WriteString("message", message);
        if (detail is not null) w.WriteString("detail", detail);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    });

    public static byte[] Tags(string name, IEnumerable<string> tags) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteStartArray("tags");
        foreach (var t in tags) w.WriteStringValue(t);
        w.WriteEndArray();
        w.WriteEndObject();
    });

    public static byte[] Catalog(IEnumerable<string> repositories) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("repositories");
        foreach (var r in repositories) w.WriteStringValue(r);
        w.WriteEndArray();
        w.WriteEndObject();
    });

    public static byte[] ReferrersIndex(IEnumerable<Descriptor> manifests) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", 2);
        w.WriteString("mediaType", MediaTypes.OciIndex);
        w.WriteStartArray("manifests");
        foreach (var d in manifests)
        {
            w.WriteStartObject();
            w.WriteString("mediaType", d.MediaType);
            w.WriteString("digest", d.Digest.ToString());
            w.WriteNumber("size", d.Size);
            if (d.ArtifactType is not null) w.WriteString("artifactType", d.ArtifactType);
            if (d.Annotations is { Count: > 0 } a)
            {
                w.WriteStartObject("annotations");
                foreach (var (k, v) in a) w.WriteString(k, v);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    public static byte[] Token(string token, int expiresIn, DateTimeOffset issuedAt) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("token", token);
        w.WriteString("access_token", token);
        w.WriteNumber("expires_in", expiresIn);
        w.WriteString("issued_at", issuedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
        w.WriteEndObject();
    });

    static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer)) body(w);
        return buffer.WrittenSpan.ToArray();
    }
}
