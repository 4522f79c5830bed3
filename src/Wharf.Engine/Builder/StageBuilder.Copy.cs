using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using Wharf.Engine.Archive;
using Wharf.Engine.Build;
using Wharf.Engine.Containers.Filesystem;
using Wharf.Engine.Images;
using Wharf.Engine.Layers;
using Wharf.Engine.Runtime;

namespace Wharf.Engine.Builder;

internal sealed partial class StageBuilder
{
    /// <summary>
    /// A resolved COPY/ADD source: where it is on the host (or, for the context, its path there, unpacked only
    /// when the step runs), its name, whether it is a directory or an archive to unpack.
    /// </summary>
    private sealed record Source(string? HostPath, string Name, bool IsDirectory, bool Extract, string? ContextPath = null);

    /// <summary>
    /// COPY and ADD: sources from the context, another stage or image (`--from`), heredocs, and for ADD URLs
    /// (fetched, not unpacked) and local archives (unpacked). The cache key holds the sources' content hash.
    /// </summary>
    private async Task CopyAsync(Instruction instruction, CopyArguments copy, CancellationToken ct)
    {
        var isAdd = instruction.Keyword == "ADD";
        // Flags the parser knows but only BuildKit implements: refused, as Docker's legacy builder does.
        var buildKitOnly = copy.Link ? "--link" : copy.Parents ? "--parents" : copy.Excludes.Count > 0 ? "--exclude"
            : copy.Checksum is not null ? "--checksum" : copy.KeepGitDir is not null ? "--keep-git-dir" : copy.Unpack is not null ? "--unpack" : null;
        if (buildKitOnly is not null) throw Fail(instruction, $"the {buildKitOnly} option requires BuildKit");
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        _state.Args = ArgValues();
        _state.Referenced = referenced;
        List<string> sources;
        string dest;
        string? chown, from;
        try
        {
            sources = copy.Sources.Select(_state.Expand).ToList();
            dest = _state.Expand(copy.Destination);
            chown = copy.Chown is null ? null : _state.Expand(copy.Chown);
            from = copy.From is null ? null : _state.Expand(copy.From);
        }
        finally { _state.Referenced = null; }
        int? chmod = null;
        if (copy.Chmod is { } cm)
        {
            try { chmod = Convert.ToInt32(cm, 8); }
            catch (FormatException) { throw Fail(instruction, $"invalid chmod parameter: {cm}"); }
            if (chmod is < 0 or > 0xFFF) throw Fail(instruction, $"invalid chmod parameter: {cm}");
        }
        if (sources.Count + copy.InlineSources.Count > 1 && !dest.EndsWith('/'))
            throw new BuildException($"When using {instruction.Keyword} with more than one source file, the destination must be a directory and end with a /");

        using var scratch = new TempDir(_job.TempRoot);
        StepRootfs? fromRoot = null;
        try
        {
            string? fromImage = null;
            if (from is not null)
            {
                fromImage = await FromImageAsync(instruction, from, ct);
                var record = fromImage is null ? null : _job.Engine.Metadata.GetImage(fromImage);
                fromRoot = StepRootfs.Mount(Images.Layers, new ImageRecordView(fromImage, record?.Layers.Select(l => l.ChainId).ToList() ?? []),
                    _job.TempRoot, readOnly: true);
            }
            var (resolved, hash) = await ResolveSourcesAsync(instruction, isAdd, sources, copy.InlineSources, fromRoot, fromImage, scratch.Path, ct);
            var flags = (chown is null ? "" : $"--chown={chown} ") + (copy.Chmod is null ? "" : $"--chmod={copy.Chmod} ") + (from is null ? "" : $"--from={from} ");
            var kind = resolved.Count == 1 ? resolved[0].IsDirectory ? "dir" : "file" : "multi";
            var createdBy = $"{string.Join(' ', ShellOf(_state.Config))} #(nop) {instruction.Keyword} {flags}{kind}:{hash} in {dest} ";
            await CachedStepAsync(createdBy, Used(referenced), hash, async () =>
                await ExecuteCopyAsync(resolved, dest, chown, chmod, createdBy, ct), ct);
        }
        finally
        {
            fromRoot?.Dispose();
        }
    }

