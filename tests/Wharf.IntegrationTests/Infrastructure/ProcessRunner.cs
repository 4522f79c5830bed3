using System.Diagnostics;
using System.Text;

namespace Wharf.IntegrationTests.Infrastructure;

/// <summary>The outcome of a finished process.</summary>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>Runs a command to completion with a time limit, feeding stdin from a file or bytes.</summary>
public static class ProcessRunner
{
    public static async Task<ProcessResult> RunAsync(string file, IEnumerable<string> args, IDictionary<string, string>? env = null,
        Stream? stdin = null, TimeSpan? timeout = null, Stream? stdoutSink = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = new MemoryStream();
        var outTask = p.StandardOutput.BaseStream.CopyToAsync(stdoutSink ?? stdout);
        var errTask = p.StandardError.ReadToEndAsync();
        var inTask = Task.Run(async () =>
        {
            try
            {
                if (stdin is not null) await stdin.CopyToAsync(p.StandardInput.BaseStream);
            }
            catch (IOException) { }
            finally
            {
                try { p.StandardInput.Close(); } catch (IOException) { }
            }
        });
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in time");
        }
        await Task.WhenAll(outTask, errTask, inTask);
        return new ProcessResult(p.ExitCode, Encoding.UTF8.GetString(stdout.ToArray()), await errTask);
    }
}
