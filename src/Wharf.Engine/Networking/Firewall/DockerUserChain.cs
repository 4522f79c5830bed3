using System.Text.RegularExpressions;

namespace Wharf.Engine.Networking.Firewall;

/// <summary>
/// Coexistence with an installed Docker, the one place Wharf writes outside its own table. Docker sets the
/// `ip filter` FORWARD policy to drop, and with br_netfilter bridged packets pass that chain too, so
/// Wharf's containers could not talk. Docker's documented hook for other software is its DOCKER-USER
/// chain: Wharf inserts accept rules for its bridges there, each marked with a comment naming its own
/// table, and removes exactly those when the daemon stops.
/// </summary>
public sealed partial class DockerUserChain(NftFirewall nft)
{
    private string Marker => "wharf:" + nft.Table;

    /// <summary>Adds the accept rules when FORWARD's policy is drop and DOCKER-USER exists; returns whether it did.</summary>
    public async Task<bool> AllowAsync(IReadOnlyList<string> bridges, CancellationToken ct)
    {
        string forward;
        try
        {
            forward = await nft.RunAsync("list chain ip filter FORWARD\n", "reading the ip filter FORWARD chain", ct);
        }
        catch (WharfException)
        {
            return false;
        }
        if (!forward.Contains("policy drop", StringComparison.Ordinal)) return false;
        string chain;
        try
        {
            chain = await nft.RunAsync("list chain ip filter DOCKER-USER\n", "reading the DOCKER-USER chain", ct);
        }
        catch (WharfException)
        {
            return false;
        }
        var ours = chain.Split('\n').Where(l => l.Contains($"comment \"{Marker}\"", StringComparison.Ordinal)).ToList();
        var script = "";
        foreach (var b in bridges)
        {
            foreach (var direction in (string[])["iifname", "oifname"])
            {
                var match = $"{direction} {NftScript.Quote(b)} ";
                if (!ours.Any(l => l.Contains(match, StringComparison.Ordinal)))
                    script += $"insert rule ip filter DOCKER-USER {match}counter accept comment \"{Marker}\"\n";
            }
        }
        if (script.Length > 0) await nft.RunAsync(script, "adding accept rules to DOCKER-USER", ct);
        return true;
    }

    /// <summary>Removes this daemon's rules from DOCKER-USER (none there: nothing to do).</summary>
    public async Task RemoveAsync(CancellationToken ct)
    {
        string chain;
        try
        {
            chain = await nft.RunAsync("list chain ip filter DOCKER-USER\n", "reading the DOCKER-USER chain", ct, handles: true);
        }
        catch (WharfException)
        {
            return;
        }
        var script = string.Concat(chain.Split('\n')
            .Where(l => l.Contains($"comment \"{Marker}\"", StringComparison.Ordinal))
            .Select(l => Handle().Match(l))
            .Where(m => m.Success)
            .Select(m => $"delete rule ip filter DOCKER-USER handle {m.Groups[1].Value}\n"));
        if (script.Length > 0) await nft.RunAsync(script, "removing accept rules from DOCKER-USER", ct);
    }

    [GeneratedRegex(@"# handle (\d+)\s*$")]
    private static partial Regex Handle();
}