    private async Task<string?> FromImageAsync(Instruction instruction, string from, CancellationToken ct)
    {
        if (BuildPlan.Find(_job.Plan.Stages, from, _stage.Index) is { } dep) return await _job.Results[dep];
        if (int.TryParse(from, out _)) throw Fail(instruction, $"invalid from flag value {from}: refers to current or later build stage");
        return await _job.Service.ResolveBaseImageAsync(from, _job.Request, _out, ct);
    }

    private async Task<(List<Source>, string)> ResolveSourcesAsync(Instruction instruction, bool isAdd, List<string> sources,
        IReadOnlyList<Heredoc> inline, StepRootfs? fromRoot, string? fromImage, string scratch, CancellationToken ct)
    {
        var result = new List<Source>();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var src in sources)
        {
            if (isAdd && (src.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || src.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
            {
                var (file, name, sha) = await DownloadAsync(instruction, src, scratch, ct);
                result.Add(new Source(file, name, false, false));
                hash.AppendData(Encoding.UTF8.GetBytes($"url\0{src}\0{sha}\n"));
                continue;
            }
            if (fromRoot is not null)
            {
                using var rootfs = ContainerRootfs.Open(fromRoot.Merged);
                var inScope = rootfs.ResolveInScope("/" + src.TrimStart('/'));
                var host = fromRoot.Merged + inScope;
                if (!Native.Libc.TryLstat(host, out var st))
                    throw new BuildException($"{instruction.Keyword} failed: stat {src}: file does not exist");
                result.Add(new Source(host, Path.GetFileName(inScope.TrimEnd('/')), st.IsDirectory, false));
                hash.AppendData(Encoding.UTF8.GetBytes($"image\0{fromImage}\0{src}\n"));
                continue;
            }
            var clean = BuildContext.CleanSource(src);
            var matches = HasWildcard(clean) ? MatchContext(clean) : [clean];
            if (matches.Count == 0 || (matches.Count == 1 && matches[0] != "." && !_job.Context.Entries.ContainsKey(matches[0])))
                throw new BuildException($"{instruction.Keyword} failed: file not found in build context or excluded by .dockerignore: stat {src}: file does not exist");
            foreach (var m in matches)
            {
                var entry = m == "." ? null : _job.Context.Entries[m];
                var isDir = entry is null || entry.Kind == ContextEntryKind.Directory;
                var extract = isAdd && !isDir && entry!.Kind == ContextEntryKind.File && _job.Context.IsArchive(m);
                result.Add(new Source(null, Path.GetFileName(m), isDir, extract, m));
                hash.AppendData(Encoding.UTF8.GetBytes($"ctx\0{m}\0{extract}\0{_job.Context.HashTree(m)}\n"));
            }
        }
        foreach (var doc in inline)
        {
            var env = _state.Env;
            // Variables are substituted in an unquoted heredoc; quotes and escapes in its body stay as written.
            var body = doc.Expand ? new ShellWordExpander(_job.Expander.EscapeToken) { RawQuotes = true, RawEscapes = true }.ExpandWord(doc.Content, env) : doc.Content;
            var file = Path.Combine(scratch, "heredoc-" + result.Count);
            await File.WriteAllTextAsync(file, body, ct);
            File.SetUnixFileMode(file, (UnixFileMode)0x1A4);
            result.Add(new Source(file, doc.Name, false, false));
            hash.AppendData(Encoding.UTF8.GetBytes($"heredoc\0{doc.Name}\0{body}\n"));
        }
        return (result, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static bool HasWildcard(string path) => path.IndexOfAny(['*', '?', '[']) >= 0;

    /// <summary>Context paths matching a pattern with Go's filepath.Match rules, component by component.</summary>
    private List<string> MatchContext(string pattern)
    {
        var depth = pattern.Count(c => c == '/');
        return _job.Context.Entries.Keys
            .Where(p => p.Count(c => c == '/') == depth && Api.Build.PathPattern.Match(pattern, p))
            .ToList();
    }

    private async Task<(string File, string Name, string Sha)> DownloadAsync(Instruction instruction, string url, string scratch, CancellationToken ct)
    {
        var file = Path.Combine(scratch, "download-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
                throw new BuildException($"{instruction.Keyword} failed: fetching {url}: {(int)response.StatusCode} {response.ReasonPhrase}");
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var body = await response.Content.ReadAsStreamAsync(ct))
            await using (var output = File.Create(file))
            {
                var buffer = new byte[1 << 16];
                int r;
                while ((r = await body.ReadAsync(buffer, ct)) > 0)
                {
                    hash.AppendData(buffer, 0, r);
                    await output.WriteAsync(buffer.AsMemory(0, r), ct);
                }
            }
            // Docker gives downloaded files mode 0600 and the server's Last-Modified time.
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            if (response.Content.Headers.LastModified is { } modified) File.SetLastWriteTimeUtc(file, modified.UtcDateTime);
            var name = new Uri(url).AbsolutePath.TrimEnd('/');
            name = name[(name.LastIndexOf('/') + 1)..];
            return (file, name.Length == 0 ? "index.html" : Uri.UnescapeDataString(name), Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        catch (HttpRequestException e)
        {
            throw new BuildException($"{instruction.Keyword} failed: fetching {url}: {e.Message}", 1, e);
        }
    }

    private async Task<string> ExecuteCopyAsync(List<Source> sources, string dest, string? chown, int? chmod, string createdBy, CancellationToken ct)
    {
        if (sources.Any(s => s.ContextPath is not null))
        {
            var contextRoot = await _job.Context.RootAsync(ct);
            sources = sources.Select(s => s.ContextPath is null ? s
                : s with { HostPath = s.ContextPath == "." ? contextRoot : Path.Combine(contextRoot, s.ContextPath) }).ToList();
        }
        // Without archives to unpack the layer is written straight from the sources: the parent's root is only
        // looked at (where the destination resolves, what exists, who --chown names), never written.
        var direct = !sources.Any(s => s.Extract);
        using var root = StepRootfs.Mount(Images.Layers, _image, _job.TempRoot, readOnly: direct);
        List<CopyItem> items;
        List<string> parents;
        string resolved;
        (uint, uint) owner;
        using (var rootfs = ContainerRootfs.Open(root.Merged))
        {
            var destAbs = dest.StartsWith('/') ? dest : "/" + (_state.Config.WorkingDir ?? "").Trim('/') + "/" + dest;
            resolved = rootfs.ResolveInScope(UnixPath.Clean(destAbs)).TrimStart('/');
            var existingDir = Directory.Exists(Path.Combine(root.Merged, resolved));
            var destIsDir = dest.EndsWith('/') || dest.EndsWith("/.") || dest == "." || sources.Count > 1 || existingDir
                || sources.Any(s => s.IsDirectory || s.Extract);
            owner = Owner(root.Merged, chown);
            items = [];
            foreach (var s in sources.Where(s => !s.Extract))
            {
                var name = !destIsDir ? resolved : s.IsDirectory ? resolved : Join(resolved, s.Name);
                items.Add(new CopyItem(s.HostPath!, name, s.IsDirectory));
            }
            // Missing directories on the way (and a missing destination directory) are created 0755, root's, as Docker does.
            parents = [];
            var parts = resolved.Split('/', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 1; i <= parts.Length; i++)
            {
                if (i == parts.Length && !destIsDir) break;
                var p = string.Join('/', parts.Take(i));
                if (!Native.Libc.TryLstat(Path.Combine(root.Merged, p), out _)) parents.Add(p);
            }
            if (!direct)
            {
                await ExtractAsync(rootfs, "/", owner, output => CopyArchive.WriteAsync(output, parents, items, chmod, owner, ct), ct);
                foreach (var archive in sources.Where(s => s.Extract))
                {
                    await using var file = File.OpenRead(archive.HostPath!);
                    var (plain, _) = await Decompression.OpenAsync(file, ct);
                    await using (plain)
                    {
                        using var extractor = new ContainerArchiveExtractor(rootfs, "/" + resolved, noOverwriteDirNonDir: false, chown is null ? null : owner);
                        await extractor.ExtractAsync(plain, ct);
                    }
                }
            }
        }
        root.Unmount();
        Func<Stream, CancellationToken, Task> diff = direct
            ? (output, token) => CopyArchive.WriteAsync(output, parents, items, chmod, owner, token)
            : (output, token) => LayerDiffer.WriteDiffAsync(root.Upper, output, token);
        return await Images.CommitAsync(new CommitRequest(_image.Id, diff, _state.Config.Clone(), _author, null, createdBy, null), ct);
    }

    private static string Join(string dir, string name) => dir.Length == 0 ? name : dir + "/" + name;

    private (uint, uint) Owner(string rootfs, string? chown)
    {
        if (chown is null) return (0, 0);
        try
        {
            var user = new UserResolver(rootfs).Resolve(chown);
            // A user without a group: Docker takes the uid as the gid too.
            return chown.Contains(':') ? (user.Uid, user.Gid) : (user.Uid, uint.TryParse(chown, out var n) ? n : user.Gid);
        }
        catch (Exception e) when (e is WharfException or FormatException or InvalidOperationException)
        {
            throw new BuildException($"unable to convert uid/gid chown string to host mapping: {e.Message}", 1, e);
        }
    }

    private static async Task ExtractAsync(ContainerRootfs rootfs, string destination, (uint, uint) owner,
        Func<Stream, Task> write, CancellationToken ct)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20, useSynchronizationContext: false));
        var writer = Task.Run(async () =>
        {
            try
            {
                await using (var output = pipe.Writer.AsStream(leaveOpen: true)) await write(output);
                await pipe.Writer.CompleteAsync();
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e);
                throw;
            }
        }, ct);
        try
        {
            await using var input = pipe.Reader.AsStream();
            using var extractor = new ContainerArchiveExtractor(rootfs, destination, noOverwriteDirNonDir: false, owner);
            await extractor.ExtractAsync(input, ct);
            await writer;
        }
        catch (Exception e)
        {
            await pipe.Reader.CompleteAsync(e);
            try { await writer; } catch (Exception) { }
            throw;
        }
    }

