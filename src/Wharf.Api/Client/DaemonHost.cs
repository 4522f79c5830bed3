namespace Wharf.Api.Client;

/// <summary>A parsed daemon address: <c>unix:///path</c> or <c>tcp://host:port</c>.</summary>
public sealed record DaemonHost(string Scheme, string Address, int Port, string Original)
{
    /// <summary>Where the daemon listens when nothing else is configured.</summary>
    public const string DefaultHost = "unix:///run/wharf/wharf.sock";

    /// <summary>The default TCP port without TLS, like docker's 2375; with TLS 2376.</summary>
    public const int DefaultTcpPort = 2375;
    public const int DefaultTlsPort = 2376;

    public bool IsUnix => Scheme == "unix";

    /// <summary>Parses a host as docker does (<c>unix://</c>, <c>tcp://</c>, <c>http://</c>, bare <c>host:port</c>, <c>fd://</c> unsupported).</summary>
    public static DaemonHost Parse(string host, bool tls = false)
    {
        var s = host.Trim();
        if (s.Length == 0) s = DefaultHost;
        if (s.StartsWith("unix://", StringComparison.Ordinal))
        {
            var path = s["unix://".Length..];
            if (path.Length == 0) path = "/run/wharf/wharf.sock";
            return new DaemonHost("unix", path, 0, s);
        }
        if (s.StartsWith('/'))
            return new DaemonHost("unix", s, 0, "unix://" + s);
        string rest;
        if (s.StartsWith("tcp://", StringComparison.Ordinal)) rest = s["tcp://".Length..];
        else if (s.StartsWith("http://", StringComparison.Ordinal)) rest = s["http://".Length..];
        else if (s.StartsWith("https://", StringComparison.Ordinal)) rest = s["https://".Length..];
        else if (!s.Contains("://", StringComparison.Ordinal)) rest = s;
        else throw new FormatException($"invalid bind address ({s}): unsupported proto '{s[..s.IndexOf(':')]}'");
        var slash = rest.IndexOf('/');
        if (slash >= 0) rest = rest[..slash];
        string addr = rest;
        int port = tls ? DefaultTlsPort : DefaultTcpPort;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']');
            if (close < 0) throw new FormatException($"invalid bind address ({s})");
            addr = rest[1..close];
            if (close + 1 < rest.Length && rest[close + 1] == ':') port = ParsePort(rest[(close + 2)..], s);
        }
        else
        {
            var colon = rest.LastIndexOf(':');
            if (colon >= 0)
            {
                addr = rest[..colon];
                if (colon + 1 < rest.Length) port = ParsePort(rest[(colon + 1)..], s);
            }
        }
        if (addr.Length == 0) addr = "127.0.0.1";
        return new DaemonHost("tcp", addr, port, s.Contains("://", StringComparison.Ordinal) ? s : "tcp://" + s);
    }

    static int ParsePort(string p, string s) =>
        int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw new FormatException($"invalid bind address ({s}): invalid port");
}
