using Wharf.Engine.Builder;

namespace Wharf.Engine.Tests.Builder;

public sealed class BuildCacheKeyTests
{
    private const string Parent = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

    [Fact]
    public void Same_inputs_give_the_same_key()
    {
        var a = BuildCache.Key(Parent, "/bin/sh -c make", [new("V", "1")], null);
        var b = BuildCache.Key(Parent, "/bin/sh -c make", [new("V", "1")], null);
        Assert.Equal(a, b);
        Assert.Matches("^sha256:[0-9a-f]{64}$", a);
    }

    [Fact]
    public void Every_part_of_the_key_matters()
    {
        var baseline = BuildCache.Key(Parent, "/bin/sh -c make", [new("V", "1")], "abc");
        Assert.NotEqual(baseline, BuildCache.Key(null, "/bin/sh -c make", [new("V", "1")], "abc"));
        Assert.NotEqual(baseline, BuildCache.Key(Parent, "/bin/sh -c make all", [new("V", "1")], "abc"));
        Assert.NotEqual(baseline, BuildCache.Key(Parent, "/bin/sh -c make", [new("V", "2")], "abc"));
        Assert.NotEqual(baseline, BuildCache.Key(Parent, "/bin/sh -c make", [], "abc"));
        Assert.NotEqual(baseline, BuildCache.Key(Parent, "/bin/sh -c make", [new("V", "1")], "abd"));
    }

    [Fact]
    public void Argument_order_does_not_matter_but_boundaries_do()
    {
        Assert.Equal(BuildCache.Key(Parent, "x", [new("A", "1"), new("B", "2")], null),
            BuildCache.Key(Parent, "x", [new("B", "2"), new("A", "1")], null));
        Assert.NotEqual(BuildCache.Key(Parent, "x", [new("A", "1B=2")], null),
            BuildCache.Key(Parent, "x", [new("A", "1"), new("B", "2")], null));
    }
}
