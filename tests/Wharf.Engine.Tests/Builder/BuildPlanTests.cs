using Wharf.Engine.Build;
using Wharf.Engine.Builder;

namespace Wharf.Engine.Tests.Builder;

public sealed class BuildPlanTests
{
    private static BuildPlan Plan(string text, string? target = null) => BuildPlan.Create(DockerfileParser.Parse(text), target);

    [Fact]
    public void Args_before_the_first_from_are_meta_args()
    {
        var plan = Plan("ARG BASE=busybox\nFROM $BASE\nRUN true\n");
        Assert.Single(plan.MetaArgs);
        Assert.Single(plan.Stages);
        Assert.Single(plan.Stages[0].Instructions);
    }

    [Fact]
    public void Anything_but_arg_before_from_names_its_line()
    {
        var e = Assert.Throws<DockerfileParseException>(() => Plan("ARG A=1\n\nENV B=2\nFROM busybox\n"));
        Assert.Equal("Dockerfile:3: no build stage in current context", e.Message);
    }

    [Fact]
    public void Only_the_stages_the_target_needs_are_built()
    {
        var plan = Plan("""
            FROM busybox AS a
            FROM busybox AS b
            FROM a AS c
            COPY --from=1 /x /x
            FROM busybox AS d
            """, "c");
        Assert.Equal(["a", "b", "c"], plan.Needed.Select(s => s.Name!).ToArray());
        Assert.Equal("c", plan.Target.Name);
    }

    [Fact]
    public void Default_target_is_the_last_stage_and_unused_stages_are_skipped()
    {
        var plan = Plan("FROM busybox AS unused\nRUN false\nFROM busybox\nRUN true\n");
        Assert.Single(plan.Needed);
        Assert.Equal(1, plan.Target.Index);
    }

    [Fact]
    public void Unknown_target_and_duplicate_stage_names_are_refused()
    {
        Assert.Throws<BadRequestException>(() => Plan("FROM busybox AS a\n", "nope"));
        var e = Assert.Throws<DockerfileParseException>(() => Plan("FROM busybox AS a\nFROM busybox AS a\n"));
        Assert.Equal("Dockerfile:2: duplicate name a", e.Message);
    }

    [Fact]
    public void A_stage_can_only_refer_to_earlier_stages()
    {
        var plan = Plan("FROM busybox AS a\nFROM busybox AS b\n");
        Assert.Null(BuildPlan.Find(plan.Stages, "b", 1));
        Assert.Same(plan.Stages[0], BuildPlan.Find(plan.Stages, "A", 1));
        Assert.Same(plan.Stages[0], BuildPlan.Find(plan.Stages, "0", 1));
    }
}
