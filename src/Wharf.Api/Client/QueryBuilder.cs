using System.Text;

namespace Wharf.Api.Client;

/// <summary>Builds a URL query string with RFC 3986 escaping, keeping insertion order.</summary>
public sealed class QueryBuilder
{
    readonly StringBuilder _sb = new();

    public QueryBuilder Add(string key, string? value)
    {
        if (value is null) return this;
        _sb.Append(_sb.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        return this;
    }

    public QueryBuilder AddIf(bool condition, string key, string value) => condition ? Add(key, value) : this;

    public QueryBuilder AddNonEmpty(string key, string? value) => string.IsNullOrEmpty(value) ? this : Add(key, value);

    public override string ToString() => _sb.ToString();
}
