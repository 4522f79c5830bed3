using System.Net.Http.Headers;
using System.Text;
using Wharf.Registry.Http;
using Wharf.Registry.Protocol;

namespace Wharf.Registry.Tests.Http;

/// <summary>A real registry server on a free loopback port over a temp root, and an HttpClient for it.</summary>
public sealed class TestRegistry : IAsyncDisposable
{
    RegistryServer _server = null!;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "wharf-regsrv-" + Guid.NewGuid().ToString("N")[..8]);
    public HttpClient Http { get; private set; } = null!;
    public List<string> Log { get; } = [];

    public static async Task<TestRegistry> StartAsync(string? htpasswd = null)
    {
        var r = new TestRegistry();
        Directory.CreateDirectory(r.Root);
        string? file = null;
        if (htpasswd is not null)
        {
            file = Path.Combine(r.Root, "htpasswd");
            await File.WriteAllTextAsync(file, htpasswd);
        }
        r._server = await RegistryServer.StartAsync(new RegistryOptions { Address = "127.0.0.1:0", Root = Path.Combine(r.Root, "data"), HtpasswdFile = file },
            l => { lock (r.Log) r.Log.Add(l); });
        r.Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{r._server.Port}") };
        return r;
    }

    public string DataRoot => Path.Combine(Root, "data");

    public async Task<Digest> PushBlobAsync(string repo, byte[] content)
    {
        var d = Digest.Sha256(content);
        var r = await Http.PostAsync($"/v2/{repo}/blobs/uploads/?digest={d}", new ByteArrayContent(content));
        Assert.Equal(System.Net.HttpStatusCode.Created, r.StatusCode);
        return d;
    }

    public static ByteArrayContent Json(string body, string mediaType)
    {
        var c = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        c.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return c;
    }

    /// <summary>Pushes a config, a layer and a manifest; returns the manifest's digest and body.</summary>
    public async Task<(Digest Digest, string Body)> PushImageAsync(string repo, string reference, string layerText, string? extra = null)
    {
        var configBytes = Encoding.UTF8.GetBytes("{\"os\":\"linux\",\"x\":\"" + layerText + "\"}");
        var config = await PushBlobAsync(repo, configBytes);
        var layerBytes = Encoding.UTF8.GetBytes(layerText);
        var layer = await PushBlobAsync(repo, layerBytes);
        var body = $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{config}}","size":{{configBytes.Length}}},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{{layer}}","size":{{layerBytes.Length}}}]{{extra}}}""";
        var r = await Http.PutAsync($"/v2/{repo}/manifests/{reference}", Json(body, MediaTypes.OciManifest));
        Assert.True(r.StatusCode == System.Net.HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        return (Digest.Sha256(Encoding.UTF8.GetBytes(body)), body);
    }

    public static async Task<string> ErrorCodeAsync(HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        using var doc = System.Text.Json.JsonDocument.Parse(text);
        return doc.RootElement.GetProperty("errors")[0].GetProperty("code").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _server.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
