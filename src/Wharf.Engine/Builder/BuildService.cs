using System.Text;
using Wharf.Engine.Build;
using Wharf.Engine.Images;
using Wharf.Engine.Metadata;

namespace Wharf.Engine.Builder;

/// <summary>What `builder prune` removed.</summary>
public sealed record BuildPruneResult(IReadOnlyList<string> Deleted, long Reclaimed);

/// <summary>
/// The Dockerfile builder behind POST /build and `wharf build`: receives the context, parses the Dockerfile, builds
/// the stages the target needs (independent ones at once), tags the result and keeps the build cache within
/// its size budget.
/// </summary>
public sealed class BuildService
{
    private readonly WharfEngine _engine;
    private readonly BuildCache _cache;
    private readonly string _tempRoot;

    public BuildService(WharfEngine engine)
    {
        _engine = engine;
        _cache = new BuildCache(engine.Metadata, engine.Images);
        _tempRoot = Path.Combine(engine.Options.DataRoot, "builder", "tmp");
        CleanTemp();
    }

    /// <summary>
    /// The one hook for pulling a base image (FROM, COPY --from, --pull) once the registry client exists:
    /// given a reference, pull it and return the image id. Null: base images are local only.
    /// </summary>
    public Func<string, IReadOnlyDictionary<string, Distribution.RegistryCredentials>, StageOutput, CancellationToken, Task<string>>? PullBaseImage { get; set; }

    /// <summary>The build cache's size budget in bytes (daemon.json builder.gc.defaultKeepStorage); 0: no limit.</summary>
    public long KeepStorage { get; set; }

    /// <summary>Leftovers of builds a crash interrupted: step mounts first, then the directories.</summary>
    private void CleanTemp()
    {
        if (!Directory.Exists(_tempRoot)) return;
        foreach (var line in File.ReadLines("/proc/self/mountinfo").ToList())
        {
            var mountPoint = line.Split(' ')[4];
            if (mountPoint.StartsWith(_tempRoot + "/", StringComparison.Ordinal)) Native.Libc.Umount2(mountPoint, Native.Libc.MNT_DETACH);
        }
        try { Directory.Delete(_tempRoot, true); }
        catch (IOException) { }
    }

    /// <summary>Builds from a context tar (or a bare Dockerfile); returns the image id. Errors before the first step are thrown as is.</summary>
    public async Task<string> BuildAsync(Stream body, BuildRequest request, BuildProgress progress, CancellationToken ct)
    {
        var tags = request.Tags.Select(t =>
        {
            if (!ImageReference.TryParse(t, out var r, out var error)) throw new BadRequestException($"invalid reference format: {error}");
            if (r!.Digest is not null) throw new BadRequestException($"invalid reference format: {t}: a tag cannot hold a digest");
            return r.WithDefaultTag();
        }).ToList();
        if (request.Pull && PullBaseImage is null)
            throw new BadRequestException("--pull needs the registry client, which this Wharf build does not have yet: base images must be local (docker load / docker import)");

        var buildTemp = Path.Combine(_tempRoot, "b-" + Guid.NewGuid().ToString("N")[..16]);
        Directory.CreateDirectory(buildTemp);
        BuildContext? context = null;
        try
        {
            var dockerfilePath = DockerfilePath(request.Dockerfile);
            context = await BuildContext.ReceiveAsync(body, buildTemp, ct, new HashSet<string>(StringComparer.Ordinal) { dockerfilePath, "dockerfile" });
            var file = ReadDockerfile(context, request.Dockerfile);
            var fileName = context.InlineDockerfile is not null ? "Dockerfile" : Path.GetFileName(request.Dockerfile.TrimEnd('/')) is { Length: > 0 } n && !n.StartsWith(".dockerfile.", StringComparison.Ordinal) ? n : "Dockerfile";
            var dockerfile = DockerfileParser.Parse(file, fileName);
            var plan = BuildPlan.Create(dockerfile, request.Target);
            var job = CreateJob(context, request, plan, progress, buildTemp);
            var id = await RunStagesAsync(job, ct);

            await progress.AuxAsync(id, ct);
            var unconsumed = job.Args.Unconsumed().ToList();
            if (unconsumed.Count > 0)
                await progress.TextAsync($"[Warning] One or more build-args [{string.Join(' ', unconsumed)}] were not consumed\n", ct);
            await progress.TextAsync($"Successfully built {StageBuilder.Short(id)}\n", ct);
            foreach (var tag in tags)
            {
                await _engine.Images.TagAsync(id, tag.ToString(), null);
                await progress.TextAsync($"Successfully tagged {tag.Familiar}\n", ct);
            }
            await progress.QuietResultAsync(id, ct);
            return id;
        }
        finally
        {
            // Removing thousands of unpacked context files and trimming the cache happen after the answer:
            // the client does not wait for them (a crash meanwhile leaves builder/tmp, which start-up removes).
            var done = context;
            _ = Task.Run(async () =>
            {
                done?.Dispose();
                try { Directory.Delete(buildTemp, true); }
                catch (IOException) { }
                await CollectAsync();
            }, CancellationToken.None);
        }
    }

