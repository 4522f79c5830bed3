using System.Runtime.InteropServices;
using Wharf.Cli.Containers;
using Wharf.Cli.Parsing;
using Wharf.Registry;
using Wharf.Registry.Http;
using Wharf.Registry.Storage;

namespace Wharf.Cli.Commands;

/// <summary>`wharf registry serve` and `wharf registry garbage-collect`: Wharf's own OCI registry server.</summary>
internal static class RegistryCommands
{
    public static CommandDef Group() => new CommandDef("registry", "Run a private image registry (OCI distribution)") { Group = "management" }.Add(
        Serve(), GarbageCollect());

    static CommandDef Serve() => new CommandDef("serve [OPTIONS]", "Serve a registry (OCI distribution spec, Docker Registry v2)")
    {
        Args = ArgsRule.None,
        Run = ServeAsync,
    }
        .Flag(new FlagDef("addr", null, FlagType.String, "Address to listen on (host:port)", "127.0.0.1:5000"))
        .Flag(new FlagDef("root", null, FlagType.String, "Storage directory", RegistryOptions.DefaultRoot))
        .Flag(new FlagDef("htpasswd", null, FlagType.String, "htpasswd file of bcrypt users (htpasswd -B); turns anonymous access off"))
        .Flag(new FlagDef("tls-cert", null, FlagType.String, "TLS certificate (PEM)"))
        .Flag(new FlagDef("tls-key", null, FlagType.String, "TLS private key (PEM)"));

    static CommandDef GarbageCollect() => new CommandDef("garbage-collect [OPTIONS]", "Remove blobs no manifest references")
    {
        Args = ArgsRule.None,
        Run = GarbageCollectAsync,
    }
        .Flag(new FlagDef("root", null, FlagType.String, "Storage directory", RegistryOptions.DefaultRoot))
        .Flag(new FlagDef("dry-run", 'd', FlagType.Bool, "Only list what would be deleted"))
        .Flag(new FlagDef("grace-period", null, FlagType.String,
            "Keep unreferenced blobs pushed or checked this recently (pushes in flight)", "1h")
        {
            Validate = v => GoDuration.TryParse(v, out var ns, out var err) ? (ns < 0 ? "must not be negative" : null) : err,
        });

    static async Task<int> ServeAsync(CommandContext ctx)
    {
        var options = new RegistryOptions
        {
            Address = ctx.Flags.GetStringOrEmpty("addr"),
            Root = ctx.Flags.GetStringOrEmpty("root"),
            HtpasswdFile = ctx.Flags.GetString("htpasswd"),
            TlsCert = ctx.Flags.GetString("tls-cert"),
            TlsKey = ctx.Flags.GetString("tls-key"),
        };
        var err = ctx.Err;
        void Log(string line)
        {
            lock (err) { err.Write($"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {line}\n"); err.Flush(); }
        }
        RegistryServer server;
        try
        {
            server = await RegistryServer.StartAsync(options, Log, ctx.Cancel).ConfigureAwait(false);
        }
        catch (FormatException e)
        {
            throw new CliException("wharf registry serve: " + e.Message);
        }
        await using (server.ConfigureAwait(false))
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ctx.Cancel);
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, s =>
            {
                s.Cancel = true;
                stop.Cancel();
            });
            Log($"registry listening on {(server.Tls ? "https" : "http")}://{options.Address} (storage {server.Store.Root}, " +
                $"{(options.HtpasswdFile is null ? "no authentication" : "htpasswd " + options.HtpasswdFile)})");
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { }
            Log("registry shutting down");
        }
        return 0;
    }

    static async Task<int> GarbageCollectAsync(CommandContext ctx)
    {
        var root = ctx.Flags.GetStringOrEmpty("root");
        if (!Directory.Exists(Path.Combine(root, "blobs")))
            throw new CliException($"wharf registry garbage-collect: {root} is not a registry storage directory");
        GoDuration.TryParse(ctx.Flags.GetStringOrEmpty("grace-period"), out var graceNs, out _);
        bool dryRun = ctx.Flags.GetBool("dry-run");
        var gc = new GarbageCollector(new RegistryStore(root));
        var result = await gc.RunAsync(dryRun, TimeSpan.FromTicks(graceNs / 100), line => ctx.Out.Write(line + "\n"), ctx.Cancel).ConfigureAwait(false);
        ctx.Out.Write($"\n{result.ManifestsMarked} manifests and {result.BlobsMarked} blobs marked, " +
            $"{result.Deleted.Count} blobs {(dryRun ? "eligible for deletion" : "deleted")} ({result.BytesFreed} bytes), " +
            $"{result.UploadsRemoved} abandoned uploads{(dryRun ? "" : " removed")}\n");
        return 0;
    }
}
