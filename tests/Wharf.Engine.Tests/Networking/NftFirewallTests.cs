using Wharf.Engine.Networking;
using Wharf.Engine.Networking.Firewall;

namespace Wharf.Engine.Tests.Networking;

/// <summary>
/// The nft scripts against the real nft and kernel, inside a network namespace of the test's own (nft runs
/// through `nsenter --net`), so the host's ruleset is never touched. Needs root.
/// </summary>
public sealed class NftFirewallTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wharf-nft-").FullName;
    private readonly string _nft;

    public NftFirewallTests()
    {
        _nft = Path.Combine(_dir, "nft");
        File.WriteAllText(_nft, $"#!/bin/sh\nexec nsenter --net={Path.Combine(_dir, "ns")} nft \"$@\"\n");
        File.SetUnixFileMode(_nft, (UnixFileMode)0b111_101_101);
    }

    private static bool Ready => Environment.UserName == "root" && File.Exists("/usr/sbin/nft");

    private NftFirewall Firewall()
    {
        NetworkNamespaces.Create(Path.Combine(_dir, "ns")).Dispose();
        return new NftFirewall("wharf_test", _nft);
    }

    private static readonly FirewallNetwork Net = new("wt0", Ipv4Subnet.Parse("10.5.0.0/24"), false);
    private static readonly PortForward Any = new("tcp", "0.0.0.0", 8080, "10.5.0.2", 80);
    private static readonly PortForward Local = new("udp", "127.0.0.2", 5353, "10.5.0.3", 53);

    [Fact]
    public async Task Reset_add_and_remove_forwards()
    {
        if (!Ready) return;
        var fw = Firewall();
        await fw.ResetAsync([Net], [Any], CancellationToken.None);
        var table = await fw.RunAsync("list table ip wharf_test\n", "listing", CancellationToken.None);
        Assert.Contains("tcp . 8080 : 10.5.0.2 . 80", table);
        Assert.Contains("ip saddr 10.5.0.0/24 oifname != \"wt0\" masquerade", table);
        Assert.Contains("oifname \"wt0\" ip saddr 127.0.0.0/8 masquerade", table);

        await fw.AddForwardsAsync([Local], CancellationToken.None);
        Assert.Contains("127.0.0.2 . udp . 5353 : 10.5.0.3 . 53", await fw.RunAsync("list map ip wharf_test published_addr\n", "listing", CancellationToken.None));

        // One of the two is already gone: the other is still removed.
        await fw.RemoveForwardsAsync([Any], CancellationToken.None);
        await fw.RemoveForwardsAsync([Any, Local], CancellationToken.None);
        table = await fw.RunAsync("list table ip wharf_test\n", "listing", CancellationToken.None);
        Assert.DoesNotContain("8080", table);
        Assert.DoesNotContain("5353", table);

        // A reset replaces everything at once, and is repeatable.
        await fw.AddForwardsAsync([Local], CancellationToken.None);
        await fw.ResetAsync([Net], [Any], CancellationToken.None);
        await fw.ResetAsync([Net], [Any], CancellationToken.None);
        table = await fw.RunAsync("list table ip wharf_test\n", "listing", CancellationToken.None);
        Assert.Contains("8080", table);
        Assert.DoesNotContain("5353", table);

        await fw.DeleteAsync(CancellationToken.None);
        Assert.DoesNotContain("wharf_test", await fw.RunAsync("list tables\n", "listing", CancellationToken.None));
    }

    [Fact]
    public async Task Networks_are_isolated_internal_ones_closed_and_icc_honoured()
    {
        if (!Ready) return;
        var fw = Firewall();
        await fw.ResetAsync(
        [
            Net,
            new FirewallNetwork("br-int", Ipv4Subnet.Parse("10.6.0.0/24"), Internal: true),
            new FirewallNetwork("br-quiet", Ipv4Subnet.Parse("10.7.0.0/24"), false, Masquerade: false, Icc: false),
        ], [], CancellationToken.None);
        var table = await fw.RunAsync("list table ip wharf_test\n", "listing", CancellationToken.None);
        Assert.Contains("iifname \"wt0\" oifname != \"wt0\" oifname @bridges drop", table);
        Assert.Contains("iifname \"br-int\" oifname != \"br-int\" drop", table);
        Assert.Contains("oifname \"br-int\" iifname != \"br-int\" drop", table);
        Assert.Contains("iifname \"br-quiet\" oifname \"br-quiet\" drop", table);
        Assert.Contains("ip saddr 10.5.0.0/24 oifname != \"wt0\" masquerade", table);
        Assert.DoesNotContain("ip saddr 10.6.0.0/24 oifname != \"br-int\" masquerade", table);
        Assert.DoesNotContain("ip saddr 10.7.0.0/24 oifname != \"br-quiet\" masquerade", table);
    }

    [Fact]
    public async Task Nft_errors_are_one_line_naming_the_step()
    {
        if (!Ready) return;
        var fw = Firewall();
        var e = await Assert.ThrowsAsync<WharfException>(() => fw.AddForwardsAsync([Any], CancellationToken.None));
        Assert.StartsWith("adding port forwards: nft: ", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public async Task Docker_user_rules_only_when_forward_drops_and_removed_exactly()
    {
        if (!Ready) return;
        var fw = Firewall();
        var chain = new DockerUserChain(fw);
        Assert.False(await chain.AllowAsync(["wt0"], CancellationToken.None));
        await fw.RunAsync("""
            table ip filter {
              chain DOCKER-USER { counter return; }
              chain FORWARD { type filter hook forward priority filter; policy accept; jump DOCKER-USER; }
            }
            """, "docker's tables", CancellationToken.None);
        Assert.False(await chain.AllowAsync(["wt0"], CancellationToken.None));
        await fw.RunAsync("chain ip filter FORWARD { policy drop; }\n", "drop policy", CancellationToken.None);
        Assert.True(await chain.AllowAsync(["wt0"], CancellationToken.None));
        Assert.True(await chain.AllowAsync(["wt0"], CancellationToken.None));
        var rules = await fw.RunAsync("list chain ip filter DOCKER-USER\n", "listing", CancellationToken.None);
        Assert.Equal(1, Count(rules, "iifname \"wt0\" counter"));
        Assert.Equal(1, Count(rules, "oifname \"wt0\" counter"));
        await chain.RemoveAsync(CancellationToken.None);
        rules = await fw.RunAsync("list chain ip filter DOCKER-USER\n", "listing", CancellationToken.None);
        Assert.DoesNotContain("wt0", rules);
        Assert.Contains("counter packets 0 bytes 0 return", rules);
    }

    private static int Count(string text, string what) => text.Split(what).Length - 1;

    public void Dispose()
    {
        var ns = Path.Combine(_dir, "ns");
        if (File.Exists(ns)) NetworkNamespaces.Delete(ns);
        Directory.Delete(_dir, true);
    }
}
