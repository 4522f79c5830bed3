using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Wharf.Registry.Protocol;

namespace Wharf.Registry.Tests.Http;

/// <summary>The distribution spec's endpoints, status codes, headers and error codes, over real HTTP.</summary>
public class DistributionApiTests : IAsyncLifetime
{
    TestRegistry _r = null!;
    HttpClient Http => _r.Http;

    public async Task InitializeAsync() => _r = await TestRegistry.StartAsync();
    public async Task DisposeAsync() => await _r.DisposeAsync();

    [Fact]
    public async Task Base_endpoint_announces_the_api_version()
    {
        var r = await Http.GetAsync("/v2/");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("registry/2.0", r.Headers.GetValues("Docker-Distribution-API-Version").Single());
    }

    [Fact]
    public async Task Monolithic_upload_then_HEAD_and_GET_with_range()
    {
        var content = Encoding.UTF8.GetBytes("0123456789abcdef");
        var d = await _r.PushBlobAsync("lib/x", content);
        var head = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/lib/x/blobs/{d}"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(16, head.Content.Headers.ContentLength);
        Assert.Equal(d.ToString(), head.Headers.GetValues("Docker-Content-Digest").Single());

        var req = new HttpRequestMessage(HttpMethod.Get, $"/v2/lib/x/blobs/{d}");
        req.Headers.Range = new RangeHeaderValue(4, 7);
        var part = await Http.SendAsync(req);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal("4567", await part.Content.ReadAsStringAsync());
        Assert.Equal("bytes 4-7/16", part.Content.Headers.ContentRange!.ToString());

        var bad = new HttpRequestMessage(HttpMethod.Get, $"/v2/lib/x/blobs/{d}");
        bad.Headers.Range = new RangeHeaderValue(100, 200);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, (await Http.SendAsync(bad)).StatusCode);

