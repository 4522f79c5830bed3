using System.Runtime.InteropServices;
using Wharf.Cli;
using Wharf.Cli.Streams;

var console = CliConsole.FromProcess();
// Installed as the docker CLI's compose plugin (or called docker-compose): answer the metadata probe, run `compose`.
if (Wharf.Cli.Compose.DockerPlugin.Arguments(Environment.GetCommandLineArgs()[0], args) is not { } effective)
{
    console.Out.Write(Wharf.Cli.Compose.DockerPlugin.Metadata());
    console.Out.Flush();
    return 0;
}
args = effective;
// docker wraps help at the terminal width minus one, 79 columns without a terminal.
var columns = new UnixTerminal().OutputSize() is { Cols: > 0 } size ? size.Cols - 1 : 79;
var app = new CliApp(console) { HelpColumns = columns };
using var cts = new CancellationTokenSource();
// PosixSignalRegistration rather than Console.CancelKeyPress: the latter sets up System.Console's terminal handling.
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx =>
{
    // run/attach --sig-proxy forwards the signal to the container instead.
    if (app.ProxySignals)
    {
        ctx.Cancel = true;
        return;
    }
    if (cts.IsCancellationRequested)
    {
        if (app.OnSecondInterrupt is { } force)
        {
            ctx.Cancel = true;
            force();
        }
        return;
    }
    ctx.Cancel = true;
    cts.Cancel();
});
app.Cancel = cts.Token;
return await app.RunAsync(args);
