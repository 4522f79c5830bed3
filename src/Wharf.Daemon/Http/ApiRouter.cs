namespace Wharf.Daemon.Http;

/// <summary>
/// Routes Engine API requests by method and path template. `{name}` matches one segment, `{name*}` one
/// or more (image names contain slashes: /images/localhost:5000/app/json). A `/v1.NN` prefix is
/// stripped and checked against the supported range first.
/// </summary>
public sealed class ApiRouter
{
    private sealed record Route(string Method, string[] Segments, int CatchAll, Func<ApiContext, Task> Handler);

    private readonly List<Route> _routes = [];

    public void Map(string method, string template, Func<ApiContext, Task> handler)
    {
        var segs = template.Trim('/').Split('/');
        int catchAll = Array.FindIndex(segs, s => s.EndsWith("*}", StringComparison.Ordinal));
        _routes.Add(new Route(method, segs, catchAll, handler));
    }

    public void Get(string t, Func<ApiContext, Task> h) => Map("GET", t, h);
    public void Post(string t, Func<ApiContext, Task> h) => Map("POST", t, h);
    public void Delete(string t, Func<ApiContext, Task> h) => Map("DELETE", t, h);
    public void Head(string t, Func<ApiContext, Task> h) => Map("HEAD", t, h);
    public void Put(string t, Func<ApiContext, Task> h) => Map("PUT", t, h);

    /// <summary>Finds the handler; sets <paramref name="methodMismatch"/> when the path exists with other methods.</summary>
    public Func<ApiContext, Task>? Match(string method, string path, Dictionary<string, string> values, out bool methodMismatch)
    {
        methodMismatch = false;
        var segs = path.Trim('/').Split('/');
        foreach (var r in _routes)
        {
            values.Clear();
            if (!SegmentsMatch(r, segs, values)) continue;
            if (r.Method == method || (method == "HEAD" && r.Method == "GET")) return r.Handler;
            // A catch-all template (DELETE /images/{name*}) says nothing about other paths under it.
            if (r.CatchAll < 0) methodMismatch = true;
        }
        return null;
    }

    private static bool SegmentsMatch(Route r, string[] segs, Dictionary<string, string> values)
    {
        if (r.CatchAll < 0 ? segs.Length != r.Segments.Length : segs.Length < r.Segments.Length) return false;
        int extra = segs.Length - r.Segments.Length;
        for (int i = 0, j = 0; i < r.Segments.Length; i++, j++)
        {
            var t = r.Segments[i];
            if (i == r.CatchAll)
            {
                values[t[1..^2]] = Uri.UnescapeDataString(string.Join('/', segs[j..(j + extra + 1)]));
                j += extra;
                continue;
            }
            if (t.StartsWith('{'))
            {
                if (segs[j].Length == 0) return false;
                values[t[1..^1]] = Uri.UnescapeDataString(segs[j]);
            }
            else if (!string.Equals(t, segs[j], StringComparison.Ordinal)) return false;
        }
        return true;
    }
}
