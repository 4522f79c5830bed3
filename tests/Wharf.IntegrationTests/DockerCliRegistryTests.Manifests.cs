using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>The manifest a push sends: Docker schema 2 for a Docker image, the very manifest for a pulled one (OCI stays OCI).</summary>
public sealed partial class DockerCliRegistryTests
{
    private const string DockerManifestType = "application/vnd.docker.distribution.manifest.v2+json";
    private const string OciManifestType = "application/vnd.oci.image.manifest.v1+json";

    private static async Task<(string ContentType, string Digest, string Body)> ManifestAsync(HttpClient http, string host, string repo, string reference)
    {
        var req = new HttpRequestMessage(HttpMethod.Get, $"http://{host}/v2/{repo}/manifests/{reference}");
        foreach (var t in new[] { OciManifestType, DockerManifestType, "application/vnd.oci.image.index.v1+json" })
            req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(t));
        using var res = await http.SendAsync(req);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        return (res.Content.Headers.ContentType!.MediaType!, res.Headers.GetValues("Docker-Content-Digest").Single(), await res.Content.ReadAsStringAsync());
    }

    private async Task<string> RepoDigestsAsync(string name) => await Ok("image", "inspect", "--format", "{{json .RepoDigests}}", name);

    [Fact]
    public async Task A_docker_image_goes_up_as_schema_2_and_its_digest_round_trips()
    {
        await using var reg = await LocalRegistry.StartAsync();
        using var http = new HttpClient();
        var name = $"{reg.Host}/s2/busybox:1";
        await Ok("tag", "busybox:latest", name);
        var digest = PushedLine().Match(await Ok("push", name)).Groups[2].Value;
        var (type, served, body) = await ManifestAsync(http, reg.Host, "s2/busybox", "1");
        Assert.Equal((DockerManifestType, digest), (type, served));
        Assert.Contains("application/vnd.docker.container.image.v1+json", body);
        Assert.StartsWith("{\n   \"schemaVersion\": 2,\n   \"mediaType\": \"" + DockerManifestType + "\",", body);

        await Ok("rmi", name);
        Assert.Contains("Digest: " + digest, await Ok("pull", name));
        Assert.Contains($"\"{reg.Host}/s2/busybox@{digest}\"", await RepoDigestsAsync(name));

        // The pulled image pushed elsewhere keeps its manifest, so the same digest.
        var other = $"{reg.Host}/s2/copy:1";
        await Ok("tag", name, other);
        Assert.Equal(digest, PushedLine().Match(await Ok("push", other)).Groups[2].Value);
        await Ok("rmi", name, other);
    }

    [Fact]
    public async Task A_pulled_OCI_image_is_pushed_back_as_the_same_OCI_manifest()
    {
        await using var reg = await LocalRegistry.StartAsync();
        using var http = new HttpClient();
        // An image of its own (busybox's id would carry other tests' manifests).
        var source = $"{reg.Host}/src/busybox:1";
        await Ok("import", "--change", "LABEL test=oci-round-trip", TestImages.BusyboxRootfs, source);
        var schema2 = PushedLine().Match(await Ok("push", source)).Groups[2].Value;
        await Ok("rmi", source);

        // The same config and layers under an OCI manifest, written straight into another repository.
        var docker = JsonNode.Parse((await ManifestAsync(http, reg.Host, "src/busybox", schema2)).Body)!.AsObject();
        var digests = new[] { docker["config"]!["digest"]!.GetValue<string>() }
            .Concat(docker["layers"]!.AsArray().Select(l => l!["digest"]!.GetValue<string>()));
        foreach (var d in digests)
        {
            using var mount = await http.PostAsync($"http://{reg.Host}/v2/oci/busybox/blobs/uploads/?mount={d}&from=src/busybox", null);
            Assert.Equal(HttpStatusCode.Created, mount.StatusCode);
        }
        var oci = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciManifestType,
            ["config"] = new JsonObject
            {
                ["mediaType"] = "application/vnd.oci.image.config.v1+json",
                ["digest"] = docker["config"]!["digest"]!.GetValue<string>(), ["size"] = docker["config"]!["size"]!.GetValue<long>(),
            },
            ["layers"] = new JsonArray(docker["layers"]!.AsArray().Select(l => (JsonNode)new JsonObject
            {
                ["mediaType"] = "application/vnd.oci.image.layer.v1.tar",
                ["digest"] = l!["digest"]!.GetValue<string>(), ["size"] = l["size"]!.GetValue<long>(),
            }).ToArray()),
            ["annotations"] = new JsonObject { ["org.example.note"] = "made by the test" },
        };
        var content = new StringContent(oci.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(OciManifestType);
        using (var put = await http.PutAsync($"http://{reg.Host}/v2/oci/busybox/manifests/1", content))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var ociDigest = (await ManifestAsync(http, reg.Host, "oci/busybox", "1")).Digest;

        var pulled = $"{reg.Host}/oci/busybox:1";
        Assert.Contains("Digest: " + ociDigest, await Ok("pull", pulled));
        var again = $"{reg.Host}/oci/again:1";
        await Ok("tag", pulled, again);
        Assert.Equal(ociDigest, PushedLine().Match(await Ok("push", again)).Groups[2].Value);
        var (type, served, body) = await ManifestAsync(http, reg.Host, "oci/again", "1");
        Assert.Equal((OciManifestType, ociDigest), (type, served));
        Assert.Contains("made by the test", body);
        await Ok("rmi", pulled, again);
        Assert.Contains("Digest: " + ociDigest, await Ok("pull", again));
        Assert.Contains($"{reg.Host}/oci/again@{ociDigest}", await RepoDigestsAsync(again));
        await Ok("rmi", again);
    }
}
