using System.Diagnostics;
using Wharf.Engine.Util;

namespace Wharf.Engine.Networking.Firewall;

/// <summary>The firewall as one nftables table (family ip), changed with `nft -f -`: each call is one kernel transaction.</summary>
public sealed class NftFirewall(string table, string nftBinary = "nft") : IFirewall
{
    public string Table { get; } = ValidTableName(table);

    public Task ResetAsync(IReadOnlyList<FirewallNetwork> networks, IReadOnlyList<PortForward> forwards, CancellationToken ct) =>
        RunAsync(NftScript.Table(Table, networks, forwards), $"setting up nftables table {Table}", ct);

    public Task AddForwardsAsync(IReadOnlyList<PortForward> forwards, CancellationToken ct) =>
        forwards.Count == 0 ? Task.CompletedTask : RunAsync(NftScript.Elements("add", Table, forwards), "adding port forwards", ct);

    public async Task RemoveForwardsAsync(IReadOnlyList<PortForward> forwards, CancellationToken ct)
    {
        if (forwards.Count == 0) return;
        try
        {
            await RunAsync(NftScript.Elements("delete", Table, forwards), "removing port forwards", ct);
        }
        catch (WharfException)
        {
            // One missing element fails the whole batch: remove the others one by one.
            foreach (var f in forwards)
            {
                try { await RunAsync(NftScript.Elements("delete", Table, [f]), "removing a port forward", ct); }
                catch (WharfException) { }
            }
        }
    }

    public async Task DeleteAsync(CancellationToken ct) =>
        await RunAsync($"add table ip {Table}\ndelete table ip {Table}\nadd table ip6 {Table}\ndelete table ip6 {Table}\n", $"deleting nftables table {Table}", ct);

    /// <summary>Runs a script with `nft -f -`; the script applies entirely or not at all.</summary>
    public async Task<string> RunAsync(string script, string what, CancellationToken ct, bool handles = false)
    {
        var psi = new ProcessStartInfo(nftBinary, handles ? ["-a", "-f", "-"] : ["-f", "-"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        Process p;
        try
        {
            p = Process.Start(psi) ?? throw new WharfException($"{what}: cannot start {nftBinary}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new WharfException($"{what}: cannot run {nftBinary}: {e.Message}");
        }
        using (p)
        using (p.OwnStreams())
        {
            await p.StandardInput.WriteAsync(script.AsMemory(), ct);
            p.StandardInput.Close();
            var stdout = p.StandardOutput.ReadToEndAsync(ct);
            var stderr = p.StandardError.ReadToEndAsync(ct);
            await p.WaitForExitAsync(ct);
            if (p.ExitCode != 0)
            {
                var first = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? $"exit code {p.ExitCode}";
                throw new WharfException($"{what}: nft: {first.Replace("/dev/stdin:", "line ", StringComparison.Ordinal)}");
            }
            return await stdout;
        }
    }

    /// <summary>A table name nft takes unquoted: a letter, then letters, digits, `_` or `-`.</summary>
    public static string ValidTableName(string name) =>
        name.Length is > 0 and <= 64 && char.IsAsciiLetter(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')
            ? name : throw new FormatException($"invalid nftables table name: \"{name}\" (a letter, then letters, digits, '_' or '-')");
}
