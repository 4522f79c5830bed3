using System.Text;
using Wharf.Engine.Logs;

namespace Wharf.Engine.Tests.Logs;

public sealed class LogFormatTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wharf-logs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string P(string name) => Path.Combine(_dir, name);

    private static readonly long T0 = 1_795_000_000L * 1_000_000_000L + 123_456_789L;

    [Fact]
    public void JsonFileLineIsDockersFormat()
    {
        string path = P("c-json.log");
        using (var w = new JsonFileLogWriter(path))
        {
            w.Write(LogStream.Stdout, "hello\n"u8, T0);
            w.Write(LogStream.Stderr, "oops\n"u8, T0 + 1);
        }
        string text = File.ReadAllText(path);
        Assert.Equal(
            "{\"log\":\"hello\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-18T11:06:40.123456789Z\"}\n" +
            "{\"log\":\"oops\\n\",\"stream\":\"stderr\",\"time\":\"2026-11-18T11:06:40.12345679Z\"}\n",
            text);
    }

    [Fact]
    public void EscapingMatchesDocker()
    {
        byte[] input = [(byte)'a', (byte)'"', (byte)'\\', (byte)'\t', 0x01, (byte)'<', (byte)'>', (byte)'&', (byte)'\r', 0xff, 0xe2, 0x80, 0xa8, 0xc3, 0xa9];
        var dest = new byte[input.Length * 6];
        int n = JsonFileLogWriter.EscapeDocker(input, dest);
        Assert.Equal("a\\\"\\\\\\u0009\\u0001\\u003c\\u003e\\u0026\\r\\ufffd\\u2028é", Encoding.UTF8.GetString(dest, 0, n));
    }

    [Theory]
    [InlineData(0L, "1970-01-01T00:00:00Z")]
    [InlineData(1_500_000_000L, "1970-01-01T00:00:01.5Z")]
    [InlineData(1_000_000_001L, "1970-01-01T00:00:01.000000001Z")]
    public void TimesAreGoRfc3339Nano(long nanos, string expected)
    {
        Assert.Equal(expected, LogTime.FormatRfc3339Nano(nanos));
        Assert.True(LogTime.TryParseRfc3339(Encoding.ASCII.GetBytes(expected), out long back));
        Assert.Equal(nanos, back);
    }

    [Fact]
    public void ParsesOffsetsAndShortFractions()
    {
        Assert.True(LogTime.TryParseRfc3339("2026-11-22T20:42:27.5+01:00"u8, out long n));
        Assert.Equal("2026-11-22T19:42:27.5Z", LogTime.FormatRfc3339Nano(n));
        Assert.False(LogTime.TryParseRfc3339("2026-11-22 garbage"u8, out _));
    }

    [Theory]
    [InlineData("20m", 20L * 1024 * 1024)]
    [InlineData("1k", 1024L)]
    [InlineData("10kb", 10240L)]
    [InlineData("1g", 1L << 30)]
    [InlineData("512", 512L)]
    [InlineData("-1", -1L)]
    public void SizesParseLikeDocker(string text, long bytes)
    {
        Assert.True(LogFileOptions.TryParseSize(text, out long v));
        Assert.Equal(bytes, v);
    }

    [Fact]
    public void BadOptionsAreRejected()
    {
        var o = new LogFileOptions();
        Assert.NotNull(o.Apply("max-size=lots"));
        Assert.NotNull(o.Apply("max-file=0"));
        Assert.Null(o.Apply("max-file=3"));
        Assert.Equal(3, o.MaxFiles);
        Assert.Null(o.Apply("labels=a"));
    }

    [Fact]
    public void LongLinesBecomeSixteenKibPartialsSharingTheFirstTime()
    {
        string path = P("long-json.log");
        var line = new byte[40_000];
        Array.Fill(line, (byte)'x');
        using (var w = new JsonFileLogWriter(path))
        {
            // Delivered in odd-sized pieces, as pipes do.
            w.Write(LogStream.Stdout, line.AsSpan(0, 1000), T0);
            w.Write(LogStream.Stdout, line.AsSpan(1000, 20_000), T0 + 10);
            w.Write(LogStream.Stdout, line.AsSpan(21_000), T0 + 20);
            w.Write(LogStream.Stdout, "\n"u8, T0 + 30);
            var exact = new byte[16_383];
            Array.Fill(exact, (byte)'y');
            w.Write(LogStream.Stdout, exact, T0 + 40);
            w.Write(LogStream.Stdout, "\n"u8, T0 + 40);
            var full = new byte[16_384];
            Array.Fill(full, (byte)'z');
            w.Write(LogStream.Stdout, full, T0 + 50);
            w.Write(LogStream.Stdout, "\nend"u8, T0 + 60);
            w.EndOfStream(LogStream.Stdout, T0 + 70);
        }
        var recs = new JsonFileLogReader(path).ReadAll();
        Assert.Equal([16_384, 16_384, 40_000 - 32_768 + 1, 16_384, 16_384, 1, 3], recs.Select(r => r.Bytes.Length).ToArray());
        Assert.Equal([true, true, false, false, true, false, true], recs.Select(r => r.Partial).ToArray());
        Assert.All(recs.Take(3), r => Assert.Equal(T0 + 10, r.TimeNanos));
        Assert.Equal(T0 + 50, recs[5].TimeNanos);
        Assert.Equal("end", Encoding.ASCII.GetString(recs[6].Bytes));
    }

    [Fact]
    public void LinesAcrossWritesAndStreamsStaySeparate()
    {
        string path = P("mix-json.log");
        using (var w = new JsonFileLogWriter(path))
        {
            w.Write(LogStream.Stdout, "ab"u8, T0);
            w.Write(LogStream.Stderr, "E1\nE2"u8, T0 + 1);
            w.Write(LogStream.Stdout, "c\nd\n"u8, T0 + 2);
            w.EndOfStream(LogStream.Stderr, T0 + 3);
        }
        var recs = new JsonFileLogReader(path).ReadAll();
        Assert.Equal(["E1\n", "abc\n", "d\n", "E2"], recs.Select(r => Encoding.ASCII.GetString(r.Bytes)).ToArray());
        Assert.Equal([LogStream.Stderr, LogStream.Stdout, LogStream.Stdout, LogStream.Stderr], recs.Select(r => r.Stream).ToArray());
    }

    private static void WriteLines(LogFileWriter w, int from, int count, long t = 0)
    {
        for (int i = from; i < from + count; i++)
        {
            w.Write(i % 7 == 0 ? LogStream.Stderr : LogStream.Stdout, Encoding.ASCII.GetBytes("line " + i + "\n"), T0 + (t == 0 ? i * 1000L : t));
            w.Flush();
        }
    }

    private static int LineNo(LogRecord r) => int.Parse(Encoding.ASCII.GetString(r.Bytes).Trim()[5..]);

    [Theory]
    [InlineData("json-file")]
    [InlineData("local")]
    public void RotatesLikeDockerAndReadsOldestFirst(string driver)
    {
        string path = P("rot.log");
        var opts = new LogFileOptions { MaxSize = 1024, MaxFiles = 3 };
        using (var w = Make(driver, path, opts))
        {
            WriteLines(w, 0, 500);
        }
        Assert.True(File.Exists(path + ".1"));
        Assert.True(File.Exists(path + ".2"));
        Assert.False(File.Exists(path + ".3"));
        foreach (var f in new[] { path, path + ".1", path + ".2" })
        {
            Assert.InRange(new FileInfo(f).Length, 1, 1024 + 120);
        }
        var recs = Reader(driver, path).ReadAll();
        var nums = recs.Select(LineNo).ToArray();
        Assert.Equal(499, nums[^1]);
        Assert.Equal(Enumerable.Range(nums[0], nums.Length), nums);
        Assert.Equal(LogStream.Stderr, recs.First(r => LineNo(r) % 7 == 0).Stream);
    }

    [Theory]
    [InlineData("json-file")]
    [InlineData("local")]
    public void TailReadsBackwardsAcrossFiles(string driver)
    {
        string path = P("tail.log");
        using (var w = Make(driver, path, new LogFileOptions { MaxSize = 2048, MaxFiles = 50 }))
        {
            WriteLines(w, 0, 400);
        }
        var r = Reader(driver, path);
        Assert.Equal(Enumerable.Range(395, 5), r.ReadAll(new LogReadOptions { Tail = 5 }).Select(LineNo));
        int perFile = r.ReadAll(new LogReadOptions()).Count;
        Assert.Equal(400, perFile);
        Assert.Equal(Enumerable.Range(100, 300), r.ReadAll(new LogReadOptions { Tail = 300 }).Select(LineNo));
        Assert.Equal(400, r.ReadAll(new LogReadOptions { Tail = 100_000 }).Count);
        Assert.Empty(r.ReadAll(new LogReadOptions { Tail = 0 }));
        // Tail first, then since, as Docker does.
        var since = r.ReadAll(new LogReadOptions { Tail = 10, SinceNanos = T0 + 395 * 1000L });
        Assert.Equal(Enumerable.Range(395, 5), since.Select(LineNo));
    }

    [Fact]
    public void TailIgnoresATornLastLine()
    {
        string path = P("torn-json.log");
        using (var w = new JsonFileLogWriter(path))
        {
            WriteLines(w, 0, 10);
        }
        File.AppendAllText(path, "{\"log\":\"half");
        var r = new JsonFileLogReader(path);
        Assert.Equal([8, 9], r.ReadAll(new LogReadOptions { Tail = 2 }).Select(LineNo));
        Assert.Equal(10, r.ReadAll().Count);
    }

    [Fact]
    public void SinceAndUntilSelectByTime()
    {
        string path = P("time-json.log");
        using (var w = new JsonFileLogWriter(path))
        {
            WriteLines(w, 0, 100);
        }
        var r = new JsonFileLogReader(path);
        var got = r.ReadAll(new LogReadOptions { SinceNanos = T0 + 10_000, UntilNanos = T0 + 20_000 });
        Assert.Equal(Enumerable.Range(10, 11), got.Select(LineNo));
    }

    [Theory]
    [InlineData("json-file")]
    [InlineData("local")]
    public async Task FollowKeepsReadingAcrossRotations(string driver)
    {
        string path = P("follow.log");
        var opts = new LogFileOptions { MaxSize = 600, MaxFiles = 1000 };
        var w = Make(driver, path, opts);
        WriteLines(w, 0, 5);
        var stop = new TaskCompletionSource();
        var options = new LogReadOptions { Follow = true, StopFollowing = stop.Task, PollInterval = TimeSpan.FromMilliseconds(10) };
        var seen = new List<int>();
        var reading = Task.Run(async () =>
        {
            await foreach (var rec in Reader(driver, path).ReadAsync(options))
            {
                seen.Add(LineNo(rec));
            }
        });
        for (int i = 5; i < 300; i += 5)
        {
            WriteLines(w, i, 5);
            await Task.Delay(i % 50 == 0 ? 30 : 1);
        }
        w.Dispose();
        await Task.Delay(100);
        stop.SetResult();
        await reading.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(File.Exists(path + ".5"));
        Assert.Equal(Enumerable.Range(0, 300), seen);
    }

    [Fact]
    public async Task FollowWithTailStartsAtTheEnd()
    {
        string path = P("ft-json.log");
        using var w = new JsonFileLogWriter(path);
        WriteLines(w, 0, 50);
        using var cts = new CancellationTokenSource();
        var seen = new List<int>();
        var reading = Task.Run(async () =>
        {
            await foreach (var rec in new JsonFileLogReader(path).ReadAsync(new LogReadOptions { Follow = true, Tail = 2, PollInterval = TimeSpan.FromMilliseconds(10) }, cts.Token))
            {
                lock (seen)
                {
                    seen.Add(LineNo(rec));
                }
            }
        });
        // The tail is taken when the reader starts: write the new lines only once it has shown the last two.
        for (int i = 0; i < 500; i++)
        {
            lock (seen)
            {
                if (seen.Count >= 2) break;
            }
            await Task.Delay(10);
        }
        WriteLines(w, 50, 3);
        for (int i = 0; i < 500 && seen.Count < 5; i++)
        {
            await Task.Delay(10);
        }
        cts.Cancel();
        await reading.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal([48, 49, 50, 51, 52], seen);
    }

    [Fact]
    public void LocalFormatRoundTripsStreamsPartialsAndTimes()
    {
        string path = P("container.log");
        using (var w = new LocalLogWriter(path))
        {
            w.Write(LogStream.Stdout, "one\n"u8, T0);
            w.Write(LogStream.Stderr, "two\nthr"u8, T0 + 5);
            w.EndOfStream(LogStream.Stderr, T0 + 9);
        }
        var recs = new LocalLogReader(path).ReadAll();
        Assert.Equal(3, recs.Count);
        Assert.Equal(new LogRecord(LogStream.Stdout, T0, "one\n"u8.ToArray()).Stream, recs[0].Stream);
        Assert.Equal("one\n", Encoding.ASCII.GetString(recs[0].Bytes));
        Assert.Equal(LogStream.Stderr, recs[1].Stream);
        Assert.Equal(T0 + 5, recs[1].TimeNanos);
        Assert.Equal("thr", Encoding.ASCII.GetString(recs[2].Bytes));
        Assert.True(recs[2].Partial);
        Assert.Equal(3 * (8 + 2 + 8 + 3), (int)new FileInfo(path).Length);
    }

    [Fact]
    public void ReadsDockerWrittenLines()
    {
        string path = P("docker-json.log");
        File.WriteAllText(path,
            "{\"log\":\"caf\\u00e9 \\u003cb\\u003e\\n\",\"stream\":\"stdout\",\"time\":\"2023-05-17T08:29:30.70815367Z\"}\n" +
            "{\"log\":\"x\\n\",\"stream\":\"stderr\",\"attrs\":{\"tag\":\"a\"},\"time\":\"2023-05-17T08:29:31Z\"}\n" +
            "not json\n");
        var recs = new JsonFileLogReader(path).ReadAll();
        Assert.Equal(2, recs.Count);
        Assert.Equal("café <b>\n", Encoding.UTF8.GetString(recs[0].Bytes));
        Assert.Equal(new DateTime(2023, 5, 17, 8, 29, 30, DateTimeKind.Utc).AddTicks(7081536), recs[0].Time);
        Assert.Equal(LogStream.Stderr, recs[1].Stream);
    }

    private static LogFileWriter Make(string driver, string path, LogFileOptions o)
        => driver == "local" ? new LocalLogWriter(path, o) : new JsonFileLogWriter(path, o);

    private static RotatedLogReader Reader(string driver, string path)
        => driver == "local" ? new LocalLogReader(path) : new JsonFileLogReader(path);
}
