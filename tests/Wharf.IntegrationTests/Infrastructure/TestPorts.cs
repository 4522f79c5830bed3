using System.Net;
using System.Net.Sockets;

namespace Wharf.IntegrationTests.Infrastructure;

/// <summary>Host ports for publishing tests: random, outside the ephemeral range daemons pick from, and free right now.</summary>
public static class TestPorts
{
    public static int Free()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(20000, 30000);
            if (IsFree(port, SocketType.Stream, ProtocolType.Tcp) && IsFree(port, SocketType.Dgram, ProtocolType.Udp)) return port;
        }
        throw new InvalidOperationException("no free port found in 20000-29999");
    }

    /// <summary>True when <paramref name="count"/> ports from <paramref name="first"/> on are all free.</summary>
    public static bool IsFreeRange(int first, int count) =>
        Enumerable.Range(first, count).All(p => IsFree(p, SocketType.Stream, ProtocolType.Tcp));

    private static bool IsFree(int port, SocketType type, ProtocolType proto)
    {
        using var s = new Socket(AddressFamily.InterNetwork, type, proto);
        try
        {
            s.Bind(new IPEndPoint(IPAddress.Any, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>GETs a URL with curl until it answers (or the time is up); returns the body, or null.</summary>
    public static async Task<string?> CurlAsync(string url, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var r = await ProcessRunner.RunAsync("curl", ["-sf", "--max-time", "2", "--noproxy", "*", url]);
            if (r.ExitCode == 0) return r.Stdout;
            if (DateTime.UtcNow > deadline) return null;
            await Task.Delay(100);
        }
    }
}
