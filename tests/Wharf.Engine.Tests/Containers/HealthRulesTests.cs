using System.Buffers.Binary;
using Wharf.Api.Models;
using Wharf.Engine.Containers;

namespace Wharf.Engine.Tests.Containers;

public class HealthRulesTests
{
    private const long Ms = 1_000_000;

    private static HealthcheckResult Result(int exitCode) => new() { ExitCode = exitCode, Output = exitCode.ToString() };

    private static ContainerHealth Starting => new() { Status = HealthRules.Starting };

    [Fact]
    public void Retries_failures_in_a_row_make_it_unhealthy_and_one_success_heals()
    {
        var h = new HealthConfig { Test = ["CMD", "true"], Retries = 2 };
        var s = HealthRules.Apply(Starting, Result(1), h, TimeSpan.FromSeconds(1));
        Assert.Equal((HealthRules.Starting, 1), (s.Status, s.FailingStreak));
        s = HealthRules.Apply(s, Result(1), h, TimeSpan.FromSeconds(2));
        Assert.Equal((HealthRules.Unhealthy, 2), (s.Status, s.FailingStreak));
        s = HealthRules.Apply(s, Result(0), h, TimeSpan.FromSeconds(3));
        Assert.Equal((HealthRules.Healthy, 0), (s.Status, s.FailingStreak));
        // Retries 0 means Docker's default of 3.
        h.Retries = 0;
        s = HealthRules.Apply(s, Result(2), h, TimeSpan.FromSeconds(4));
        s = HealthRules.Apply(s, Result(-1), h, TimeSpan.FromSeconds(5));
        Assert.Equal(HealthRules.Healthy, s.Status);
        s = HealthRules.Apply(s, Result(1), h, TimeSpan.FromSeconds(6));
        Assert.Equal((HealthRules.Unhealthy, 3), (s.Status, s.FailingStreak));
    }

    [Fact]
    public void Failures_during_the_start_period_do_not_count_while_starting()
    {
        var h = new HealthConfig { Test = ["CMD", "true"], Retries = 1, StartPeriod = 10_000 * Ms };
        var s = HealthRules.Apply(Starting, Result(1), h, TimeSpan.FromSeconds(2));
        Assert.Equal((HealthRules.Starting, 0), (s.Status, s.FailingStreak));
        Assert.Single(s.Log);
        // Healthy once: later failures count, even inside the period.
        s = HealthRules.Apply(s, Result(0), h, TimeSpan.FromSeconds(3));
        s = HealthRules.Apply(s, Result(1), h, TimeSpan.FromSeconds(4));
        Assert.Equal((HealthRules.Unhealthy, 1), (s.Status, s.FailingStreak));
        // Still starting but past the period: counts.
        s = HealthRules.Apply(Starting, Result(1), h, TimeSpan.FromSeconds(11));
        Assert.Equal(HealthRules.Unhealthy, s.Status);
    }

    [Fact]
    public void The_log_keeps_the_last_five_and_the_old_state_is_left_unchanged()
    {
        var h = new HealthConfig { Test = ["CMD", "true"] };
        var s = Starting;
        var states = new List<ContainerHealth>();
        for (var i = 0; i < 7; i++)
        {
            s = HealthRules.Apply(s, Result(i), h, TimeSpan.FromSeconds(i));
            states.Add(s);
        }
        Assert.Equal(["2", "3", "4", "5", "6"], s.Log.Select(r => r.Output));
        Assert.Equal(["0", "1", "2"], states[2].Log.Select(r => r.Output));
    }

    [Fact]
    public void Delays_use_the_start_interval_only_while_starting_in_the_start_period()
    {
        var h = new HealthConfig { Test = ["CMD", "true"], StartPeriod = 60_000 * Ms, StartInterval = 100 * Ms, Interval = 2_000 * Ms };
        Assert.Equal(TimeSpan.FromMilliseconds(100), HealthRules.NextDelay(h, TimeSpan.FromSeconds(1), HealthRules.Starting));
        Assert.Equal(TimeSpan.FromSeconds(2), HealthRules.NextDelay(h, TimeSpan.FromSeconds(1), HealthRules.Healthy));
        Assert.Equal(TimeSpan.FromSeconds(2), HealthRules.NextDelay(h, TimeSpan.FromSeconds(61), HealthRules.Starting));
        var defaults = new HealthConfig { Test = ["CMD", "true"] };
        Assert.Equal(TimeSpan.FromSeconds(30), HealthRules.NextDelay(defaults, TimeSpan.Zero, HealthRules.Starting));
        defaults.StartPeriod = 60_000 * Ms;
        Assert.Equal(TimeSpan.FromSeconds(5), HealthRules.NextDelay(defaults, TimeSpan.Zero, HealthRules.Starting));
    }

