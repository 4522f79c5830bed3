using System.Diagnostics;
using Wharf.Engine.Util;

namespace Wharf.Engine.Archive;

/// <summary>Decompresses through an external tool (`xz -d -c`): input is pumped to its stdin, its stdout is read.</summary>
internal sealed class ExternalDecompressor : ReadOnlyStream
{
    private readonly Process _process;
    private readonly Stream _stdout;
    private readonly Task _pump;
    private readonly Task<string> _stderr;

    private ExternalDecompressor(Process process, Stream input)
    {
        _process = process;
        _stdout = process.StandardOutput.BaseStream;
        _stderr = process.StandardError.ReadToEndAsync();
        _pump = Task.Run(async () =>
        {
            try
            {
                await input.CopyToAsync(process.StandardInput.BaseStream, 1 << 20);
            }
            catch (IOException) { }
            finally
            {
                try { process.StandardInput.Close(); } catch (IOException) { }
            }
        });
    }

    public static Stream Start(string tool, string[] args, Stream input)
    {
        var psi = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            return new ExternalDecompressor(Process.Start(psi)!, input);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new WharfException($"decompressing {tool} data needs the {tool} tool: {e.Message}");
        }
    }


    public override int Read(Span<byte> buffer) => ReadChecked(_stdout.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
        ReadChecked(await _stdout.ReadAsync(buffer, ct));


    private int ReadChecked(int n)
    {
        if (n > 0) return n;
        _process.WaitForExit();
        if (_process.ExitCode != 0)
            throw new InvalidDataException($"{_process.StartInfo.FileName}: {_stderr.Result.Trim()}");
        return 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (!_process.HasExited) try { _process.Kill(); } catch (InvalidOperationException) { }
            _process.OwnStreams().Dispose();
            _process.Dispose();
        }
        base.Dispose(disposing);
    }

}
