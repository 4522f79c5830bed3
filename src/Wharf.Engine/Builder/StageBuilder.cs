using Wharf.Api.Models;
using Wharf.Engine.Build;
using Wharf.Engine.Images;

namespace Wharf.Engine.Builder;

/// <summary>
/// Builds one stage: FROM, then each instruction as a step that is either found in the cache or run and
/// committed as an image (metadata-only steps commit an image with an empty-layer history entry, as Docker's
/// legacy builder does, so every step has an id to cache and to show).
/// </summary>
internal sealed partial class StageBuilder
{
    private readonly BuildJob _job;
    private readonly BuildStage _stage;
    private readonly StageOutput _out;
    private ImageRecordView _image = ImageRecordView.Scratch;
    private ConfigChangeApplier.State _state;
    private readonly Dictionary<string, string?> _args = new(StringComparer.Ordinal);
    private string? _author;

    public StageBuilder(BuildJob job, BuildStage stage, StageOutput output)
    {
        _job = job;
        _stage = stage;
        _out = output;
        _state = new ConfigChangeApplier.State(new ContainerConfig(), job.Expander);
    }

    private ImageService Images => _job.Engine.Images;

    public async Task<string?> BuildAsync(CancellationToken ct)
    {
        await StepHeaderAsync(_stage.From, ct);
        await FromAsync(ct);
        foreach (var instruction in _stage.Instructions)
        {
            await StepHeaderAsync(instruction, ct);
            await RunStepAsync(instruction, ct);
        }
        if (_stage == _job.Plan.Target && _job.LabelStep is { } labels)
        {
            await StepHeaderAsync(labels, ct);
            await RunStepAsync(labels, ct);
        }
        return _image.Id;
    }

    private Task StepHeaderAsync(Instruction instruction, CancellationToken ct) =>
        _out.LineAsync($"Step {_job.StepNumbers[instruction]}/{_job.TotalSteps} : {instruction.Original.Trim()}", ct);

    private BuildException Fail(Instruction instruction, string message, int code = 1, Exception? inner = null) =>
        new($"{_job.Plan.File.FileName}:{instruction.StartLine}: {message}", code, inner);

    private async Task RunStepAsync(Instruction instruction, CancellationToken ct)
    {
        try
        {
            switch (instruction.Keyword)
            {
                case "RUN":
                    await RunAsync(instruction, (RunArguments)instruction.Arguments, ct);
                    break;
                case "COPY" or "ADD":
                    await CopyAsync(instruction, (CopyArguments)instruction.Arguments, ct);
                    break;
                case "WORKDIR":
                    await WorkdirAsync(instruction, ct);
                    break;
                case "ARG":
                    await ArgAsync(instruction, (ArgArguments)instruction.Arguments, ct);
                    break;
                case "FROM":
                    throw Fail(instruction, "FROM inside a stage");
                default:
                    await MetadataAsync(instruction, ct);
                    break;
            }
        }
        catch (ShellExpansionException e)
        {
            throw Fail(instruction, e.Message, 1, e);
        }
        catch (InstructionException e)
        {
            throw Fail(instruction, e.Message, 1, e);
        }
    }

    // ------------------------------------------------------------------ FROM

    private async Task FromAsync(CancellationToken ct)
    {
        var from = (FromArguments)_stage.From.Arguments;
        var metaEnv = _job.MetaArgs.Where(a => a.Value is not null).ToDictionary(a => a.Key, a => a.Value!, StringComparer.Ordinal);
        string name;
        try { name = _job.Expander.ExpandWord(from.Image, metaEnv); }
        catch (ShellExpansionException e) { throw Fail(_stage.From, e.Message, 1, e); }
        if (name.Length == 0) throw Fail(_stage.From, $"base name ({from.Image}) should not be blank");

        string? id;
        if (BuildPlan.Find(_job.Plan.Stages, name, _stage.Index) is { } dep)
        {
            id = await _job.Results[dep];
        }
        else if (name.Equals("scratch", StringComparison.OrdinalIgnoreCase))
        {
            id = null;
        }
        else
        {
            id = await _job.Service.ResolveBaseImageAsync(name, _job.Request, _out, ct);
        }
        SetImage(id);
        _state.CmdSet = false;
        await _out.LineAsync($" ---> {Short(id)}", ct);

        // A base image's ONBUILD triggers run first, as steps of this stage; the new image keeps none of them.
        if (_state.Config.OnBuild is { Count: > 0 } triggers)
        {
            _state.Config.OnBuild = null;
            await _out.LineAsync($"# Executing {triggers.Count} build trigger{(triggers.Count == 1 ? "" : "s")}", ct);
            foreach (var trigger in triggers)
            {
                Dockerfile parsed;
                try { parsed = DockerfileParser.Parse(trigger, "ONBUILD"); }
                catch (DockerfileParseException e) { throw Fail(_stage.From, "parsing an ONBUILD trigger of the base image: " + e.Message, 1, e); }
                foreach (var t in parsed.Instructions)
                {
                    if (t.Keyword is "FROM" or "ONBUILD" or "MAINTAINER")
                        throw Fail(_stage.From, $"{t.Keyword} isn't allowed as an ONBUILD trigger");
                    await RunStepAsync(t with { StartLine = _stage.From.StartLine }, ct);
                }
            }
        }
    }

    private void SetImage(string? id)
    {
        if (id is null)
        {
            _image = ImageRecordView.Scratch;
            _state.Config = new ContainerConfig();
            return;
        }
        var record = _job.Engine.Metadata.GetImage(id) ?? throw new NotFoundException($"No such image: {id}");
        _image = new ImageRecordView(id, record.Layers.Select(l => l.ChainId).ToList());
        _state.Config = Images.GetConfig(id).Config.Clone();
    }

