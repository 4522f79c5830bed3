namespace Wharf.Registry.Auth;

/// <summary>One access scope of the token protocol: "repository:NAME:pull,push" or "registry:catalog:*".</summary>
public sealed record Scope(string Type, string Name, IReadOnlyList<string> Actions)
{
    public override string ToString() => $"{Type}:{Name}:{string.Join(',', Actions)}";

    /// <summary>Parses a scope; the name may itself contain ':' (a registry host with a port), so type is the first field and actions the last.</summary>
    public static bool TryParse(string s, out Scope scope)
    {
        scope = null!;
        var first = s.IndexOf(':');
        var last = s.LastIndexOf(':');
        if (first <= 0 || last == first) return false;
        var actions = s[(last + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        scope = new Scope(s[..first], s[(first + 1)..last], actions);
        return scope.Name.Length > 0;
    }

    /// <summary>Several scopes in one parameter are separated by spaces (docker sends them so).</summary>
    public static List<Scope> ParseAll(IEnumerable<string> values)
    {
        var list = new List<Scope>();
        foreach (var v in values)
            foreach (var part in v.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                if (TryParse(part, out var s)) list.Add(s);
        return list;
    }
}
