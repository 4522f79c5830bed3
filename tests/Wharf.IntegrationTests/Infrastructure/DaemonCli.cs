namespace Wharf.IntegrationTests.Infrastructure;

/// <summary>CLI calls that must succeed: the test fails with the command, its output and the daemon's log otherwise.</summary>
internal static class DaemonCli
{
    public static Task<string> DockerOkAsync(this WharfDaemon d, params string[] args) => d.DockerOkAsync(TimeSpan.FromMinutes(2), args);

    public static async Task<string> DockerOkAsync(this WharfDaemon d, TimeSpan timeout, params string[] args)
    {
        var r = await d.DockerAsync(args, null, timeout);
        Assert.True(r.ExitCode == 0, $"docker {string.Join(' ', args)} failed: {r}\n{d.Log}");
        return r.Stdout;
    }
}
