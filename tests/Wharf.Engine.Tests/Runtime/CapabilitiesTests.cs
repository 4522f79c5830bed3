using Wharf.Engine.Runtime;
using static Wharf.Engine.Tests.Runtime.SpecTestSupport;

namespace Wharf.Engine.Tests.Runtime;

public class CapabilitiesTests
{
    private static readonly IReadOnlySet<string> Available = new FakeHostLimits().AvailableCapabilities;

    [Fact]
    public void DefaultSetIsDockers14()
    {
        var caps = Spec().Process!.Capabilities!;
        Assert.Equal(14, caps.Bounding!.Count);
        Assert.Equal(Capabilities.Default, caps.Bounding);
        Assert.Equal(caps.Bounding, caps.Effective);
        Assert.Equal(caps.Bounding, caps.Permitted);
        Assert.Null(caps.Inheritable);
        Assert.Null(caps.Ambient);
        Assert.DoesNotContain("CAP_SYS_ADMIN", caps.Bounding);
        Assert.DoesNotContain("CAP_NET_ADMIN", caps.Bounding);
    }

    [Theory]
    [InlineData("SYS_ADMIN")]
    [InlineData("sys_admin")]
    [InlineData("CAP_SYS_ADMIN")]
    [InlineData("cap_sys_admin")]
    public void AddAcceptsNamesWithAndWithoutPrefixInAnyCase(string name)
    {
        var caps = Capabilities.Compute([name], null, false, Available);
        Assert.Contains("CAP_SYS_ADMIN", caps);
        Assert.Equal(15, caps.Count);
    }

    [Fact]
    public void DropRemovesAndAddingAPresentCapDoesNotDuplicate()
    {
        var caps = Capabilities.Compute(["CHOWN"], ["net_raw", "CAP_MKNOD"], false, Available);
        Assert.DoesNotContain("CAP_NET_RAW", caps);
        Assert.DoesNotContain("CAP_MKNOD", caps);
        Assert.Single(caps, c => c == "CAP_CHOWN");
        Assert.Equal(12, caps.Count);
    }

    [Fact]
    public void DropAllKeepsOnlyAdds()
    {
        Assert.Equal(["CAP_NET_BIND_SERVICE"], Capabilities.Compute(["NET_BIND_SERVICE"], ["ALL"], false, Available));
        Assert.Empty(Capabilities.Compute(null, ["all"], false, Available));
    }

    [Fact]
    public void AddAllGivesEverythingAvailableButDrops()
    {
        var caps = Capabilities.Compute(["ALL"], ["SYS_ADMIN"], false, Available);
        Assert.DoesNotContain("CAP_SYS_ADMIN", caps);
        Assert.DoesNotContain("CAP_SYS_RESOURCE", caps); // the host cannot grant it
        Assert.Contains("CAP_SYS_PTRACE", caps);
        Assert.Equal(Available.Count - 1, caps.Count);
    }

    [Fact]
    public void UnknownCapabilityFailsWithDockersMessage()
    {
        Assert.Equal("unknown capability: \"CAP_FOO\"", Error(host: h => h.CapAdd = ["foo"]));
        Assert.Equal("unknown capability: \"CAP_BAR\"", Error(host: h => h.CapDrop = ["CAP_BAR"]));
    }

    [Fact]
    public void CapabilityTheHostLacksIsRefused()
    {
        Assert.Equal("capability not supported by your kernel or not available in the current environment: \"CAP_SYS_RESOURCE\"",
            Error(host: h => h.CapAdd = ["SYS_RESOURCE"]));
    }

    [Fact]
    public void PrivilegedGetsEveryAvailableCapability()
    {
        var caps = Spec(host: h => h.Privileged = true).Process!.Capabilities!.Bounding!;
        Assert.Equal(Capabilities.All.Count - 1, caps.Count);
        Assert.Contains("CAP_SYS_ADMIN", caps);
        Assert.DoesNotContain("CAP_SYS_RESOURCE", caps);
    }
}
