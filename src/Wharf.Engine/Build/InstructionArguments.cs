using Wharf.Api.Models;

namespace Wharf.Engine.Build;

// Values marked "raw" still hold quotes and escapes as written: Docker removes them when it substitutes
// variables (ShellWordExpander.ExpandWord), which happens when the instruction runs, not when it is parsed.

/// <summary>The parsed arguments of an instruction; one derived record per kind of instruction.</summary>
public abstract record InstructionArguments;

/// <summary>`FROM [--platform=p] image [AS name]`: image (raw), stage name lower-cased, platform flag.</summary>
public sealed record FromArguments(string Image, string? StageName, string? Platform) : InstructionArguments;

/// <summary>A command in exec form (JSON array) or shell form (one string run by the shell).</summary>
public sealed record CommandLine(bool IsExecForm, IReadOnlyList<string> Arguments)
{
    /// <summary>The shell Linux images use when the config sets none.</summary>
    public static IReadOnlyList<string> DefaultShell { get; } = ["/bin/sh", "-c"];

    /// <summary>The shell-form text, or null in exec form or when empty.</summary>
    public string? ShellText => IsExecForm || Arguments.Count == 0 ? null : Arguments[0];

    /// <summary>The argv to run: exec form as is; shell form prefixed by <paramref name="shell"/> (or /bin/sh -c).</summary>
    public List<string> ToArgv(IReadOnlyList<string>? shell = null)
    {
        if (Arguments.Count == 0)
        {
            return [];
        }
        if (IsExecForm)
        {
            return [.. Arguments];
        }
        var prefix = shell is { Count: > 0 } ? shell : DefaultShell;
        return [.. prefix, .. Arguments];
    }
}

/// <summary>CMD and ENTRYPOINT.</summary>
public sealed record CommandArguments(CommandLine Command) : InstructionArguments;

/// <summary>RUN with its `--mount` (repeatable), `--network`, `--security` and `--device` (repeatable) flags.</summary>
public sealed record RunArguments(
    CommandLine Command,
    IReadOnlyList<string> Mounts,
    string? Network,
    string? Security,
    IReadOnlyList<string> Devices) : InstructionArguments;

/// <summary>SHELL (JSON form only).</summary>
public sealed record ShellArguments(IReadOnlyList<string> Shell) : InstructionArguments;

/// <summary>One ENV or LABEL pair; key and value raw; <see cref="HasEquals"/> is false for the legacy `ENV key value`.</summary>
public sealed record KeyValueArgument(string Key, string Value, bool HasEquals);

/// <summary>ENV and LABEL.</summary>
public sealed record KeyValueArguments(IReadOnlyList<KeyValueArgument> Pairs) : InstructionArguments;

/// <summary>One `ARG name[=default]`; the default is raw, null when absent.</summary>
public sealed record ArgDefinition(string Name, string? DefaultValue);

/// <summary>ARG.</summary>
public sealed record ArgArguments(IReadOnlyList<ArgDefinition> Args) : InstructionArguments;

/// <summary>EXPOSE: the port words, raw (`80`, `80/udp`, `8000-8002`, `$PORT`).</summary>
public sealed record ExposeArguments(IReadOnlyList<string> Ports) : InstructionArguments;

/// <summary>USER, WORKDIR, STOPSIGNAL and MAINTAINER: the whole argument text (raw where the keyword expands).</summary>
public sealed record ValueArguments(string Value) : InstructionArguments;

/// <summary>VOLUME in JSON or space-separated form (raw).</summary>
public sealed record VolumeArguments(IReadOnlyList<string> Paths) : InstructionArguments;

/// <summary>HEALTHCHECK: Test is `["NONE"]`, `["CMD", ...]` or `["CMD-SHELL", text]`; durations in nanoseconds.</summary>
public sealed record HealthcheckArguments(
    IReadOnlyList<string> Test,
    long Interval,
    long Timeout,
    long StartPeriod,
    long StartInterval,
    int Retries) : InstructionArguments
{
    /// <summary>The config form stored in an image.</summary>
    public HealthConfig ToHealthConfig() => new()
    {
        Test = [.. Test], Interval = Interval, Timeout = Timeout,
        StartPeriod = StartPeriod, StartInterval = StartInterval, Retries = Retries,
    };
}

/// <summary>
/// ADD and COPY: file sources and heredoc sources (`COPY &lt;&lt;EOF /dst`), destination (raw), and flags.
/// ADD-only flags (KeepGitDir, Checksum, Unpack) and COPY-only flags (From, Parents) are null/false otherwise.
/// </summary>
public sealed record CopyArguments(
    IReadOnlyList<string> Sources,
    IReadOnlyList<Heredoc> InlineSources,
    string Destination,
    string? From,
    string? Chown,
    string? Chmod,
    bool Link,
    bool Parents,
    IReadOnlyList<string> Excludes,
    bool? KeepGitDir,
    string? Checksum,
    bool? Unpack) : InstructionArguments;

/// <summary>ONBUILD: the trigger instruction and its text as stored in an image's OnBuild list.</summary>
public sealed record OnbuildArguments(Instruction Trigger, string Expression) : InstructionArguments;
