using System.Net;
using System.Net.Sockets;
using Wharf.Engine.Networking.Firewall;

namespace Wharf.Engine.Networking.Ports;

/// <summary>
/// TCP ports published on every address also answer on the host's IPv6 loopback, <c>[::1]</c>, where
/// clients that resolve <c>localhost</c> to ::1 first go. IPv4 (127.0.0.1 included) goes through the
/// kernel's NAT; the IPv6 loopback cannot be NATed to a container's IPv4 address, so a small relay
/// listens there and copies bytes both ways, half-closes included. One listener per published port,
/// started with the endpoint and stopped with it.
/// </summary>
internal sealed class LoopbackProxy : IDisposable
{
    private readonly Dictionary<string, List<Listener>> _byEndpoint = [];
    private readonly Lock _lock = new();

    /// <summary>Starts relays for the TCP ports of <paramref name="ports"/> published on every address.</summary>
    public void Start(string endpointId, IEnumerable<PortForward> ports)
    {
        var started = new List<Listener>();
        foreach (var p in ports.Where(p => p.Proto == "tcp" && p.HostIp is "0.0.0.0" or ""))
        {
            if (!IPAddress.TryParse(p.ContainerIp, out var target)) continue;
            try
            {
                started.Add(Listener.Start(p.HostPort, new IPEndPoint(target, p.ContainerPort)));
            }
            catch (SocketException)
            {
                // Another program has [::1]:port, or the host has no IPv6: IPv4 still works, as with
                // Docker without IPv6 support.
            }
        }
        List<Listener>? old;
        lock (_lock)
        {
            _byEndpoint.Remove(endpointId, out old);
            _byEndpoint[endpointId] = started;
        }
        foreach (var l in old ?? []) l.Dispose();
    }

    public void Stop(string endpointId)
    {
        List<Listener>? listeners;
        lock (_lock) _byEndpoint.Remove(endpointId, out listeners);
        foreach (var l in listeners ?? []) l.Dispose();
    }

    public void Dispose()
    {
        List<Listener> all;
        lock (_lock)
        {
            all = [.. _byEndpoint.Values.SelectMany(l => l)];
            _byEndpoint.Clear();
        }
        foreach (var l in all) l.Dispose();
    }

    private sealed class Listener : IDisposable
    {
        private readonly Socket _socket;
        private readonly IPEndPoint _target;
        private readonly CancellationTokenSource _stop = new();

        private Listener(Socket socket, IPEndPoint target)
        {
            _socket = socket;
            _target = target;
        }

        public static Listener Start(int port, IPEndPoint target)
        {
            var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = false };
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.IPv6Loopback, port));
                socket.Listen(512);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            var l = new Listener(socket, target);
            _ = l.AcceptLoopAsync();
            return l;
        }

        private async Task AcceptLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket client;
                try { client = await _socket.AcceptAsync(_stop.Token); }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { return; }
                _ = RelayAsync(client);
            }
        }

        private async Task RelayAsync(Socket client)
        {
            using var _ = client;
            using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            client.NoDelay = true;
            try
            {
                using var connect = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                connect.CancelAfter(TimeSpan.FromSeconds(10));
                await upstream.ConnectAsync(_target, connect.Token);
                await Task.WhenAll(PumpAsync(client, upstream), PumpAsync(upstream, client));
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The container refused or went away: the client sees its connection closed.
            }
        }

        /// <summary>Copies until the source's end, then passes the half-close on.</summary>
        private async Task PumpAsync(Socket from, Socket to)
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    var n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    if (n == 0) break;
                    for (var sent = 0; sent < n;) sent += await to.SendAsync(buffer.AsMemory(sent, n - sent), SocketFlags.None, _stop.Token);
                }
                to.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // A reset on one side ends both.
                try { to.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _socket.Dispose();
        }
    }
}
