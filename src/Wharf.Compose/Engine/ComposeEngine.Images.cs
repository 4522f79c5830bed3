using System.Formats.Tar;
using System.Text.Json.Nodes;
using Wharf.Api.Client;
using Wharf.Compose.Api;
using Wharf.Compose.Model;

namespace Wharf.Compose.Engine;

public sealed partial class ComposeEngine
{
    /// <summary>pull -q, push -q, up --quiet-pull: no Pulling/Pushing lines.</summary>
    public bool QuietTransfers { get; set; }

    /// <summary>Build output lines (build's "Step 1/3 ..."), for the CLI to show.</summary>
    public Action<string>? BuildOutput { get; set; }

    /// <summary>
    /// Pulls and builds as the pull policy says (<paramref name="pull"/>, `up --pull`, overrides the files'): always
    /// pulls first (a service that can be built falls back to its build), build builds every time, never refuses a
    /// missing image it cannot build, missing (the default) pulls or builds only what is not there.
    /// </summary>
    async Task EnsureImagesAsync(List<ServiceConfig> services, bool build, bool noBuild, CancellationToken ct, string? pull = null)
    {
        foreach (var s in services)
        {
            var image = s.ImageName(project.Name);
            var policy = PullPolicies.Effective(pull, s.PullPolicy);
            var present = await ImageIdAsync(image, ct).ConfigureAwait(false) is not null;
            var changed = false;
            if (policy == PullPolicies.Always && s.Image is not null)
            {
                try
                {
                    await PullServiceAsync(s, ct).ConfigureAwait(false);
                    present = changed = true;
                }
                catch (ComposeException) when (s.Build is not null && !noBuild) { }
            }
            if (s.Build is not null && !noBuild && (build || policy == PullPolicies.Build || !present))
            {
                await BuildServiceAsync(s, noCache: false, pull: false, ct).ConfigureAwait(false);
                changed = true;
            }
            else if (!present)
            {
                if (s.Build is not null) throw new ComposeException($"image {image} not found and --no-build given for service {s.Name}");
                if (policy == PullPolicies.Never) throw new ComposeException($"image {image} not found and pull policy is never for service {s.Name}");
                await PullServiceAsync(s, ct).ConfigureAwait(false);
                changed = true;
            }
            // Built or pulled: the id is a new one.
            if (changed) _imageIds.TryRemove(image, out _);
        }
    }

    public async Task BuildAsync(IReadOnlyCollection<string> services, bool noCache, bool pull, Dictionary<string, string> buildArgs, CancellationToken ct)
    {
        foreach (var s in Select(services).Where(s => s.Build is not null))
            await BuildServiceAsync(s, noCache, pull, ct, buildArgs).ConfigureAwait(false);
    }

