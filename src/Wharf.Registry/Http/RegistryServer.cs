using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Wharf.Registry.Auth;
using Wharf.Registry.Protocol;
using Wharf.Registry.Storage;

namespace Wharf.Registry.Http;

/// <summary>`wharf registry serve`: Kestrel on one address (plain or TLS) in front of <see cref="RegistryHandlers"/>.</summary>
public sealed class RegistryServer : IAsyncDisposable
{
    readonly WebApplication _app;

    RegistryServer(WebApplication app, RegistryStore store, IPEndPoint endpoint, bool tls)
    {
        _app = app;
        Store = store;
        Endpoint = endpoint;
        Tls = tls;
    }

    public RegistryStore Store { get; }
    public IPEndPoint Endpoint { get; }
    public bool Tls { get; }

    /// <summary>The port actually bound (useful with port 0).</summary>
    public int Port => _app.Services.GetService(typeof(Microsoft.AspNetCore.Hosting.Server.IServer)) is Microsoft.AspNetCore.Hosting.Server.IServer s
        && s.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses.FirstOrDefault() is { } a
        ? new Uri(a.Replace("0.0.0.0", "127.0.0.1").Replace("[::]", "[::1]")).Port : Endpoint.Port;

    /// <summary>Checks the options (address, htpasswd, certificate), opens the store and binds; FormatException for bad options.</summary>
    public static async Task<RegistryServer> StartAsync(RegistryOptions options, Action<string>? log, CancellationToken ct = default)
    {
        var endpoint = ParseAddress(options.Address);
        if ((options.TlsCert is null) != (options.TlsKey is null)) throw new FormatException("--tls-cert and --tls-key go together");
        X509Certificate2? cert = null;
        if (options.TlsCert is not null)
        {
            try { cert = X509Certificate2.CreateFromPemFile(options.TlsCert, options.TlsKey); }
            catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
            {
                throw new FormatException($"loading TLS certificate {options.TlsCert}: {e.Message}");
            }
        }
        var users = options.HtpasswdFile is null ? null : Htpasswd.Load(options.HtpasswdFile);
        RegistryStore store;
        try { store = new RegistryStore(options.Root); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"opening storage root {options.Root}: {e.Message}");
        }
        var handlers = new RegistryHandlers(store, new AccessControl(users, new TokenService(options.Service, options.TokenLifetime)), log);

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        // Receive as soon as data is there into a buffer already allocated: without this every read is two
        // syscalls (a zero-byte wait, then the data), which doubled recvfrom calls on a 200 MiB push.
        builder.WebHost.UseSockets(o => o.WaitForDataBeforeAllocatingBuffer = false);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            k.Limits.MinRequestBodyDataRate = null;
            k.Limits.MinResponseDataRate = null;
            // Layers are large: bigger buffers mean fewer wake-ups per MiB in both directions.
            k.Limits.MaxRequestBufferSize = 4 << 20;
            k.Limits.MaxResponseBufferSize = 4 << 20;
            k.AddServerHeader = false;
            k.Listen(endpoint, l =>
            {
                l.Protocols = HttpProtocols.Http1AndHttp2;
                if (cert is not null) l.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificate = cert });
                else l.Protocols = HttpProtocols.Http1;
            });
        });
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(5));
        var app = builder.Build();
        app.Run(ctx => handlers.HandleAsync(ctx, ctx.Features.Get<IHttpRequestFeature>()?.RawTarget ?? ctx.Request.Path.Value ?? "/"));
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new FormatException($"listening on {options.Address}: {e.Message}");
        }
        return new RegistryServer(app, store, endpoint, cert is not null);
    }

    /// <summary>Parses "host:port" (":5000" and "0.0.0.0:5000" mean every address; "[::1]:5000" for IPv6).</summary>
    public static IPEndPoint ParseAddress(string address)
    {
        var colon = address.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(address.AsSpan(colon + 1), out var port) || port is < 0 or > 65535)
            throw new FormatException($"invalid address {address}: use host:port, e.g. 127.0.0.1:5000");
        var host = address[..colon].Trim('[', ']');
        if (host.Length == 0) return new IPEndPoint(IPAddress.Any, port);
        if (host == "localhost") return new IPEndPoint(IPAddress.Loopback, port);
        if (!IPAddress.TryParse(host, out var ip)) throw new FormatException($"invalid address {address}: {host} is not an IP address");
        return new IPEndPoint(ip, port);
    }

    public Task WaitForShutdownAsync(CancellationToken ct) => _app.WaitForShutdownAsync(ct);

    public async ValueTask DisposeAsync()
    {
        try { await _app.StopAsync().ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