    // ------------------------------------------------------------------ WORKDIR

    /// <summary>WORKDIR sets the config and creates the directory when the image lacks it (a layer only then).</summary>
    private async Task WorkdirAsync(Instruction instruction, CancellationToken ct)
    {
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        var before = _state.Config;
        var config = before.Clone();
        _state.Config = config;
        _state.Args = ArgValues();
        _state.Referenced = referenced;
        try { _state.Dispatch(instruction); }
        catch (Exception e) when (e is ShellExpansionException or FormatException or InstructionException)
        {
            throw Fail(instruction, e.Message, 1, e);
        }
        finally
        {
            _state.Config = before;
            _state.Referenced = null;
        }
        var dir = config.WorkingDir ?? "/";
        var createdBy = $"{string.Join(' ', ShellOf(before))} #(nop) WORKDIR {dir}";
        await CachedStepAsync(createdBy, Used(referenced), null, async () =>
        {
            var missing = new List<string>();
            using (var root = StepRootfs.Mount(Images.Layers, _image, _job.TempRoot, readOnly: true))
            using (var rootfs = ContainerRootfs.Open(root.Merged))
            {
                var parts = rootfs.ResolveInScope(dir).Split('/', StringSplitOptions.RemoveEmptyEntries);
                for (var i = 1; i <= parts.Length; i++)
                {
                    var p = string.Join('/', parts.Take(i));
                    if (!Native.Libc.TryLstat(Path.Combine(root.Merged, p), out _)) missing.Add(p);
                }
            }
            // Only a directory WORKDIR had to create makes a layer (0755, root's).
            Func<Stream, CancellationToken, Task>? diff = missing.Count > 0
                ? (output, token) => CopyArchive.WriteAsync(output, missing, [], null, (0, 0), token) : null;
            return await Images.CommitAsync(new CommitRequest(_image.Id, diff, config, _author, null, createdBy, null), ct);
        }, ct, config);
    }

    /// <summary>A scratch directory under the build's temp root, removed with it.</summary>
    private sealed class TempDir : IDisposable
    {
        public TempDir(string root)
        {
            Path = System.IO.Path.Combine(root, "src-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public void Dispose()
        {
            try { Directory.Delete(Path, true); }
            catch (IOException) { }
        }
    }
}
