using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Wharf.Daemon;
using Wharf.Daemon.Endpoints;
using Wharf.Daemon.Http;
using Wharf.Engine;
using Wharf.Engine.Configuration;

var options = new DaemonOptions();
HashSet<string> fromFlags;
try
{
    fromFlags = DaemonArguments.Parse(args, options, out var exitAfter);
    if (exitAfter) return 0;
    if (File.Exists(options.ConfigFile))
        DaemonConfigFile.Apply(File.ReadAllText(options.ConfigFile), options, fromFlags);
    else if (args.Contains("--config-file"))
        throw new FormatException($"open {options.ConfigFile}: no such file or directory");
    if (options.Hosts.Count == 0) options.Hosts.Add("unix://" + Path.Combine(options.ExecRoot, "wharf.sock"));
}
catch (FormatException e)
{
    Console.Error.WriteLine($"wharfd: {e.Message}");
    Console.Error.WriteLine("See 'wharfd --help'.");
    return 125;
}

using var loggerFactory = LoggerFactory.Create(b => b
    .SetMinimumLevel(options.Debug ? LogLevel.Debug : LogLevel.Information)
    .AddSimpleConsole(c => { c.SingleLine = true; c.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ "; c.UseUtcTimestamp = true; })
    .AddFilter("Microsoft", LogLevel.Warning));
var log = loggerFactory.CreateLogger("wharfd");

var pidFile = options.PidFile ?? Path.Combine(options.ExecRoot, "wharfd.pid");
try
{
    Directory.CreateDirectory(options.ExecRoot);
    PidFile.Acquire(pidFile);
}
catch (IOException e)
{
    log.LogCritical("{Message}", e.Message);
    return 1;
}

try
{
    using var engine = new WharfEngine(options);
    log.LogInformation("{Repair}", engine.Repair());

    var router = new ApiRouter();
    SystemEndpoints.Map(router, engine);
    ImageEndpoints.Map(router, engine);
    EventEndpoints.Map(router, engine);

    foreach (var host in options.Hosts.Where(h => h.StartsWith("unix://", StringComparison.Ordinal)))
        UnixSocket.PrepareForListen(host[7..]);
    var app = ApiServer.Build(options, router, log);
    using var hup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx =>
    {
        ctx.Cancel = true;
        Reload(options, log);
    });
    await app.StartAsync();
    foreach (var host in options.Hosts.Where(h => h.StartsWith("unix://", StringComparison.Ordinal)))
        File.SetUnixFileMode(host[7..], UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
    log.LogInformation("API listening on {Hosts}; data root {DataRoot}", string.Join(", ", options.Hosts), options.DataRoot);
    await app.WaitForShutdownAsync();
    log.LogInformation("shutting down");
    foreach (var host in options.Hosts.Where(h => h.StartsWith("unix://", StringComparison.Ordinal)))
        try { File.Delete(host[7..]); } catch (IOException) { }
    return 0;
}
catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
{
    log.LogCritical("failed to start daemon: {Message}", e.Message);
    return 1;
}
finally
{
    PidFile.Release(pidFile);
}

// SIGHUP reloads what dockerd reloads: debug, labels, registry mirrors and insecure registries, log options.
static void Reload(DaemonOptions options, ILogger log)
{
    try
    {
        if (!File.Exists(options.ConfigFile)) { log.LogInformation("reload: {File} does not exist, nothing to reload", options.ConfigFile); return; }
        var fresh = new DaemonOptions();
        DaemonConfigFile.Apply(File.ReadAllText(options.ConfigFile), fresh);
        options.Debug = fresh.Debug;
        options.Labels = fresh.Labels;
        options.RegistryMirrors = fresh.RegistryMirrors;
        options.InsecureRegistries = fresh.InsecureRegistries;
        options.LogOpts = fresh.LogOpts;
        options.LiveRestore = fresh.LiveRestore;
        log.LogInformation("reloaded configuration from {File}", options.ConfigFile);
    }
    catch (Exception e) when (e is FormatException or IOException)
    {
        log.LogError("reload of {File} failed, keeping the running configuration: {Message}", options.ConfigFile, e.Message);
    }
}
