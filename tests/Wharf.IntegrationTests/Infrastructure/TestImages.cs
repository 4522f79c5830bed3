namespace Wharf.IntegrationTests.Infrastructure;

/// <summary>The busybox root filesystem tar, built once per test run from Debian's busybox-static.</summary>
public static class TestImages
{
    private static readonly Lazy<string> Rootfs = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string BusyboxRootfs => Environment.GetEnvironmentVariable("WHARF_TEST_ROOTFS") is { Length: > 0 } p && File.Exists(p) ? p : Rootfs.Value;

    private static string Build()
    {
        var path = Path.Combine(Path.GetTempPath(), $"wharf-test-busybox-{Environment.ProcessId}.tar");
        var r = ProcessRunner.RunAsync("bash", [Path.Combine(Repo.Root, "scripts", "make-busybox-rootfs.sh"), path]).GetAwaiter().GetResult();
        if (r.ExitCode != 0) throw new InvalidOperationException("building the busybox rootfs failed: " + r);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(path);
        return path;
    }
}