    private static string DockerfilePath(string path) =>
        Build.UnixPath.Clean("/" + (string.IsNullOrEmpty(path) ? "Dockerfile" : path)).TrimStart('/');

    private static string ReadDockerfile(BuildContext context, string path)
    {
        if (context.InlineDockerfile is { } inline) return inline;
        var bytes = context.ReadKept(DockerfilePath(path));
        // Docker also accepts a lower-case dockerfile when the default name is missing.
        if (bytes is null && (string.IsNullOrEmpty(path) || path == "Dockerfile")) bytes = context.ReadKept("dockerfile");
        if (bytes is null) throw new BadRequestException($"Cannot locate specified Dockerfile: {(string.IsNullOrEmpty(path) ? "Dockerfile" : path)}");
        return System.Text.Encoding.UTF8.GetString(bytes);
    }

    private BuildJob CreateJob(BuildContext context, BuildRequest request, BuildPlan plan, BuildProgress progress, string buildTemp)
    {
        var consumed = new HashSet<string>(StringComparer.Ordinal);
        var args = new BuildArgs(request.BuildArgs, consumed);
        var expander = new ShellWordExpander(plan.File.EscapeToken);
        var meta = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var instruction in plan.MetaArgs)
        {
            foreach (var def in ((ArgArguments)instruction.Arguments).Args)
            {
                var known = meta.Where(m => m.Value is not null).ToDictionary(m => m.Key, m => m.Value!, StringComparer.Ordinal);
                string? value;
                try
                {
                    value = args.TryGiven(def.Name, out var given) ? given
                        : def.DefaultValue is null ? null : expander.ExpandWord(def.DefaultValue, known);
                }
                catch (ShellExpansionException e)
                {
                    throw new DockerfileParseException(plan.File.FileName, instruction.StartLine, e.Message);
                }
                meta[def.Name] = value;
            }
        }

        Instruction? labelStep = null;
        if (request.Labels.Count > 0)
        {
            var line = new StringBuilder("LABEL");
            foreach (var (k, v) in request.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
                line.Append(' ').Append(DockerfileNode.GoQuote(k)).Append('=').Append(DockerfileNode.GoQuote(v));
            labelStep = DockerfileParser.Parse(line.ToString(), plan.File.FileName).Instructions[0] with { StartLine = 0 };
        }

        var numbers = new Dictionary<Instruction, int>(ReferenceEqualityComparer.Instance);
        var n = 0;
        foreach (var stage in plan.Needed)
        {
            numbers[stage.From] = ++n;
            foreach (var i in stage.Instructions) numbers[i] = ++n;
            if (stage == plan.Target && labelStep is not null) numbers[labelStep] = ++n;
        }

        return new BuildJob
        {
            Engine = _engine, Service = this, Context = context, Request = request, Plan = plan, Cache = _cache,
            Args = args, Progress = progress, TempRoot = buildTemp, Expander = expander,
            MetaArgs = meta, CacheFrom = _cache.ExpandCacheFrom(request.CacheFrom),
            StepNumbers = numbers, TotalSteps = n, LabelStep = labelStep,
        };
    }

    /// <summary>Starts every needed stage at once; each waits for the stages it reads. The first failure cancels the rest.</summary>
    private static async Task<string> RunStagesAsync(BuildJob job, CancellationToken ct)
    {
        var parallel = HasIndependentStages(job.Plan);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        foreach (var stage in job.Plan.Needed)
        {
            var output = job.Progress.ForStage(parallel ? stage.DisplayName : null);
            var deps = BuildPlan.Dependencies(job.Plan.Stages, stage).Distinct().Select(d => job.Results[d]).ToList();
            job.Results[stage] = Task.Run(async () =>
            {
                try
                {
                    foreach (var d in deps) await d;
                    return await new StageBuilder(job, stage, output).BuildAsync(cts.Token);
                }
                catch
                {
                    cts.Cancel();
                    throw;
                }
            }, CancellationToken.None);
        }
        try
        {
            await Task.WhenAll(job.Results.Values);
        }
        catch
        {
            // The first real failure, not the cancellations it caused in the other stages.
            var failures = job.Results.Values.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!).ToList();
            var first = failures.FirstOrDefault(e => e is not OperationCanceledException) ?? failures.FirstOrDefault();
            if (first is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
            throw;
        }
        return await job.Results[job.Plan.Target]
            ?? throw new BuildException("No image was generated. Is your Dockerfile empty?");
    }

