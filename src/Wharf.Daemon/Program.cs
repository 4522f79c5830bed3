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
    else if (args.Any(a => a == "--config-file" || a.StartsWith("--config-file=", StringComparison.Ordinal)))
        throw new FormatException($"open {options.ConfigFile}: no such file or directory");
    if (options.Hosts.Count == 0) options.Hosts.Add("unix://" + Path.Combine(options.ExecRoot, "wharf.sock"));
}
catch (FormatException e)
{
    Console.Error.WriteLine($"wharfd: {e.Message}");
    Console.Error.WriteLine("See 'wharfd --help'.");
    return 125;
}

// The level is read on every log call, so SIGHUP can switch debug logging on and off.
using var loggerFactory = LoggerFactory.Create(b => b
    .SetMinimumLevel(LogLevel.Trace)
    .AddFilter((category, level) => level >= (options.Debug ? LogLevel.Debug : LogLevel.Information))
    .AddSimpleConsole(c => { c.SingleLine = true; c.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ "; c.UseUtcTimestamp = true; })
    .AddFilter("Microsoft", LogLevel.Warning));
var log = loggerFactory.CreateLogger("wharfd");

var (nofileBefore, nofileAfter) = Wharf.Engine.Runtime.HostLimits.RaiseOpenFilesLimit();
if (nofileAfter != nofileBefore) log.LogDebug("open files limit raised from {Before} to {After}", nofileBefore, nofileAfter);
var pidFile = options.PidFile ?? Path.Combine(options.ExecRoot, "wharfd.pid");
FileStream? dataRootLock = null;
try
{
    Directory.CreateDirectory(options.ExecRoot);
    PidFile.Acquire(pidFile);
    dataRootLock = DataRootLock.Acquire(options.DataRoot);
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
    log.LogInformation("{Network}", await engine.Networks.InitializeAsync(CancellationToken.None));
    log.LogInformation("{Restore}", await engine.Containers.RestoreAsync(CancellationToken.None));

    var router = new ApiRouter();
    SystemEndpoints.Map(router, engine);
    DistributionEndpoints.Map(router, engine);
    ImageEndpoints.Map(router, engine);
    EventEndpoints.Map(router, engine);
    ContainerEndpoints.Map(router, engine);
    ContainerFilesystemEndpoints.Map(router, engine);
    ExecEndpoints.Map(router, engine);
    NetworkEndpoints.Map(router, engine);
    VolumeEndpoints.Map(router, engine);
    BuildEndpoints.Map(router, engine);

    foreach (var host in options.Hosts.Where(h => h.StartsWith("unix://", StringComparison.Ordinal)))
        UnixSocket.PrepareForListen(host[7..]);
    var app = ApiServer.Build(options, router, log);
    using var hup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx =>
    {
        ctx.Cancel = true;
        Reload(options, fromFlags, log);
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
    dataRootLock?.Dispose();
    PidFile.Release(pidFile);
}

// SIGHUP reloads what dockerd reloads: debug, labels, registry mirrors and insecure registries, log
// options, live-restore. Values given as flags stay as they were, as at start-up.
static void Reload(DaemonOptions options, HashSet<string> fromFlags, ILogger log)
{
    try
    {
        if (!File.Exists(options.ConfigFile)) { log.LogInformation("reload: {File} does not exist, nothing to reload", options.ConfigFile); return; }
        var fresh = new DaemonOptions
        {
            Debug = options.Debug, Labels = options.Labels, RegistryMirrors = options.RegistryMirrors,
            InsecureRegistries = options.InsecureRegistries, LogOpts = options.LogOpts, LiveRestore = options.LiveRestore,
        };
        DaemonConfigFile.Apply(File.ReadAllText(options.ConfigFile), fresh, fromFlags);
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
