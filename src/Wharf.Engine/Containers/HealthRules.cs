using Wharf.Api.Models;

namespace Wharf.Engine.Containers;

/// <summary>
/// Docker's healthcheck rules: create-time validation, the defaults a zero value stands for, the
/// probe's command, the wait between probes, and how one probe result moves the health state.
/// </summary>
public static class HealthRules
{
    public const string Starting = "starting";
    public const string Healthy = "healthy";
    public const string Unhealthy = "unhealthy";
    public const string None = "none";

    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultStartInterval = TimeSpan.FromSeconds(5);
    public const int DefaultRetries = 3;

    /// <summary>Results kept in State.Health.Log, oldest first.</summary>
    public const int MaxLogEntries = 5;

    /// <summary>Probe output kept per result; more is cut and marked with "...".</summary>
    public const int MaxOutputBytes = 4096;

    private const long MinimumNanoseconds = 1_000_000; // 1ms

    /// <summary>The statuses `docker ps --filter health=` accepts.</summary>
    public static readonly string[] FilterValues = [None, Starting, Healthy, Unhealthy];

    /// <summary>Refuses what Docker refuses at create (400): durations other than 0 below 1ms, negative retries.</summary>
    public static void Validate(HealthConfig? h)
    {
        if (h is null)
        {
            return;
        }
        if (h.Interval != 0 && h.Interval < MinimumNanoseconds)
        {
            throw new BadRequestException("Interval in Healthcheck cannot be less than 1ms");
        }
        if (h.Timeout != 0 && h.Timeout < MinimumNanoseconds)
        {
            throw new BadRequestException("Timeout in Healthcheck cannot be less than 1ms");
        }
        if (h.Retries < 0)
        {
            throw new BadRequestException("Retries in Healthcheck cannot be negative");
        }
        if (h.StartPeriod != 0 && h.StartPeriod < MinimumNanoseconds)
        {
            throw new BadRequestException("StartPeriod in Healthcheck cannot be less than 1ms");
        }
        if (h.StartInterval != 0 && h.StartInterval < MinimumNanoseconds)
        {
            throw new BadRequestException("StartInterval in Healthcheck cannot be less than 1ms");
        }
    }

    /// <summary>True when the config asks for a probe: `CMD` or `CMD-SHELL`. `NONE`, no test or another type mean none.</summary>
    public static bool HasProbe(HealthConfig? h) => h?.Test is [var kind, ..] && kind is "CMD" or "CMD-SHELL";

    /// <summary>The probe's argv: CMD's words, or CMD-SHELL's text after the container's shell (default `/bin/sh -c`).</summary>
    public static List<string> ProbeCommand(HealthConfig h, IReadOnlyList<string>? shell)
    {
        var test = h.Test ?? [];
        var words = test.Skip(1).ToList();
        if (words.Count == 0 || test[0] != "CMD-SHELL")
        {
            return words;
        }
        return [.. shell is { Count: > 0 } ? shell : ["/bin/sh", "-c"], .. words];
    }

    /// <summary>A duration field in nanoseconds, or the default when it is 0.</summary>
    public static TimeSpan OrDefault(long nanoseconds, TimeSpan fallback) =>
        nanoseconds == 0 ? fallback : TimeSpan.FromTicks(nanoseconds / TimeSpan.NanosecondsPerTick);

    /// <summary>
    /// The wait before the next probe (also before the first): the start interval while the container is
    /// still starting within its start period, the interval otherwise.
    /// </summary>
    public static TimeSpan NextDelay(HealthConfig h, TimeSpan sinceStart, string status)
    {
        var interval = OrDefault(h.Interval, DefaultInterval);
        if (sinceStart >= OrDefault(h.StartPeriod, TimeSpan.Zero))
        {
            return interval;
        }
        return status == Starting ? OrDefault(h.StartInterval, DefaultStartInterval) : interval;
    }

    /// <summary>
    /// The state after one result, as a new object (the current one is left as it was, so a reader
    /// never sees it change): success makes it healthy and resets the streak; a failure adds to the
    /// streak, unless the container is still starting within its start period, and `retries`
    /// failures in a row make it unhealthy.
    /// </summary>
    public static ContainerHealth Apply(ContainerHealth current, HealthcheckResult result, HealthConfig h, TimeSpan probeStartSinceStart)
    {
        var log = current.Log.Skip(Math.Max(0, current.Log.Count + 1 - MaxLogEntries)).ToList();
        log.Add(result);
        var status = current.Status;
        var streak = current.FailingStreak;
        if (result.ExitCode == 0)
        {
            streak = 0;
            status = Healthy;
        }
        else if (status != Starting || probeStartSinceStart >= OrDefault(h.StartPeriod, TimeSpan.Zero))
        {
            streak++;
            if (streak >= (h.Retries <= 0 ? DefaultRetries : h.Retries))
            {
                status = Unhealthy;
            }
        }
        return new ContainerHealth { Status = status, FailingStreak = streak, Log = log };
    }

    /// <summary>The status shown in `docker ps`: "health: starting", "healthy" or "unhealthy".</summary>
    public static string Describe(ContainerHealth h) => h.Status == Starting ? "health: " + Starting : h.Status;

    /// <summary>The result Docker records for a probe that ran past its timeout.</summary>
    public static string TimeoutMessage(TimeSpan timeout, string output)
    {
        var text = $"Health check exceeded timeout ({GoDuration.Format(timeout.Ticks * TimeSpan.NanosecondsPerTick)})";
        return output.Length > 0 ? text + ": " + output : text;
    }
}