        Assert.Equal("0123456789abcdef", await Http.GetStringAsync($"/v2/lib/x/blobs/{d}"));
    }

    [Fact]
    public async Task A_blob_HEAD_waits_for_a_running_collection()
    {
        var d = await _r.PushBlobAsync("lib/x", "layer"u8.ToArray());
        var gc = await Wharf.Registry.Storage.GcLock.AcquireAsync(_r.DataRoot, exclusive: true);
        var head = Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/lib/x/blobs/{d}"));
        await Task.Delay(300);
        Assert.False(head.IsCompleted);
        gc.Dispose();
        Assert.Equal(HttpStatusCode.OK, (await head.WaitAsync(TimeSpan.FromSeconds(10))).StatusCode);
        // Pulls do not wait.
        using (await Wharf.Registry.Storage.GcLock.AcquireAsync(_r.DataRoot, exclusive: true))
            Assert.Equal("layer", await Http.GetStringAsync($"/v2/lib/x/blobs/{d}").WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Unknown_blob_is_BLOB_UNKNOWN_and_bad_digest_is_DIGEST_INVALID()
    {
        var r = await Http.GetAsync($"/v2/lib/x/blobs/{Digest.Sha256("nope"u8)}");
        Assert.Equal((HttpStatusCode.NotFound, ErrorCodes.BlobUnknown), (r.StatusCode, await TestRegistry.ErrorCodeAsync(r)));
        r = await Http.GetAsync("/v2/lib/x/blobs/sha256:xyz");
        Assert.Equal((HttpStatusCode.BadRequest, ErrorCodes.DigestInvalid), (r.StatusCode, await TestRegistry.ErrorCodeAsync(r)));
    }

    [Fact]
    public async Task Chunked_resumable_upload()
    {
        var content = new byte[100_000];
        Random.Shared.NextBytes(content);
        var start = await Http.PostAsync("/v2/chunky/blobs/uploads/", null);
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var location = start.Headers.Location!.ToString();
        Assert.Equal("0-0", start.Headers.GetValues("Range").Single());
        Assert.NotEmpty(start.Headers.GetValues("Docker-Upload-UUID").Single());

        async Task<HttpResponseMessage> Patch(int from, int to)
        {
            var c = new ByteArrayContent(content[from..to]);
            c.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            c.Headers.TryAddWithoutValidation("Content-Range", $"{from}-{to - 1}");
            return await Http.PatchAsync(location, c);
        }
        var p1 = await Patch(0, 40_000);
        Assert.Equal(HttpStatusCode.Accepted, p1.StatusCode);
        Assert.Equal("0-39999", p1.Headers.GetValues("Range").Single());

        var outOfOrder = await Patch(50_000, 60_000);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, outOfOrder.StatusCode);

        var status = await Http.GetAsync(location);
        Assert.Equal(HttpStatusCode.NoContent, status.StatusCode);
        Assert.Equal("0-39999", status.Headers.GetValues("Range").Single());

        Assert.Equal(HttpStatusCode.Accepted, (await Patch(40_000, 100_000)).StatusCode);
        var d = Digest.Sha256(content);
        var done = await Http.PutAsync(location + "?digest=" + d, null);
        Assert.Equal(HttpStatusCode.Created, done.StatusCode);
        Assert.Equal($"/v2/chunky/blobs/{d}", done.Headers.Location!.ToString());
        Assert.Equal(content, await Http.GetByteArrayAsync($"/v2/chunky/blobs/{d}"));
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync(location)).StatusCode);
    }

    [Fact]
    public async Task A_corrupted_upload_is_refused_and_no_blob_is_visible()
    {
        var claimed = Digest.Sha256("the real content"u8);
        var r = await Http.PostAsync($"/v2/lib/x/blobs/uploads/?digest={claimed}", new ByteArrayContent("the real c0ntent"u8.ToArray()));
        Assert.Equal((HttpStatusCode.BadRequest, ErrorCodes.DigestInvalid), (r.StatusCode, await TestRegistry.ErrorCodeAsync(r)));
        Assert.Equal(HttpStatusCode.NotFound, (await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/lib/x/blobs/{claimed}"))).StatusCode);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_r.DataRoot, "blobs"), "*", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_r.DataRoot, "uploads")));
    }

    [Fact]
    public async Task Completing_without_a_digest_is_DIGEST_INVALID_and_cancel_forgets_the_upload()
    {
        var start = await Http.PostAsync("/v2/a/blobs/uploads/", null);
        var location = start.Headers.Location!.ToString();
        var r = await Http.PutAsync(location, null);
        Assert.Equal(ErrorCodes.DigestInvalid, await TestRegistry.ErrorCodeAsync(r));
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync(location)).StatusCode);
        r = await Http.GetAsync(location);
        Assert.Equal((HttpStatusCode.NotFound, ErrorCodes.BlobUploadUnknown), (r.StatusCode, await TestRegistry.ErrorCodeAsync(r)));
    }

    [Fact]
    public async Task Cross_repository_mount()
    {
        var d = await _r.PushBlobAsync("src/app", "shared layer"u8.ToArray());
        var r = await Http.PostAsync($"/v2/dst/app/blobs/uploads/?mount={d}&from=src/app", null);
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        Assert.Equal($"/v2/dst/app/blobs/{d}", r.Headers.Location!.ToString());
        Assert.Equal("shared layer", await Http.GetStringAsync($"/v2/dst/app/blobs/{d}"));
        // A source without the blob falls back to a plain upload session.
        var fallback = await Http.PostAsync($"/v2/dst/other/blobs/uploads/?mount={Digest.Sha256("x"u8)}&from=src/app", null);
        Assert.Equal(HttpStatusCode.Accepted, fallback.StatusCode);
    }

    [Fact]
    public async Task Manifests_by_tag_and_digest_with_their_headers()
    {
        var (digest, body) = await _r.PushImageAsync("lib/app", "v1", "layer-1");
        foreach (var reference in new[] { "v1", digest.ToString() })
        {
            var req = new HttpRequestMessage(HttpMethod.Get, $"/v2/lib/app/manifests/{reference}");
            req.Headers.Accept.ParseAdd(MediaTypes.OciManifest);
            var r = await Http.SendAsync(req);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal(MediaTypes.OciManifest, r.Content.Headers.ContentType!.MediaType);
            Assert.Equal(digest.ToString(), r.Headers.GetValues("Docker-Content-Digest").Single());
            Assert.Equal(body, await r.Content.ReadAsStringAsync());
        }
        var head = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v2/lib/app/manifests/v1"));
        Assert.Equal(body.Length, head.Content.Headers.ContentLength);
        var missing = await Http.GetAsync("/v2/lib/app/manifests/v9");
        Assert.Equal((HttpStatusCode.NotFound, ErrorCodes.ManifestUnknown), (missing.StatusCode, await TestRegistry.ErrorCodeAsync(missing)));
    }

    [Fact]
    public async Task A_manifest_referencing_a_missing_blob_is_MANIFEST_BLOB_UNKNOWN()
    {
        var config = await _r.PushBlobAsync("a", "{}"u8.ToArray());
        var ghost = Digest.Sha256("never pushed"u8);
        var body = $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.DockerManifest}}","config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"{{config}}","size":2},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","digest":"{{ghost}}","size":12}]}""";
        var r = await Http.PutAsync("/v2/a/manifests/v1", TestRegistry.Json(body, MediaTypes.DockerManifest));
        Assert.Equal((HttpStatusCode.BadRequest, ErrorCodes.ManifestBlobUnknown), (r.StatusCode, await TestRegistry.ErrorCodeAsync(r)));
        Assert.Contains(ghost.ToString(), await r.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/v2/a/manifests/v1")).StatusCode);
    }

    [Fact]
    public async Task An_index_is_negotiated_down_to_the_amd64_manifest_for_clients_that_cannot_take_it()
    {
        var (amd, amdBody) = await _r.PushImageAsync("multi", amdDigestRef, "amd64 layer");
        var (arm, _) = await _r.PushImageAsync("multi", armDigestRef, "arm64 layer");
        var index = $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciIndex}}","manifests":[{"mediaType":"{{MediaTypes.OciManifest}}","digest":"{{arm}}","size":1,"platform":{"os":"linux","architecture":"arm64"} },{"mediaType":"{{MediaTypes.OciManifest}}","digest":"{{amd}}","size":1,"platform":{"os":"linux","architecture":"amd64"} }]}""";
        Assert.Equal(HttpStatusCode.Created, (await Http.PutAsync("/v2/multi/manifests/latest", TestRegistry.Json(index, MediaTypes.OciIndex))).StatusCode);

        var asIndex = new HttpRequestMessage(HttpMethod.Get, "/v2/multi/manifests/latest");
        asIndex.Headers.Accept.ParseAdd(MediaTypes.OciIndex);
        asIndex.Headers.Accept.ParseAdd(MediaTypes.OciManifest);
        Assert.Equal(MediaTypes.OciIndex, (await Http.SendAsync(asIndex)).Content.Headers.ContentType!.MediaType);

        var manifestOnly = new HttpRequestMessage(HttpMethod.Get, "/v2/multi/manifests/latest");
        manifestOnly.Headers.Accept.ParseAdd(MediaTypes.OciManifest);
        var r = await Http.SendAsync(manifestOnly);
        Assert.Equal(amd.ToString(), r.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(amdBody, await r.Content.ReadAsStringAsync());
    }

    const string amdDigestRef = "amd", armDigestRef = "arm";

    [Fact]
    public async Task An_index_naming_a_manifest_not_in_the_repository_is_refused()
    {
        var index = $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciIndex}}","manifests":[{"mediaType":"{{MediaTypes.OciManifest}}","digest":"{{Digest.Sha256("x"u8)}}","size":1}]}""";
        var r = await Http.PutAsync("/v2/multi/manifests/latest", TestRegistry.Json(index, MediaTypes.OciIndex));
        Assert.Equal(ErrorCodes.ManifestBlobUnknown, await TestRegistry.ErrorCodeAsync(r));
    }

    [Fact]
    public async Task Push_by_digest_checks_the_digest()
    {
        var (_, body) = await _r.PushImageAsync("a", "v1", "l");
        var r = await Http.PutAsync($"/v2/a/manifests/{Digest.Sha256("other"u8)}", TestRegistry.Json(body, MediaTypes.OciManifest));
        Assert.Equal(ErrorCodes.DigestInvalid, await TestRegistry.ErrorCodeAsync(r));
        r = await Http.PutAsync("/v2/a/manifests/v2", TestRegistry.Json("{nope", MediaTypes.OciManifest));
        Assert.Equal(ErrorCodes.ManifestInvalid, await TestRegistry.ErrorCodeAsync(r));
    }

    [Fact]
    public async Task Tags_list_paginates_with_a_Link_header()
    {
        foreach (var t in new[] { "c", "a", "b" }) await _r.PushImageAsync("paged", t, "same layer");
        var r = await Http.GetAsync("/v2/paged/tags/list?n=2");
        Assert.Equal("</v2/paged/tags/list?n=2&last=b>; rel=\"next\"", r.Headers.GetValues("Link").Single());
        using (var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync()))
        {
            Assert.Equal("paged", doc.RootElement.GetProperty("name").GetString());
            Assert.Equal(["a", "b"], doc.RootElement.GetProperty("tags").EnumerateArray().Select(e => e.GetString()));
        }
        r = await Http.GetAsync("/v2/paged/tags/list?n=2&last=b");
        Assert.False(r.Headers.Contains("Link"));
        Assert.Contains("\"tags\":[\"c\"]", await r.Content.ReadAsStringAsync());
        var unknown = await Http.GetAsync("/v2/nothing/here/tags/list");
        Assert.Equal((HttpStatusCode.NotFound, ErrorCodes.NameUnknown), (unknown.StatusCode, await TestRegistry.ErrorCodeAsync(unknown)));
    }

    [Fact]
    public async Task Catalog_lists_repositories_with_pagination()
    {
        foreach (var repo in new[] { "z/one", "a/two", "m" }) await _r.PushBlobAsync(repo, Encoding.UTF8.GetBytes(repo));
        Assert.Contains("\"repositories\":[\"a/two\",\"m\",\"z/one\"]", await Http.GetStringAsync("/v2/_catalog"));
        var r = await Http.GetAsync("/v2/_catalog?n=1&last=a/two");
        Assert.Contains("[\"m\"]", await r.Content.ReadAsStringAsync());
        Assert.Contains("last=m", r.Headers.GetValues("Link").Single());
    }

    [Fact]
    public async Task Referrers_list_manifests_whose_subject_is_the_digest()
    {
        var (subject, body) = await _r.PushImageAsync("app", "v1", "image layer");
        var subjectJson = $$""","subject":{"mediaType":"{{MediaTypes.OciManifest}}","digest":"{{subject}}","size":{{body.Length}}},"artifactType":"application/vnd.example.sbom","annotations":{"org.example":"yes"}""";
        var (sbom, _) = await _r.PushImageAsync("app", "sbom", "sbom layer", subjectJson);
        var put = await Http.GetAsync($"/v2/app/referrers/{subject}");
        Assert.Equal(MediaTypes.OciIndex, put.Content.Headers.ContentType!.MediaType);
        using (var doc = JsonDocument.Parse(await put.Content.ReadAsStringAsync()))
        {
            var m = Assert.Single(doc.RootElement.GetProperty("manifests").EnumerateArray());
            Assert.Equal(sbom.ToString(), m.GetProperty("digest").GetString());
            Assert.Equal("application/vnd.example.sbom", m.GetProperty("artifactType").GetString());
            Assert.Equal("yes", m.GetProperty("annotations").GetProperty("org.example").GetString());
        }
        var filtered = await Http.GetAsync($"/v2/app/referrers/{subject}?artifactType=application/other");
        Assert.Equal("artifactType", filtered.Headers.GetValues("OCI-Filters-Applied").Single());
        Assert.Contains("\"manifests\":[]", await filtered.Content.ReadAsStringAsync());

        // Deleting the referrer takes it out of the list.
        Assert.Equal(HttpStatusCode.Accepted, (await Http.DeleteAsync($"/v2/app/manifests/{sbom}")).StatusCode);
        Assert.Contains("\"manifests\":[]", await Http.GetStringAsync($"/v2/app/referrers/{subject}"));
    }

    [Fact]
    public async Task The_subject_header_answers_a_push_with_a_subject()
    {
        var (subject, body) = await _r.PushImageAsync("app", "v1", "l");
        var config = await _r.PushBlobAsync("app", "{}"u8.ToArray());
        var sig = $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{"mediaType":"application/x","digest":"{{config}}","size":2},"layers":[],"subject":{"mediaType":"{{MediaTypes.OciManifest}}","digest":"{{subject}}","size":{{body.Length}} } }""";
        var r = await Http.PutAsync($"/v2/app/manifests/{Digest.Sha256(Encoding.UTF8.GetBytes(sig))}", TestRegistry.Json(sig, MediaTypes.OciManifest));
        Assert.Equal(subject.ToString(), r.Headers.GetValues("OCI-Subject").Single());
    }

    [Fact]
    public async Task Delete_tag_manifest_and_blob()
    {
        var (digest, _) = await _r.PushImageAsync("del", "v1", "layer to delete");
        await _r.PushImageAsync("del", "v2", "layer to delete");
        Assert.Equal(HttpStatusCode.Accepted, (await Http.DeleteAsync("/v2/del/manifests/v2")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync($"/v2/del/manifests/{digest}")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Http.DeleteAsync($"/v2/del/manifests/{digest}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/v2/del/manifests/v1")).StatusCode);
        var layer = Digest.Sha256("layer to delete"u8);
        Assert.Equal(HttpStatusCode.Accepted, (await Http.DeleteAsync($"/v2/del/blobs/{layer}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.DeleteAsync($"/v2/del/blobs/{layer}")).StatusCode);
    }

    [Theory]
    [InlineData("/v2/Upper/tags/list")]
    [InlineData("/v2/a/../b/tags/list")]
    [InlineData("/v2/a..b/manifests/latest")]
    [InlineData("/v2/a%2Fb/tags/list")]
    public async Task Bad_names_are_NAME_INVALID(string path)
    {
        // Sent as written: HttpClient would otherwise resolve the dot segments itself.
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync("127.0.0.1", _r.Http.BaseAddress!.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
        var reply = await new StreamReader(stream).ReadToEndAsync();
        Assert.StartsWith("HTTP/1.1 400", reply);
        Assert.Contains(ErrorCodes.NameInvalid, reply);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_r.DataRoot, "repositories")));
    }

    [Fact]
    public async Task Unsupported_methods_and_paths_answer_with_error_bodies()
    {
        var r = await Http.PostAsync("/v2/a/tags/list", null);
        Assert.Equal((HttpStatusCode.MethodNotAllowed, ErrorCodes.Unsupported), (r.StatusCode, await TestRegistry.ErrorCodeAsync(r)));
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/v1/whatever")).StatusCode);
        r = await Http.GetAsync("/token");
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
    }
}