    async Task BuildServiceAsync(ServiceConfig s, bool noCache, bool pull, CancellationToken ct, Dictionary<string, string>? extraArgs = null)
    {
        var b = s.Build!;
        var image = s.ImageName(project.Name);
        if (!Directory.Exists(b.Context)) throw new ComposeException($"building {s.Name}: build context {b.Context} does not exist");
        progress($" Service {s.Name}  Building");
        var args = new JsonObject();
        foreach (var (k, v) in b.Args) if (v is not null) args[k] = v;
        foreach (var (k, v) in extraArgs ?? []) args[k] = v;
        var labels = new JsonObject();
        foreach (var (k, v) in b.Labels) labels[k] = v;
        var dockerfile = b.Dockerfile;
        var query = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["t"] = image, ["dockerfile"] = b.DockerfileInline is null ? dockerfile : ".wharf-compose.Dockerfile",
            ["buildargs"] = args.ToJsonString(), ["labels"] = labels.ToJsonString(), ["rm"] = "1", ["forcerm"] = "1",
        };
        if (b.Target is not null) query["target"] = b.Target;
        if (noCache || b.NoCache) query["nocache"] = "1";
        if (pull || b.Pull) query["pull"] = "1";
        if (b.Network is not null) query["networkmode"] = b.Network;
        var tar = Path.GetTempFileName();
        try
        {
            await using (var file = File.Create(tar)) await WriteContextAsync(b, file, ct).ConfigureAwait(false);
            await using var context = File.OpenRead(tar);
            await client.BuildImageAsync(context, query, line => BuildOutput?.Invoke(line), ct).ConfigureAwait(false);
        }
        catch (WharfApiException e)
        {
            throw new ComposeException($"failed to build {s.Name}: {e.Message}");
        }
        finally
        {
            File.Delete(tar);
        }
        foreach (var tag in b.Tags) await client.TagImageAsync(image, tag.Split(':')[0], tag.Contains(':') ? tag[(tag.LastIndexOf(':') + 1)..] : null, ct).ConfigureAwait(false);
        progress($" Service {s.Name}  Built");
    }

    /// <summary>The build context as a tar, leaving out what .dockerignore names (exact paths and simple globs).</summary>
    static async Task WriteContextAsync(BuildConfig b, Stream output, CancellationToken ct)
    {
        var ignore = DockerIgnore.Load(b.Context);
        await using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var path in Directory.EnumerateFileSystemEntries(b.Context, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).Order(StringComparer.Ordinal))
        {
            var rel = Path.GetRelativePath(b.Context, path);
            if (ignore.Excludes(rel) && rel != b.Dockerfile) continue;
            await writer.WriteEntryAsync(path, rel, ct).ConfigureAwait(false);
        }
        if (b.DockerfileInline is not null)
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, ".wharf-compose.Dockerfile")
            {
                DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(b.DockerfileInline)),
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            };
            await writer.WriteEntryAsync(entry, ct).ConfigureAwait(false);
        }
    }

    public async Task PullAsync(IReadOnlyCollection<string> services, bool ignoreFailures, CancellationToken ct)
    {
        foreach (var s in Select(services).Where(s => s.Image is not null))
        {
            try
            {
                await PullServiceAsync(s, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (ignoreFailures && e is WharfApiException or ComposeException)
            {
                progress($" {s.Name} Warning {e.Message}");
            }
        }
    }

    async Task PullServiceAsync(ServiceConfig s, CancellationToken ct)
    {
        var image = s.ImageName(project.Name);
        var (repo, tag) = SplitTag(image);
        if (!QuietTransfers) progress($" {s.Name} Pulling");
        try
        {
            await foreach (var m in client.PullImageAsync(repo, tag, s.Platform, AuthFor(image), ct).ConfigureAwait(false))
                if (m.Error is { Length: > 0 } err) throw new ComposeException($"pulling {image} for service {s.Name}: {err}");
        }
        catch (WharfApiException e)
        {
            throw new ComposeException($"pulling {image} for service {s.Name}: {e.Message}");
        }
        if (!QuietTransfers) progress($" {s.Name} Pulled");
    }

    public async Task PushAsync(IReadOnlyCollection<string> services, bool ignoreFailures, CancellationToken ct)
    {
        foreach (var s in Select(services).Where(s => s.Build is not null || s.Image is not null))
        {
            var image = s.ImageName(project.Name);
            var (repo, tag) = SplitTag(image);
            try
            {
                if (!QuietTransfers) progress($" {s.Name} Pushing");
                await foreach (var m in client.PushImageAsync(repo, tag, AuthFor(image), ct).ConfigureAwait(false))
                    if (m.Error is { Length: > 0 } err) throw new WharfApiException(500, err);
                if (!QuietTransfers) progress($" {s.Name} Pushed");
            }
            catch (WharfApiException e) when (ignoreFailures)
            {
                progress($" {s.Name} Warning {e.Message}");
            }
        }
    }

    static (string Repo, string? Tag) SplitTag(string image)
    {
        var at = image.IndexOf('@');
        if (at >= 0) return (image[..at], image[(at + 1)..]);
        var colon = image.LastIndexOf(':');
        return colon > image.LastIndexOf('/') && colon >= 0 ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
    }

    /// <summary>down --rmi: local removes images built by the project (no custom image:), all every service image.</summary>
    async Task RemoveImagesAsync(string mode, CancellationToken ct)
    {
        if (mode is not ("local" or "all")) throw new ComposeException($"invalid --rmi value \"{mode}\": use local or all");
        foreach (var s in project.Services)
        {
            if (mode == "local" && s.Image is not null) continue;
            var image = s.ImageName(project.Name);
            try
            {
                await client.RemoveImageAsync(image, ct: ct).ConfigureAwait(false);
                progress($" Image {image}  Removed");
            }
            catch (WharfApiException e) when (e.StatusCode == 404) { }
        }
    }
}
