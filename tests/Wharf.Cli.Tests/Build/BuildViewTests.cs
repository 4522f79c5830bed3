using Wharf.Cli.Build;

namespace Wharf.Cli.Tests.Build;

public sealed class BuildViewTests
{
    private const string Up2 = "\x1b[2F\x1b[J";

    [Fact]
    public void Plain_output_is_the_stream_as_sent()
    {
        var w = new StringWriter();
        var view = new BuildView(w, tty: false);
        view.Write("[a] Step 1/2 : FROM busybox\n");
        view.Write("hello");
        view.Finish();
        Assert.Equal("[a] Step 1/2 : FROM busybox\nhello", w.ToString());
    }

    [Fact]
    public void A_tty_shows_one_live_line_per_stage_below_the_log_and_removes_it_at_the_end()
    {
        var w = new StringWriter();
        var view = new BuildView(w, tty: true);
        view.Write("[a] Step 1/2 : FROM busybox\n[b] Step 1/3 : FROM busybox\n");
        var first = w.ToString();
        Assert.EndsWith("\x1b[2m=> [a] Step 1/2 : FROM busybox\x1b[0m\n\x1b[2m=> [b] Step 1/3 : FROM busybox\x1b[0m\n", first);

        view.Write("[b] Step 2/3 : RUN make\n");
        var second = w.ToString()[first.Length..];
        // The old block is erased before the new log line, then drawn again with stage b's new step.
        Assert.StartsWith(Up2 + "\x1b[1m[b] Step 2/3 : RUN make\x1b[0m\n", second);
        Assert.EndsWith("=> [a] Step 1/2 : FROM busybox\x1b[0m\n\x1b[2m=> [b] Step 2/3 : RUN make\x1b[0m\n", second);

        view.Finish();
        Assert.EndsWith(Up2, w.ToString());
    }

    [Fact]
    public void The_block_waits_under_a_half_written_line_and_long_steps_fit_one_row()
    {
        var w = new StringWriter();
        var view = new BuildView(w, tty: true, columns: 20);
        view.Write("Step 2/2 : RUN echo a-very-long-command-line\n");
        Assert.EndsWith("\x1b[2m=> Step 2/2 : RUN \u2026\x1b[0m\n", w.ToString());
        view.Write("partial");
        Assert.EndsWith("\x1b[1F\x1b[Jpartial", w.ToString());
        view.Write(" output\n");
        Assert.EndsWith(" output\n\x1b[2m=> Step 2/2 : RUN \u2026\x1b[0m\n", w.ToString());
    }
}
