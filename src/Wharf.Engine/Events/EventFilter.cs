using Wharf.Api.Models;

namespace Wharf.Engine.Events;

/// <summary>The `filters` of GET /events: type, event, label, image, container (and name aliases).</summary>
public sealed class EventFilter(Dictionary<string, List<string>> filters)
{
    public bool Matches(EventMessage e)
    {
        foreach (var (key, values) in filters)
        {
            if (values.Count == 0) continue;
            bool ok = key switch
            {
                "type" => values.Contains(e.Type),
                "event" or "action" => values.Any(v => v == e.Action || e.Action.StartsWith(v + ":", StringComparison.Ordinal)),
                "label" => values.Any(v => LabelMatches(e, v)),
                "image" => values.Any(v => MatchesImage(e, v)),
                "container" => e.Type == "container" && values.Any(v => IdOrName(e, v)),
                "volume" => e.Type == "volume" && values.Any(v => IdOrName(e, v)),
                "network" => e.Type == "network" && values.Any(v => IdOrName(e, v)),
                "scope" => values.Contains(e.Scope),
                _ => true,
            };
            if (!ok) return false;
        }
        return true;
    }

    private static bool IdOrName(EventMessage e, string v) =>
        e.Actor.ID == v || e.Actor.ID.StartsWith(v, StringComparison.Ordinal) ||
        (e.Actor.Attributes.TryGetValue("name", out var n) && n == v);

    private static bool MatchesImage(EventMessage e, string v)
    {
        if (e.Type == "image") return IdOrName(e, v) || Strip(e.Actor.ID) == Strip(v) ||
            (e.Actor.Attributes.TryGetValue("name", out var n) && (n == v || n == v + ":latest"));
        return e.Actor.Attributes.TryGetValue("image", out var img) && (img == v || img == v + ":latest");
    }

    private static string Strip(string s) => s.StartsWith("sha256:", StringComparison.Ordinal) ? s[7..] : s;

    private static bool LabelMatches(EventMessage e, string v)
    {
        var eq = v.IndexOf('=');
        if (eq < 0) return e.Actor.Attributes.ContainsKey(v);
        return e.Actor.Attributes.TryGetValue(v[..eq], out var val) && val == v[(eq + 1)..];
    }
}
