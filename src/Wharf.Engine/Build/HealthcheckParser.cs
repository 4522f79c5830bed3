using System.Globalization;

namespace Wharf.Engine.Build;

/// <summary>Parses `HEALTHCHECK NONE` and `HEALTHCHECK [--interval=..] CMD ...` with Docker's checks and messages.</summary>
internal static class HealthcheckParser
{
    private const long MinimumDuration = 1_000_000; // 1ms

    public static HealthcheckArguments Parse(DockerfileNode node, FlagSet flags)
    {
        if (node.Args.Count == 0)
        {
            throw new InstructionException("HEALTHCHECK requires at least one argument");
        }
        var type = node.Args[0].ToUpperInvariant();
        var rest = node.Args.Skip(1).ToList();
        if (type == "NONE")
        {
            // Docker does not look at flags given with NONE.
            if (rest.Count != 0)
            {
                throw new InstructionException("HEALTHCHECK NONE takes no arguments");
            }
            return new HealthcheckArguments(["NONE"], 0, 0, 0, 0, 0);
        }

        flags.AddString("interval");
        flags.AddString("timeout");
        flags.AddString("start-period");
        flags.AddString("start-interval");
        flags.AddString("retries");
        flags.Parse();

        if (type != "CMD")
        {
            throw new InstructionException($"Unknown type {DockerfileNode.GoQuote(type)} in HEALTHCHECK (try CMD)");
        }
        var command = InstructionBuilder.ToCommandLine(rest, node.IsJson);
        if (command.Arguments.Count == 0)
        {
            throw new InstructionException("Missing command after HEALTHCHECK CMD");
        }
        List<string> test = [command.IsExecForm ? "CMD" : "CMD-SHELL", .. command.Arguments];

        var interval = Interval(flags, "interval");
        var timeout = Interval(flags, "timeout");
        var startPeriod = Interval(flags, "start-period");
        var startInterval = Interval(flags, "start-interval");
        var retries = 0;
        if (flags.String("retries") is { Length: > 0 } text)
        {
            if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            {
                throw new InstructionException($"strconv.ParseInt: parsing {DockerfileNode.GoQuote(text)}: invalid syntax");
            }
            if (n is > int.MaxValue or < int.MinValue)
            {
                throw new InstructionException($"strconv.ParseInt: parsing {DockerfileNode.GoQuote(text)}: value out of range");
            }
            if (n < 0)
            {
                throw new InstructionException($"--retries cannot be negative ({n})");
            }
            retries = (int)n;
        }
        return new HealthcheckArguments(test, interval, timeout, startPeriod, startInterval, retries);
    }

    /// <summary>A duration flag in nanoseconds; 0 when absent or zero, and at least 1ms otherwise.</summary>
    private static long Interval(FlagSet flags, string name)
    {
        var text = flags.String(name);
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }
        long d;
        try
        {
            d = GoDuration.ParseNanoseconds(text);
        }
        catch (FormatException e)
        {
            throw new InstructionException(e.Message);
        }
        if (d == 0)
        {
            return 0;
        }
        if (d < MinimumDuration)
        {
            throw new InstructionException($"Interval \"{name}\" cannot be less than 1ms");
        }
        return d;
    }
}
