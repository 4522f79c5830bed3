using Wharf.Engine.Build;

namespace Wharf.Engine.Builder;

/// <summary>One `FROM ... [AS name]` and the instructions up to the next FROM.</summary>
internal sealed class BuildStage
{
    public required int Index { get; init; }
    public required Instruction From { get; init; }
    public string? Name { get; init; }
    public List<Instruction> Instructions { get; } = [];

    /// <summary>How the stage is shown in prefixed output: its name, or `stage-N`.</summary>
    public string DisplayName => Name ?? $"stage-{Index}";
}

/// <summary>
/// A parsed Dockerfile cut into stages, with the ARGs before the first FROM and the stages the target needs
/// (through FROM &lt;stage&gt; and COPY --from=&lt;stage&gt;), in file order.
/// </summary>
internal sealed class BuildPlan
{
    public required Dockerfile File { get; init; }
    public required List<Instruction> MetaArgs { get; init; }
    public required List<BuildStage> Stages { get; init; }
    public required BuildStage Target { get; init; }
    public required List<BuildStage> Needed { get; init; }

    public static BuildPlan Create(Dockerfile file, string? target)
    {
        var meta = new List<Instruction>();
        var stages = new List<BuildStage>();
        foreach (var instruction in file.Instructions)
        {
            if (instruction.Arguments is FromArguments from)
            {
                stages.Add(new BuildStage { Index = stages.Count, From = instruction, Name = from.StageName });
                continue;
            }
            if (stages.Count == 0)
            {
                if (instruction.Keyword != "ARG")
                    throw new DockerfileParseException(file.FileName, instruction.StartLine, "no build stage in current context");
                meta.Add(instruction);
                continue;
            }
            stages[^1].Instructions.Add(instruction);
        }
        if (stages.Count == 0)
            throw new DockerfileParseException(file.FileName, file.Instructions[^1].StartLine, "no build stage in current context");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in stages)
        {
            if (s.Name is not null && !names.Add(s.Name))
                throw new DockerfileParseException(file.FileName, s.From.StartLine, $"duplicate name {s.Name}");
        }

        var targetStage = stages[^1];
        if (!string.IsNullOrEmpty(target))
        {
            targetStage = stages.FirstOrDefault(s => s.Name == target.ToLowerInvariant())
                ?? throw new BadRequestException($"failed to reach build target {target} in Dockerfile");
        }

        var needed = new HashSet<BuildStage>();
        void Visit(BuildStage stage)
        {
            if (!needed.Add(stage)) return;
            foreach (var dep in Dependencies(stages, stage)) Visit(dep);
        }
        Visit(targetStage);
        return new BuildPlan
        {
            File = file, MetaArgs = meta, Stages = stages, Target = targetStage,
            Needed = stages.Where(needed.Contains).ToList(),
        };
    }

    /// <summary>The earlier stages a stage reads: its FROM and every COPY --from naming a stage (by name or index).</summary>
    public static IEnumerable<BuildStage> Dependencies(List<BuildStage> stages, BuildStage stage)
    {
        var refs = new List<string> { ((FromArguments)stage.From.Arguments).Image };
        refs.AddRange(stage.Instructions.Select(i => i.Arguments).OfType<CopyArguments>().Select(c => c.From).OfType<string>());
        foreach (var r in refs)
        {
            if (Find(stages, r, stage.Index) is { } dep) yield return dep;
        }
    }

    /// <summary>The stage a FROM or --from names, among those before <paramref name="before"/>; null when it names an image.</summary>
    public static BuildStage? Find(List<BuildStage> stages, string reference, int before)
    {
        var lower = reference.ToLowerInvariant();
        foreach (var s in stages)
        {
            if (s.Index >= before) break;
            if (s.Name == lower) return s;
        }
        if (int.TryParse(reference, out var index))
        {
            if (index >= 0 && index < before) return stages[index];
        }
        return null;
    }
}
