using Wharf.Compose.Model;
using Wharf.Compose.Yaml;

namespace Wharf.Compose.Tests;

/// <summary>pull_policy in the files and `up --pull`: which values load, and the policy in force.</summary>
public sealed class PullPolicyTests : IDisposable
{
    readonly ProjectFiles _p = new();

    public void Dispose() => _p.Dispose();

    string File => Path.Combine(_p.Dir, "compose.yaml");

    [Theory]
    [InlineData("always")]
    [InlineData("never")]
    [InlineData("missing")]
    [InlineData("if_not_present")]
    [InlineData("daily")]
    [InlineData("weekly")]
    [InlineData("every_12h")]
    public void Compose_policies_load(string policy)
    {
        _p.Write("compose.yaml", $"services:\n  web:\n    image: busybox\n    pull_policy: {policy}\n");
        Assert.Equal(policy, _p.Load().Service("web")!.PullPolicy);
    }

    [Fact]
    public void An_unknown_policy_is_refused_at_its_line()
    {
        _p.Write("compose.yaml", "services:\n  web:\n    image: busybox\n    pull_policy: sometimes\n");
        var e = Assert.Throws<ComposeFileException>(() => _p.Load());
        Assert.StartsWith($"{File}:4:18: services.web.pull_policy: invalid pull policy \"sometimes\"", e.Message);
    }

    [Fact]
    public void Build_policy_needs_a_build_section()
    {
        _p.Write("compose.yaml", "services:\n  web:\n    image: busybox\n    pull_policy: build\n");
        var e = Assert.Throws<ComposeFileException>(() => _p.Load());
        Assert.Contains("services.web.pull_policy: build needs a build section", e.Message);
    }

    [Theory]
    [InlineData(null, null, "missing")]
    [InlineData(null, "always", "always")]
    [InlineData("policy", "never", "never")]
    [InlineData("never", "always", "never")]
    [InlineData("always", null, "always")]
    [InlineData(null, "if_not_present", "missing")]
    [InlineData(null, "daily", "missing")]
    [InlineData(null, "every_2h", "missing")]
    [InlineData(null, "build", "build")]
    public void The_command_line_overrides_the_file(string? commandLine, string? file, string expected) =>
        Assert.Equal(expected, PullPolicies.Effective(commandLine, file));
}
