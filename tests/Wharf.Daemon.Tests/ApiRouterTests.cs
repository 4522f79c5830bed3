using Wharf.Daemon.Http;

namespace Wharf.Daemon.Tests;

public class ApiRouterTests
{
    private static (ApiRouter Router, List<string> Hits) Router()
    {
        var hits = new List<string>();
        var r = new ApiRouter();
        foreach (var (m, t) in new[] { ("GET", "/images/json"), ("GET", "/images/{name*}/json"), ("DELETE", "/images/{name*}"),
                     ("POST", "/images/{name*}/tag"), ("GET", "/containers/{id}/json"), ("POST", "/images/load") })
            r.Map(m, t, _ => { hits.Add(m + " " + t); return Task.CompletedTask; });
        return (r, hits);
    }

    [Theory]
    [InlineData("GET", "/images/json", "GET /images/json", null, null)]
    [InlineData("GET", "/images/busybox/json", "GET /images/{name*}/json", "name", "busybox")]
    [InlineData("GET", "/images/localhost:5000/org/app:1/json", "GET /images/{name*}/json", "name", "localhost:5000/org/app:1")]
    [InlineData("DELETE", "/images/sha256:abc", "DELETE /images/{name*}", "name", "sha256:abc")]
    [InlineData("DELETE", "/images/my/app%3A1", "DELETE /images/{name*}", "name", "my/app:1")]
    [InlineData("POST", "/images/a/b/tag", "POST /images/{name*}/tag", "name", "a/b")]
    [InlineData("GET", "/containers/abc/json", "GET /containers/{id}/json", "id", "abc")]
    [InlineData("HEAD", "/images/json", "GET /images/json", null, null)]
    public void Matches_templates_with_catch_all_segments(string method, string path, string route, string? key, string? value)
    {
        var (r, hits) = Router();
        var values = new Dictionary<string, string>();
        var h = r.Match(method, path, values, out _);
        Assert.NotNull(h);
        h!(null!);
        Assert.Equal(route, hits.Single());
        if (key is not null) Assert.Equal(value, values[key]);
    }

    [Fact]
    public void Wrong_method_and_unknown_paths_are_told_apart()
    {
        var (r, _) = Router();
        Assert.Null(r.Match("PUT", "/images/json", [], out var mismatch));
        Assert.True(mismatch);
        Assert.Null(r.Match("GET", "/nothing/here", [], out mismatch));
        Assert.False(mismatch);
        Assert.Null(r.Match("GET", "/containers//json", [], out _));
    }

    [Theory]
    [InlineData("1.47", "1.47", 0)]
    [InlineData("1.9", "1.24", -1)]
    [InlineData("1.50", "1.47", 1)]
    [InlineData("2.0", "1.47", 1)]
    public void Versions_compare_numerically(string a, string b, int sign) => Assert.Equal(sign, Math.Sign(ApiServer.CompareVersions(a, b)));
}