    /// <summary>Whether two of the stages built do not depend on each other (then they run at once and output is prefixed).</summary>
    private static bool HasIndependentStages(BuildPlan plan)
    {
        var reach = new Dictionary<BuildStage, HashSet<BuildStage>>();
        foreach (var stage in plan.Needed)
        {
            var set = new HashSet<BuildStage>();
            foreach (var dep in BuildPlan.Dependencies(plan.Stages, stage))
            {
                set.Add(dep);
                if (reach.TryGetValue(dep, out var deeper)) set.UnionWith(deeper);
            }
            reach[stage] = set;
        }
        foreach (var a in plan.Needed)
            foreach (var b in plan.Needed)
                if (a.Index < b.Index && !reach[b].Contains(a)) return true;
        return false;
    }

    /// <summary>A base image (FROM, COPY --from): local, or through the pull hook once there is one.</summary>
    internal async Task<string> ResolveBaseImageAsync(string name, BuildRequest request, StageOutput output, CancellationToken ct)
    {
        if (!ImageReference.TryParse(name, out var reference, out var error))
            throw new BuildException($"invalid reference format: {error}");
        if (request.Pull && PullBaseImage is not null) return await PullBaseImage(name, request.RegistryAuth, output, ct);
        if (_engine.Images.TryResolveId(name, out _) is { } id) return id;
        if (PullBaseImage is not null) return await PullBaseImage(name, request.RegistryAuth, output, ct);
        throw new BuildException(
            $"pull access denied for {reference!.WithDefaultTag().Familiar.Split(':')[0]}, repository does not exist or may require 'docker login': " +
            $"{name} is not a local image and this Wharf build cannot pull yet (docker load or docker import it first)", 1);
    }

    // ------------------------------------------------------------------ cache size and prune

    /// <summary>POST /build/prune: drops cache entries (all, or the least recently used beyond keepStorage, or older than until) and the images only they held.</summary>
    public async Task<BuildPruneResult> PruneAsync(bool all, long keepStorage, DateTimeOffset? until)
    {
        var entries = _engine.Metadata.ListBuildCache();
        var drop = new List<BuildCacheRecord>();
        if (keepStorage > 0 && !all)
        {
            // Only what the cache alone holds counts against the budget; dropping an entry whose image a tag or a
            // container keeps would free nothing and only lose the cache.
            var own = DiskUsage().Where(u => !u.Shared).ToList();
            var sizes = own.ToDictionary(u => u.ImageId, u => u.Size, StringComparer.Ordinal);
            var total = sizes.Values.Sum();
            foreach (var e in entries.Where(e => sizes.ContainsKey(e.ImageId)))
            {
                if (total <= keepStorage) break;
                drop.Add(e);
                if (entries.Except(drop).All(x => x.ImageId != e.ImageId)) total -= sizes[e.ImageId];
            }
        }
        else
        {
            drop.AddRange(entries.Where(e => until is null || !DateTimeOffset.TryParse(e.LastUsed, out var used) || used < until));
        }
        _engine.Metadata.DeleteBuildCache(drop.Select(d => d.Key));
        var stillCached = _engine.Metadata.ListBuildCache().Select(e => e.ImageId).ToHashSet(StringComparer.Ordinal);
        var candidates = drop.Select(d => d.ImageId).Where(id => !stillCached.Contains(id)).Distinct().ToList();
        // Parents of dropped images that were cache images too become free with them.
        var (removed, reclaimed) = await _engine.Images.RemoveUnusedAsync(candidates);
        return new BuildPruneResult(removed, reclaimed);
    }

    /// <summary>The build cache's entries for `system df`.</summary>
    public List<BuildCacheUsageRecord> DiskUsage() => BuildCacheUsage.List(_engine.Metadata, _engine.Images);

    /// <summary>After a build: keeps the cache within its budget.</summary>
    private async Task CollectAsync()
    {
        if (KeepStorage <= 0) return;
        try { await PruneAsync(false, KeepStorage, null); }
        catch (WharfException) { }
    }
}