    internal static string Short(string? id) => id is null ? "" : Content.Digest.Hex(id)[..12];

    // ------------------------------------------------------------------ ARG

    private async Task ArgAsync(Instruction instruction, ArgArguments arg, CancellationToken ct)
    {
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        _state.Args = ArgValues();
        _state.Referenced = referenced;
        var parts = new List<string>();
        foreach (var def in arg.Args)
        {
            string? value;
            if (_job.Args.TryGiven(def.Name, out var given)) value = given;
            else if (def.DefaultValue is not null) value = _state.Expand(def.DefaultValue);
            else if (_job.MetaArgs.TryGetValue(def.Name, out var meta)) value = meta;
            else value = null;
            _args[def.Name] = value;
            _state.Args = ArgValues();
            parts.Add(def.DefaultValue is null ? def.Name : $"{def.Name}={def.DefaultValue}");
        }
        await CommitMetadataAsync("ARG " + string.Join(' ', parts), _state.Config.Clone(), Used(referenced), ct);
    }

    /// <summary>The declared arguments that have a value: what substitution and RUN see.</summary>
    private Dictionary<string, string> ArgValues() =>
        _args.Where(a => a.Value is not null).ToDictionary(a => a.Key, a => a.Value!, StringComparer.Ordinal);

    private IEnumerable<KeyValuePair<string, string>> Used(IEnumerable<string> referenced)
    {
        foreach (var name in referenced)
        {
            if (_args.TryGetValue(name, out var v) && v is not null) yield return new(name, v);
        }
    }

    // ------------------------------------------------------------------ config-only instructions

    private async Task MetadataAsync(Instruction instruction, CancellationToken ct)
    {
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        var before = _state.Config;
        var config = before.Clone();
        _state.Config = config;
        _state.Args = ArgValues();
        _state.Referenced = referenced;
        string text;
        try
        {
            switch (instruction.Keyword, instruction.Arguments)
            {
                case ("MAINTAINER", ValueArguments maintainer):
                    _author = maintainer.Value;
                    text = "MAINTAINER " + maintainer.Value;
                    break;
                case ("SHELL", ShellArguments shell):
                    config.Shell = [.. shell.Shell];
                    text = "SHELL " + JsonArray(shell.Shell);
                    break;
                default:
                    text = HistoryText(instruction);
                    _state.Dispatch(instruction);
                    break;
            }
        }
        catch (Exception e) when (e is ShellExpansionException or FormatException or InstructionException)
        {
            _state.Config = before;
            throw Fail(instruction, e.Message, 1, e);
        }
        finally
        {
            _state.Referenced = null;
        }
        _state.Config = before;
        await CommitMetadataAsync(text, config, Used(referenced), ct);
    }

    /// <summary>The instruction as history shows it: variables substituted where the keyword expands them.</summary>
    private string HistoryText(Instruction instruction)
    {
        if (instruction.Keyword == "ONBUILD") return "ONBUILD " + ((OnbuildArguments)instruction.Arguments).Expression;
        var args = instruction.ArgumentText;
        if (ShellWordExpander.ExpandsVariables(instruction.Keyword)) args = _state.Expand(args);
        return instruction.Keyword + " " + args;
    }

    private static string JsonArray(IEnumerable<string> items) =>
        "[" + string.Join(", ", items.Select(i => DockerfileNode.GoQuote(i))) + "]";

    private async Task CommitMetadataAsync(string text, ContainerConfig config, IEnumerable<KeyValuePair<string, string>> usedArgs, CancellationToken ct)
    {
        var createdBy = string.Join(' ', ShellOf(_state.Config)) + " #(nop)  " + text;
        await CachedStepAsync(createdBy, usedArgs, null, async () =>
            await Images.CommitAsync(new CommitRequest(_image.Id, null, config, _author, null, createdBy, null), ct), ct, config);
    }

    private static IReadOnlyList<string> ShellOf(ContainerConfig config) =>
        config.Shell is { Count: > 0 } shell ? shell : CommandLine.DefaultShell;

    /// <summary>A step through the cache: a hit reuses the image; a miss runs <paramref name="execute"/> and records it.</summary>
    /// <remarks><paramref name="resultConfig"/>: the config the step's image gets (the stage's current one when null).</remarks>
    private async Task CachedStepAsync(string createdBy, IEnumerable<KeyValuePair<string, string>> usedArgs, string? sourcesHash,
        Func<Task<string>> execute, CancellationToken ct, ContainerConfig? resultConfig = null)
    {
        var key = BuildCache.Key(_image.Id, createdBy, usedArgs, sourcesHash);
        if (!_job.Request.NoCache)
        {
            var hit = _job.Cache.Lookup(key) ?? _job.Cache.FromImages(_job.CacheFrom.ToList(), _image.Id, createdBy)
                ?? await _job.Cache.RestoreFromSourcesAsync(_job.CacheFrom, _image.Id, createdBy, (resultConfig ?? _state.Config).Clone(), _author);
            if (hit is not null)
            {
                SetImage(hit);
                await _out.LineAsync(" ---> Using cache", ct);
                await _out.LineAsync($" ---> {Short(hit)}", ct);
                return;
            }
        }
        var id = await execute();
        _job.Cache.Store(key, id);
        SetImage(id);
        await _out.LineAsync($" ---> {Short(id)}", ct);
    }
}
