using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using Wharf.Engine.Metadata;
using Wharf.Engine.Native;

namespace Wharf.Engine.Networking.Ports;

/// <summary>
/// Host ports held for published container ports. Each is a socket bound (not listening) to the host
/// address and port, as Docker does: no other program can take the port while it is published, and a
/// port some program already uses is refused. Traffic never reaches these sockets: the firewall
/// rewrites it to the container before the local socket lookup. The sockets are made with socket(2) and
/// bind(2) directly: .NET sets SO_REUSEADDR before every bind, which would let other programs that set it
/// too bind the same port.
/// </summary>
internal sealed class PortReservations : IDisposable
{
    private readonly Dictionary<string, List<UnixFd>> _held = [];
    private readonly Lock _lock = new();

    /// <summary>
    /// Chooses and holds host ports for <paramref name="requests"/>. <paramref name="taken"/> are the ports
    /// already published (by any container). Throws <see cref="WharfException"/> (500, Docker's messages)
    /// when a port is allocated or in use; then nothing stays held.
    /// </summary>
    public List<PublishedPortRecord> Reserve(string endpointId, string containerIp, IReadOnlyList<PortRequest> requests, IReadOnlyList<PublishedPortRecord> taken)
    {
        var made = new List<PublishedPortRecord>();
        var sockets = new List<UnixFd>();
        try
        {
            foreach (var r in requests)
            {
                var all = taken.Concat(made).ToList();
                var (port, socket) = r.RandomHostPort ? Random(r, all) : InRange(r, containerIp, all);
                if (socket is not null) sockets.Add(socket);
                made.Add(new PublishedPortRecord(endpointId, r.Proto, r.HostIp, port, r.ContainerPort));
            }
            lock (_lock) _held[endpointId] = sockets;
            return made;
        }
        catch
        {
            foreach (var s in sockets) s.Dispose();
            throw;
        }
    }

    /// <summary>Holds the ports of an endpoint that survived a daemon restart; returns the ones that could not be bound again.</summary>
    public List<PublishedPortRecord> Hold(string endpointId, IEnumerable<PublishedPortRecord> ports)
    {
        var sockets = new List<UnixFd>();
        var failed = new List<PublishedPortRecord>();
        foreach (var p in ports)
        {
            var s = TryBind(p.Proto, p.HostIp, p.HostPort, out _);
            if (s is not null) sockets.Add(s);
            else if (p.Proto != "sctp") failed.Add(p);
        }
        lock (_lock)
        {
            if (_held.Remove(endpointId, out var old)) foreach (var s in old) s.Dispose();
            _held[endpointId] = sockets;
        }
        return failed;
    }

    public void Release(string endpointId)
    {
        List<UnixFd>? sockets;
        lock (_lock) _held.Remove(endpointId, out sockets);
        foreach (var s in sockets ?? []) s.Dispose();
    }

    private static (int, UnixFd?) InRange(PortRequest r, string containerIp, List<PublishedPortRecord> taken)
    {
        var error = 0;
        for (var port = r.HostPortFirst; port <= r.HostPortLast; port++)
        {
            if (Conflicts(r, port, taken)) continue;
            var s = TryBind(r.Proto, r.HostIp, port, out error);
            if (s is not null || r.Proto == "sctp") return (port, s);
        }
        var ports = r.HostPortFirst == r.HostPortLast ? Num(r.HostPortFirst) : $"{Num(r.HostPortFirst)}-{Num(r.HostPortLast)}";
        if (error == 0)
            throw new WharfException($"Bind for {r.HostIp}:{ports} failed: port is already allocated");
        throw new WharfException($"failed to bind host port for {r.HostIp}:{ports}:{containerIp}:{Num(r.ContainerPort)}/{r.Proto}: {Describe(error)}");
    }

    /// <summary>A free port from the kernel's ephemeral range (bind to port 0), not published by another container.</summary>
    private static (int, UnixFd?) Random(PortRequest r, List<PublishedPortRecord> taken)
    {
        var rejected = new List<UnixFd>();
        try
        {
            for (var attempt = 0; attempt < 64; attempt++)
            {
                if (r.Proto == "sctp")
                {
                    var candidate = System.Security.Cryptography.RandomNumberGenerator.GetInt32(32768, 61000);
                    if (!Conflicts(r, candidate, taken)) return (candidate, null);
                    continue;
                }
                var s = TryBind(r.Proto, r.HostIp, 0, out var error)
                    ?? throw new WharfException($"failed to allocate a host port on {r.HostIp} for {Num(r.ContainerPort)}/{r.Proto}: {Describe(error)}");
                var port = LocalPort(s);
                if (!Conflicts(r, port, taken)) return (port, s);
                rejected.Add(s);
            }
            throw new WharfException($"failed to allocate a host port on {r.HostIp} for {Num(r.ContainerPort)}/{r.Proto}: all ports are allocated");
        }
        finally
        {
            foreach (var s in rejected) s.Dispose();
        }
    }

    /// <summary>Same protocol and port, and the same address or either one is "every address".</summary>
    private static bool Conflicts(PortRequest r, int port, IEnumerable<PublishedPortRecord> taken) =>
        taken.Any(t => t.Proto == r.Proto && t.HostPort == port && (t.HostIp == r.HostIp || t.HostIp == "0.0.0.0" || r.HostIp == "0.0.0.0"));

    /// <summary>A socket bound to the address and port (0: the kernel picks), or null with the errno.</summary>
    private static unsafe UnixFd? TryBind(string proto, string hostIp, int port, out int error)
    {
        error = 0;
        if (proto == "sctp") return null;
        var fd = Libc.Socket(Libc.AF_INET, (proto == "udp" ? Libc.SOCK_DGRAM : Libc.SOCK_STREAM) | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            error = Libc.LastErrno;
            return null;
        }
        var s = new UnixFd(fd);
        Ipv4Subnet.TryParseAddress(hostIp, out var ip);
        var address = new Libc.SockAddrIn
        {
            Family = Libc.AF_INET,
            Port = BinaryPrimitives.ReverseEndianness((ushort)port),
            Address = BinaryPrimitives.ReverseEndianness(ip),
        };
        if (Libc.Bind(fd, &address, (uint)sizeof(Libc.SockAddrIn)) == 0) return s;
        error = Libc.LastErrno;
        s.Dispose();
        return null;
    }

    private static unsafe int LocalPort(UnixFd s)
    {
        Libc.SockAddrIn address;
        var length = (uint)sizeof(Libc.SockAddrIn);
        Libc.Check(Libc.GetSockName(s.Value, &address, &length), "reading the bound port", "socket");
        return BinaryPrimitives.ReverseEndianness(address.Port);
    }

    private static string Describe(int errno) => errno switch
    {
        98 => "address already in use",
        99 => "cannot assign requested address",
        _ => Marshal.GetPInvokeErrorMessage(errno).ToLowerInvariant(),
    };

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var s in _held.Values.SelectMany(x => x)) s.Dispose();
            _held.Clear();
        }
    }
}
