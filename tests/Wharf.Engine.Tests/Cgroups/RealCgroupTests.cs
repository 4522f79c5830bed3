using System.Diagnostics;
using Wharf.Engine.Cgroups;
using Xunit.Abstractions;

namespace Wharf.Engine.Tests.Cgroups;

/// <summary>
/// Tests against this host's real cgroups: a throw-away cgroup /wharf-test-cg-&lt;rand&gt; with a child
/// process in it. They return early (pass) when not root or when cgroups are not writable.
/// </summary>
public sealed class RealCgroupTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _name = "wharf-test-cg-" + Guid.NewGuid().ToString("N")[..10];
    private readonly List<Process> _processes = [];
    private CgroupManagerBase? _mgr;
    private CgroupPaths? _paths;

    public Task InitializeAsync()
    {
        if (Environment.UserName != "root" && Environment.GetEnvironmentVariable("USER") != "root")
        {
            return Task.CompletedTask;
        }
        try
        {
            var mgr = CgroupManager.Create();
            if (mgr.Host.IsV2)
            {
                // Make memory and pids files appear in children of the root.
                try
                {
                    File.WriteAllText(Path.Combine(mgr.Host.UnifiedMount!, "cgroup.subtree_control"), "+memory +pids +cpu");
                }
                catch (IOException)
                {
                }
            }
            var paths = mgr.PathsFor("/", _name);
            mgr.Create(paths);
            _mgr = mgr;
            _paths = paths;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            output.WriteLine("cgroups not writable here: " + e.Message);
        }
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var p in _processes)
        {
            try
            {
                if (!p.HasExited)
                {
                    p.Kill();
                    await p.WaitForExitAsync();
                }
            }
            catch (InvalidOperationException)
            {
            }
            p.Dispose();
        }
        if (_mgr != null && _paths != null)
        {
            bool removed = await _mgr.RemoveAsync("/", _name);
            Assert.True(removed, "test cgroup left behind: " + _paths.Relative);
            Assert.All(_paths.AllDirectories, d => Assert.False(Directory.Exists(d), d));
        }
    }

    /// <summary>Starts a shell that joins the test cgroup (so everything it then allocates is charged) and execs <paramref name="script"/>.</summary>
    private Process StartInCgroup(string script)
    {
        var procsFiles = new List<string>();
        foreach (string c in new[] { "memory", "pids", "cpu", "cpuacct", "freezer" })
        {
            if (_paths!.For(c) is string d && Directory.Exists(d) && !procsFiles.Contains(Path.Combine(d, "cgroup.procs")))
            {
                procsFiles.Add(Path.Combine(d, "cgroup.procs"));
            }
        }
        var psi = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("for f in \"$@\"; do echo $$ > \"$f\" || exit 99; done; " + script);
        psi.ArgumentList.Add("sh");
        foreach (var f in procsFiles)
        {
            psi.ArgumentList.Add(f);
        }
        var p = Process.Start(psi)!;
        _processes.Add(p);
        return p;
    }

    private async Task WaitForPidsAsync(int count)
    {
        var sw = Stopwatch.StartNew();
        while (_mgr!.ListPids(_paths!).Count < count && sw.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task StatsPidsAndProcessTableOfARealCgroup()
    {
        if (_mgr == null)
        {
            return;
        }
        var p = StartInCgroup("exec sleep 60");
        await WaitForPidsAsync(1);
        await Task.Delay(50);

        var pids = _mgr.ListPids(_paths!);
        Assert.Equal([p.Id], pids);

        var s = _mgr.ReadStats(_paths!);
        Assert.True(s.Memory.Usage > 0, "memory usage");
        Assert.True(s.Pids.Current >= 1, "pids.current");
        Assert.True(s.Cpu.SystemCpuUsage > 0);
        Assert.True(s.Cpu.OnlineCpus >= 1);
        Assert.True(s.Cpu.CpuUsage.TotalUsage > 0, "cpu usage");
        Assert.NotNull(s.Memory.Stats);
        Assert.False(await _mgr.WasOomKilledAsync(_paths!));
        Assert.Equal(0UL, _mgr.ReadOomKillCount(_paths!) ?? 0);
        if (!_mgr.Host.IsV2)
        {
            Assert.Equal(FreezerState.Thawed, _mgr.ReadFreezerState(_paths!));
        }

        // Figure: the cost of one stats read.
        const int n = 2000;
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < n; i++)
        {
            _mgr.ReadStats(_paths!);
        }
        sw.Stop();
        long before = GC.GetAllocatedBytesForCurrentThread();
        _mgr.ReadStats(_paths!);
        long alloc = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"ReadStats: {sw.Elapsed.TotalMicroseconds / n:F1} µs per read (cgroup v{_mgr.Version}, {_mgr.Host.Mode}), {alloc} bytes allocated");

        var table = new ProcessTable().Render(pids);
        Assert.Equal(["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"], table.Titles);
        var row = Assert.Single(table.Processes);
        Assert.Equal("root", row[0]);
        Assert.Equal(p.Id.ToString(), row[1]);
        Assert.Equal(Environment.ProcessId.ToString(), row[2]);
        Assert.Equal("sleep 60", row[7]);
        var aux = new ProcessTable().Render(pids, "aux");
        Assert.Equal("sleep 60", aux.Processes[0][10]);
        Assert.StartsWith("S", aux.Processes[0][7]);
        output.WriteLine(string.Join(" ", row) + " | " + string.Join(" ", aux.Processes[0]));

        // Busy cgroup: removal gives up (the live process keeps it), the directory stays.
        _mgr.RemoveTimeout = TimeSpan.FromMilliseconds(100);
        Assert.False(await _mgr.RemoveAsync("/", _name));
        Assert.True(_mgr.Exists(_paths!));
        _mgr.RemoveTimeout = TimeSpan.FromSeconds(3);
    }

    [Fact]
    public async Task UpdateWritesLimitsThatStatsSee()
    {
        if (_mgr == null)
        {
            return;
        }
        _mgr.ApplyUpdate(_paths!, new ResourceUpdate { Memory = 64L << 20, PidsLimit = 50, NanoCpus = 500_000_000 });
        var s = _mgr.ReadStats(_paths!);
        Assert.Equal(64UL << 20, s.Memory.Limit);
        Assert.Equal(50UL, s.Pids.Limit);
        string quotaFile = _mgr.Host.IsV2 ? Path.Combine(_paths!.Unified!, "cpu.max") : Path.Combine(_paths!.For("cpu")!, "cpu.cfs_quota_us");
        if (File.Exists(quotaFile))
        {
            Assert.StartsWith("50000", File.ReadAllText(quotaFile));
        }
        _mgr.ApplyUpdate(_paths!, new ResourceUpdate { Memory = -1, PidsLimit = 0 });
        s = _mgr.ReadStats(_paths!);
        Assert.Equal(0UL, s.Pids.Limit);
        Assert.True(s.Memory.Limit > 64UL << 20);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task OomKillIsDetectedByCounterAndWatcher()
    {
        if (_mgr == null)
        {
            return;
        }
        using var watcher = _mgr.CreateOomWatcher();
        var events = new List<OomEvent>();
        var seen = new TaskCompletionSource();
        watcher.Oom += e =>
        {
            lock (events)
            {
                events.Add(e);
            }
            seen.TrySetResult();
        };
        Assert.True(watcher.Watch("c1", _paths!));

        _mgr.ApplyUpdate(_paths!, new ResourceUpdate { Memory = 8L << 20 });
        var sw = Stopwatch.StartNew();
        var p = StartInCgroup("x=$(head -c 67108864 /dev/zero | tr '\\0' x); echo survived ${#x}");
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        string stdout = await p.StandardOutput.ReadToEndAsync();
        output.WriteLine($"exit {p.ExitCode} after {sw.ElapsedMilliseconds} ms: {stdout.Trim()}");
        Assert.DoesNotContain("survived 67108864", stdout);

        Assert.True(await _mgr.WasOomKilledAsync(_paths!));
        Assert.True(_mgr.ReadOomKillCount(_paths!) >= 1);
        await seen.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(watcher.SawOom("c1"));
        lock (events)
        {
            Assert.All(events, e => Assert.Equal("c1", e.Key));
        }
        var s = _mgr.ReadStats(_paths!);
        Assert.Equal(8UL << 20, s.Memory.Limit);
        if (!_mgr.Host.IsV2)
        {
            Assert.True(s.Memory.Failcnt > 0);
        }
        watcher.Unwatch("c1");
        Assert.False(watcher.SawOom("c1"));
    }

    [Fact]
    public async Task RemovalTakesNestedCgroupsAndOnlyTheContainer()
    {
        if (_mgr == null)
        {
            return;
        }
        // The test cgroup acts as a daemon parent with two containers, one holding a nested cgroup.
        var a = _mgr.PathsFor(_name, "a");
        var b = _mgr.PathsFor(_name, "b");
        _mgr.Create(a);
        _mgr.Create(b);
        _mgr.Create(_mgr.PathsFor(_name + "/a", "nested"));
        Assert.Equal(["a", "b"], _mgr.ListChildren(_name));

        Assert.True(await _mgr.RemoveAsync(_name, "a"));
        Assert.False(_mgr.Exists(a));
        Assert.True(_mgr.Exists(b));
        Assert.Equal(["b"], _mgr.ListChildren(_name));
        Assert.True(await _mgr.RemoveAsync(_name, "a")); // already gone
        Assert.False(_mgr.RemoveParentIfEmpty(_name));
        Assert.True(await _mgr.RemoveAsync(_name, "b"));
        Assert.Empty(_mgr.ListChildren(_name));
        Assert.Throws<ArgumentException>(() => _mgr.PathsFor(_name, ".."));
    }

    [Fact]
    public async Task ManyCreateRemoveCyclesLeaveNothing()
    {
        if (_mgr == null)
        {
            return;
        }
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < 200; i++)
        {
            string id = "c" + i;
            _mgr.Create(_mgr.PathsFor(_name, id));
            Assert.True(await _mgr.RemoveAsync(_name, id));
        }
        output.WriteLine($"200 create/remove cycles: {sw.ElapsedMilliseconds} ms");
        Assert.Empty(_mgr.ListChildren(_name));
    }
}
