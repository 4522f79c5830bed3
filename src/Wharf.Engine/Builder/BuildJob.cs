using Wharf.Engine.Build;

namespace Wharf.Engine.Builder;

/// <summary>Everything the stages of one build share: the engine, the context, the request, the plan, step numbers and results.</summary>
internal sealed class BuildJob
{
    public required WharfEngine Engine { get; init; }
    public required BuildService Service { get; init; }
    public required BuildContext Context { get; init; }
    public required BuildRequest Request { get; init; }
    public required BuildPlan Plan { get; init; }
    public required BuildCache Cache { get; init; }
    public required BuildArgs Args { get; init; }
    public required BuildProgress Progress { get; init; }
    public required string TempRoot { get; init; }
    public required ShellWordExpander Expander { get; init; }


    /// <summary>The ARGs before the first FROM with their values (given or default), for FROM lines and redeclaration.</summary>
    public required IReadOnlyDictionary<string, string?> MetaArgs { get; init; }

    /// <summary>`--cache-from` images and their parents.</summary>
    public required IReadOnlySet<string> CacheFrom { get; init; }

    /// <summary>Each instruction's step number (FROM lines included), in file order over the stages built.</summary>
    public required IReadOnlyDictionary<Instruction, int> StepNumbers { get; init; }
    public required int TotalSteps { get; init; }

    /// <summary>The `--label` step appended to the target stage, as Docker does; null without labels.</summary>
    public Instruction? LabelStep { get; init; }

    /// <summary>Each stage's final image id (null: a `FROM scratch` stage that committed nothing).</summary>
    public Dictionary<BuildStage, Task<string?>> Results { get; } = [];
}
