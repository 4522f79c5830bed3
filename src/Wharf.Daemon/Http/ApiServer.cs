using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;
using Wharf.Api.Json;
using Wharf.Api.Models;
using Wharf.Engine;
using Wharf.Engine.Configuration;

namespace Wharf.Daemon.Http;

/// <summary>Kestrel on the daemon's sockets, with Docker's headers, version prefixes and error bodies in one place.</summary>
public static partial class ApiServer
{
    public const string MaxApiVersion = "1.47";
    public const string MinApiVersion = "1.24";

    public static WebApplication Build(DaemonOptions options, ApiRouter router, ILogger log)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // A receive without waiting for readiness first: half the wake-ups per 4 KiB of a streamed body (build contexts, loads).
        builder.WebHost.UseSockets(s => s.WaitForDataBeforeAllocatingBuffer = false);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            k.Limits.MinRequestBodyDataRate = null;
            k.Limits.MinResponseDataRate = null;
            k.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(10);
            k.AddServerHeader = false;
            // bzip2 and xz decompressors read synchronously from the request body.
            k.AllowSynchronousIO = true;
            foreach (var host in options.Hosts) Listen(k, host, options, log);
        });
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(5));
        var app = builder.Build();
        var stopping = app.Lifetime.ApplicationStopping;
        app.Run((RequestDelegate)(async ctx =>
        {
            // Long polls and streams (wait, events, logs -f, attach) end when the daemon shuts down.
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, stopping);
            ctx.RequestAborted = linked.Token;
            await HandleAsync(ctx, router, log, options);
        }));
        return app;
    }

    private static void Listen(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions k, string host, DaemonOptions o, ILogger log)
    {
        if (host.StartsWith("unix://", StringComparison.Ordinal))
        {
            var path = host[7..];
            k.ListenUnixSocket(path, l => l.Use(HijackConnectionMiddleware.Create()));
            return;
        }
        if (!host.StartsWith("tcp://", StringComparison.Ordinal)) throw new FormatException($"invalid host {host}: use unix:///path or tcp://addr:port");
        var uri = new Uri(host.Replace("tcp://", "http://"));
        var hostPart = uri.Host.Trim('[', ']');
        var address = hostPart is "" or "0.0.0.0" ? IPAddress.Any
            : IPAddress.TryParse(hostPart, out var ip) ? ip
            : Dns.GetHostAddresses(hostPart).FirstOrDefault() ?? throw new FormatException($"invalid host {host}: cannot resolve {hostPart}");
        // Uri treats :80 as "default"; only an address without any port gets Docker's 2375/2376.
        bool noPort = !host[6..].Contains(':') || host.EndsWith(']');
        int port = noPort ? (o.TlsCert is null ? 2375 : 2376) : uri.Port;
        if (o.TlsCert is null || o.TlsKey is null)
        {
            if (!o.InsecureTcp)
                throw new FormatException($"refusing to serve {host} without TLS: give --tlscert and --tlskey (and --tlsverify --tlscacert), or --insecure-tcp");
            log.LogWarning("SERVING THE API ON {Host} WITHOUT TLS: anyone who can reach it is root on this machine", host);
            k.Listen(address, port, l => l.Use(HijackConnectionMiddleware.Create()));
            return;
        }
        var cert = X509Certificate2.CreateFromPemFile(o.TlsCert, o.TlsKey);
        X509Certificate2Collection? ca = null;
        if (o.TlsVerify)
        {
            if (o.TlsCaCert is null) throw new FormatException("--tlsverify needs --tlscacert");
            ca = [];
            ca.ImportFromPemFile(o.TlsCaCert);
        }
        k.Listen(address, port, l => l.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = cert,
            ClientCertificateMode = o.TlsVerify ? ClientCertificateMode.RequireCertificate : ClientCertificateMode.NoCertificate,
            ClientCertificateValidation = (c, chain, errors) =>
            {
                if (ca is null) return true;
                using var ch = new X509Chain();
                ch.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                ch.ChainPolicy.CustomTrustStore.AddRange(ca);
                ch.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return ch.Build(c);
            },
        }).Use(HijackConnectionMiddleware.Create()));
    }

    private static async Task HandleAsync(HttpContext ctx, ApiRouter router, ILogger log, DaemonOptions options)
    {
        var res = ctx.Response;
        res.Headers["Api-Version"] = MaxApiVersion;
        res.Headers["Server"] = $"Wharf/{WharfVersion.Version} (linux)";
        res.Headers["Docker-Experimental"] = "false";
        res.Headers["Ostype"] = "linux";
        var path = ctx.Request.Path.Value ?? "/";
        var version = MaxApiVersion;
        try
        {
            var m = VersionPrefix().Match(path);
            if (m.Success)
            {
                version = m.Groups[1].Value;
                path = path[m.Length..];
                if (path.Length == 0) path = "/";
                if (CompareVersions(version, MaxApiVersion) > 0)
                    throw new BadRequestException($"client version {version} is too new. Maximum supported API version is {MaxApiVersion}");
                if (CompareVersions(version, MinApiVersion) < 0)
                    throw new BadRequestException($"client version {version} is too old. Minimum supported API version is {MinApiVersion}, please upgrade your client to a newer version");
            }
            var values = new Dictionary<string, string>();
            var handler = router.Match(ctx.Request.Method, path, values, out var mismatch)
                ?? throw (mismatch ? new WharfException("method not allowed", 405) : new NotFoundException($"page not found"));
            if (options.Debug) log.LogDebug("{Method} {Path}", ctx.Request.Method, ctx.Request.Path + ctx.Request.QueryString);
            await handler(new ApiContext(ctx, values, version));
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            var status = e is WharfException we ? we.StatusCode : 500;
            if (status >= 500) log.LogError(e, "{Method} {Path}", ctx.Request.Method, path);
            else if (options.Debug) log.LogDebug("{Method} {Path}: {Status} {Message}", ctx.Request.Method, path, status, e.Message);
            if (res.HasStarted)
            {
                // Mid-stream failures go into the stream, as Docker reports them.
                if (res.ContentType == "application/json")
                    try
                    {
                        await new ApiContext(ctx, [], version).ProgressAsync(new ProgressMessage { Error = e.Message, ErrorDetail = new ErrorDetail { Message = e.Message } });
                    }
                    catch (Exception) { }
                else
                    // A tar stream cut short must not look complete: drop the connection.
                    ctx.Abort();
                return;
            }
            res.Clear();
            res.Headers["Api-Version"] = MaxApiVersion;
            res.StatusCode = status;
            // Exactly this content type: with a charset the docker CLI prints the raw JSON instead of the message.
            res.ContentType = "application/json";
            if (ctx.Request.Method != "HEAD")
                await System.Text.Json.JsonSerializer.SerializeAsync(res.Body, new ErrorResponse { Message = e.Message }, WharfJsonContext.Default.ErrorResponse);
        }
    }

    public static int CompareVersions(string a, string b)
    {
        var pa = a.Split('.');
        var pb = b.Split('.');
        for (int i = 0; i < Math.Max(pa.Length, pb.Length); i++)
        {
            int x = i < pa.Length && int.TryParse(pa[i], out var xa) ? xa : 0;
            int y = i < pb.Length && int.TryParse(pb[i], out var yb) ? yb : 0;
            if (x != y) return x.CompareTo(y);
        }
        return 0;
    }

    [GeneratedRegex(@"^/v(\d+\.\d+)(?=/|$)")]
    private static partial Regex VersionPrefix();
}
