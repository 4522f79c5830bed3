using Wharf.Cli;

var console = CliConsole.FromProcess();
var app = new CliApp(console) { HelpColumns = Wharf.Cli.Parsing.HelpWriter.DefaultColumns() };
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (cts.IsCancellationRequested) return;
    e.Cancel = true;
    cts.Cancel();
};
app.Cancel = cts.Token;
return await app.RunAsync(args);
