using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Wharf.Api.Models;

// Docker (Go) reads `null` into a number or bool field as "leave the zero value"; clients written
// against it send nulls and, now and then, numbers as strings. These converters accept both on
// request fields that are not nullable in the swagger, and always write plain JSON numbers/bools.

/// <summary>An int64 field that reads null as 0 and accepts a numeric string.</summary>
public sealed class LenientInt64Converter : JsonConverter<long>
{
    public override bool HandleNull => true;

    public override long Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return 0;
            case JsonTokenType.Number:
                if (reader.TryGetInt64(out var l)) return l;
                // Large unsigned values (e.g. 2^64-1 for "unlimited") saturate.
                return reader.TryGetUInt64(out _) ? long.MaxValue : (long)reader.GetDouble();
            case JsonTokenType.String:
                var span = reader.ValueSpan;
                if (Utf8Parser.TryParse(span, out long s, out var used) && used == span.Length) return s;
                throw new JsonException($"invalid number \"{reader.GetString()}\"");
            default:
                throw new JsonException($"expected a number, got {reader.TokenType}");
        }
    }

    public override void Write(Utf8JsonWriter writer, long value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
}

/// <summary>An int32 field that reads null as 0 and accepts a numeric string.</summary>
public sealed class LenientInt32Converter : JsonConverter<int>
{
    public override bool HandleNull => true;

    public override int Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var v = new LenientInt64Converter().Read(ref reader, typeof(long), options);
        if (v is < int.MinValue or > int.MaxValue) throw new JsonException($"number {v} is out of range");
        return (int)v;
    }

    public override void Write(Utf8JsonWriter writer, int value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
}

/// <summary>A bool field that reads null as false and accepts "true"/"false"/"1"/"0" strings.</summary>
public sealed class LenientBoolConverter : JsonConverter<bool>
{
    public override bool HandleNull => true;

    public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Null => false,
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.Number => reader.GetInt64() != 0,
        JsonTokenType.String => reader.GetString() switch
        {
            "true" or "True" or "TRUE" or "1" or "t" or "T" => true,
            "false" or "False" or "FALSE" or "0" or "f" or "F" or "" => false,
            var s => throw new JsonException($"invalid boolean \"{s}\""),
        },
        _ => throw new JsonException($"expected a boolean, got {reader.TokenType}"),
    };

    public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options) => writer.WriteBooleanValue(value);
}

/// <summary>
/// Docker's StrSlice (Entrypoint, Cmd): a JSON array of strings, or a single string meaning a
/// one-element list, or null. `""` reads as `[""]`, which is how `--entrypoint ""` clears an entrypoint.
/// </summary>
public sealed class StrSliceConverter : JsonConverter<List<string>?>
{
    public override bool HandleNull => true;

    public override List<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return [reader.GetString()!];
            case JsonTokenType.StartArray:
                var list = new List<string>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    list.Add(reader.TokenType switch
                    {
                        JsonTokenType.String => reader.GetString()!,
                        JsonTokenType.Null => "",
                        _ => throw new JsonException("expected a string in the list"),
                    });
                }
                return list;
            default:
                throw new JsonException($"expected a string or a list of strings, got {reader.TokenType}");
        }
    }

    public override void Write(Utf8JsonWriter writer, List<string>? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }
        writer.WriteStartArray();
        foreach (var s in value) writer.WriteStringValue(s);
        writer.WriteEndArray();
    }
}