    [Theory]
    [InlineData(new[] { "CMD", "pg_isready", "-q" }, null, new[] { "pg_isready", "-q" })]
    [InlineData(new[] { "CMD-SHELL", "curl -f localhost || exit 1" }, null, new[] { "/bin/sh", "-c", "curl -f localhost || exit 1" })]
    [InlineData(new[] { "CMD-SHELL", "x" }, new[] { "/bin/bash", "-lc" }, new[] { "/bin/bash", "-lc", "x" })]
    [InlineData(new[] { "CMD" }, null, new string[0])]
    public void The_probe_command_follows_the_test_type_and_the_shell(string[] test, string[]? shell, string[] expected)
    {
        Assert.Equal(expected, HealthRules.ProbeCommand(new HealthConfig { Test = [.. test] }, shell));
    }

    [Theory]
    [InlineData(new[] { "CMD", "true" }, true)]
    [InlineData(new[] { "CMD-SHELL", "true" }, true)]
    [InlineData(new[] { "NONE" }, false)]
    [InlineData(new[] { "HTTP", "x" }, false)]
    [InlineData(new string[0], false)]
    public void Only_cmd_and_cmd_shell_have_a_probe(string[] test, bool probe)
    {
        Assert.Equal(probe, HealthRules.HasProbe(new HealthConfig { Test = [.. test] }));
        Assert.False(HealthRules.HasProbe(null));
    }

    [Theory]
    [InlineData(500_000, 0, 0, 0, 0, "Interval in Healthcheck cannot be less than 1ms")]
    [InlineData(-Ms, 0, 0, 0, 0, "Interval in Healthcheck cannot be less than 1ms")]
    [InlineData(0, 1, 0, 0, 0, "Timeout in Healthcheck cannot be less than 1ms")]
    [InlineData(0, 0, -1, 0, 0, "Retries in Healthcheck cannot be negative")]
    [InlineData(0, 0, 0, 10, 0, "StartPeriod in Healthcheck cannot be less than 1ms")]
    [InlineData(0, 0, 0, 0, 999_999, "StartInterval in Healthcheck cannot be less than 1ms")]
    public void Validation_refuses_what_docker_refuses(long interval, long timeout, int retries, long startPeriod, long startInterval, string message)
    {
        var h = new HealthConfig { Test = ["CMD", "true"], Interval = interval, Timeout = timeout, Retries = retries, StartPeriod = startPeriod, StartInterval = startInterval };
        Assert.Equal(message, Assert.Throws<BadRequestException>(() => HealthRules.Validate(h)).Message);
        HealthRules.Validate(new HealthConfig { Test = ["CMD", "true"], Interval = Ms, Timeout = Ms, StartPeriod = Ms, StartInterval = Ms });
        HealthRules.Validate(null);
    }

    [Fact]
    public void Timeout_message_quotes_the_duration_as_go_does()
    {
        Assert.Equal("Health check exceeded timeout (300ms)", HealthRules.TimeoutMessage(TimeSpan.FromMilliseconds(300), ""));
        Assert.Equal("Health check exceeded timeout (1m30s): partial\n", HealthRules.TimeoutMessage(TimeSpan.FromSeconds(90), "partial\n"));
    }

    [Fact]
    public void Probe_output_joins_frames_across_writes_and_caps_at_4_KiB()
    {
        static byte[] Frame(byte stream, string text)
        {
            var payload = System.Text.Encoding.UTF8.GetBytes(text);
            var frame = new byte[8 + payload.Length];
            frame[0] = stream;
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)payload.Length);
            payload.CopyTo(frame, 8);
            return frame;
        }
        var output = new ProbeOutput();
        byte[] all = [.. Frame(1, "out "), .. Frame(2, "err\n")];
        // Split inside a header and inside a payload.
        output.Write(all, 0, 3);
        output.Write(all, 3, 7);
        output.Write(all, 10, all.Length - 10);
        Assert.Equal("out err\n", output.Text);

        var big = new ProbeOutput();
        big.Write(Frame(1, new string('a', 5000)));
        Assert.Equal(new string('a', 4096) + "...", big.Text);
    }
}
