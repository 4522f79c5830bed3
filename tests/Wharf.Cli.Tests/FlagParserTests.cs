using Wharf.Cli.Parsing;

namespace Wharf.Cli.Tests;

public class FlagParserTests
{
    static readonly List<FlagDef> Defs =
    [
        new("all", 'a', FlagType.Bool, "all"),
        new("quiet", 'q', FlagType.Bool, "quiet"),
        new("rm", null, FlagType.Bool, "rm"),
        new("name", 'n', FlagType.String, "name"),
        new("env", 'e', FlagType.List, "env"),
        new("platform", null, FlagType.Strings, "platform"),
        new("count", 'c', FlagType.Int, "count"),
        new("filter", 'f', FlagType.Filter, "filter") { Validate = v => v.Contains('=') ? null : "bad format of filter (expected name=value)" },
    ];

    static FlagParseResult P(params string[] args) => FlagParser.Parse(Defs, args);

    [Fact]
    public void LongFormsWithEqualsAndSeparateValue()
    {
        var r = P("--name=web", "--env", "A=1", "--env=B=2");
        Assert.Equal("web", r.Flags.GetString("name"));
        Assert.Equal(["A=1", "B=2"], r.Flags.GetList("env"));
        Assert.Empty(r.Args);
    }

    [Fact]
    public void ShortFormsAttachedSeparateAndEquals()
    {
        Assert.Equal("web", P("-nweb").Flags.GetString("name"));
        Assert.Equal("web", P("-n", "web").Flags.GetString("name"));
        Assert.Equal("web", P("-n=web").Flags.GetString("name"));
    }

    [Fact]
    public void GroupedBoolsAndTrailingValue()
    {
        var r = P("-aq");
        Assert.True(r.Flags.GetBool("all"));
        Assert.True(r.Flags.GetBool("quiet"));
        var r2 = P("-aqnfoo");
        Assert.True(r2.Flags.GetBool("quiet"));
        Assert.Equal("foo", r2.Flags.GetString("name"));
    }

    [Fact]
    public void BoolExplicitValues()
    {
        Assert.False(P("--rm=false").Flags.GetBool("rm"));
        Assert.True(P("--rm=1").Flags.GetBool("rm"));
        Assert.True(P("--rm").Flags.GetBool("rm"));
        Assert.True(P("--rm", "false").Flags.GetBool("rm")); // a separate word is positional for bools
        Assert.Equal(["false"], P("--rm", "false").Args);
        Assert.True(P("-a=true").Flags.GetBool("all"));
    }

    [Fact]
    public void InvalidBoolMatchesPflag()
    {
        var e = Assert.Throws<FlagParseException>(() => P("--all=maybe"));
        Assert.Equal("invalid argument \"maybe\" for \"-a, --all\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax", e.Message);
    }

    [Fact]
    public void TerminatorEndsFlags()
    {
        var r = P("-a", "--", "-q", "--name=x");
        Assert.True(r.Flags.GetBool("all"));
        Assert.False(r.Flags.GetBool("quiet"));
        Assert.Equal(["-q", "--name=x"], r.Args);
    }

    [Fact]
    public void InterspersedOnAndOff()
    {
        var on = FlagParser.Parse(Defs, ["img", "-a", "cmd"], interspersed: true);
        Assert.True(on.Flags.GetBool("all"));
        Assert.Equal(["img", "cmd"], on.Args);
        var off = FlagParser.Parse(Defs, ["-q", "img", "-a", "cmd", "--rm"], interspersed: false);
        Assert.True(off.Flags.GetBool("quiet"));
        Assert.False(off.Flags.GetBool("all"));
        Assert.Equal(["img", "-a", "cmd", "--rm"], off.Args);
    }

    [Fact]
    public void SingleDashIsPositional()
    {
        Assert.Equal(["-"], P("-").Args);
    }

    [Fact]
    public void RepeatableAndStringsSplitOnCommas()
    {
        var r = P("--platform", "linux/amd64,linux/arm64", "--platform=linux/s390x");
        Assert.Equal(["linux/amd64", "linux/arm64", "linux/s390x"], r.Flags.GetList("platform"));
    }

    [Fact]
    public void LastValueWinsForScalars()
    {
        Assert.Equal("b", P("--name", "a", "--name", "b").Flags.GetString("name"));
    }

    [Fact]
    public void IntFlag()
    {
        Assert.Equal(5, P("-c", "5").Flags.GetInt("count"));
        var e = Assert.Throws<FlagParseException>(() => P("--count=x"));
        Assert.Equal("invalid argument \"x\" for \"-c, --count\" flag: strconv.ParseInt: parsing \"x\": invalid syntax", e.Message);
    }

    [Theory]
    [InlineData("unknown flag: --foo", "--foo")]
    [InlineData("unknown flag: --foo", "--foo=bar")]
    [InlineData("unknown shorthand flag: 'x' in -x", "-x")]
    [InlineData("unknown shorthand flag: 'x' in -x", "-qx")]
    [InlineData("unknown shorthand flag: 'x' in -xq", "-xq")]
    [InlineData("flag needs an argument: --name", "--name")]
    [InlineData("flag needs an argument: 'n' in -n", "-n")]
    [InlineData("bad flag syntax: ---a", "---a")]
    [InlineData("invalid argument \"x\" for \"-f, --filter\" flag: bad format of filter (expected name=value)", "-f", "x")]
    public void ErrorsUsePflagWording(string expected, params string[] args)
    {
        var e = Assert.Throws<FlagParseException>(() => P(args));
        Assert.Equal(expected, e.Message);
    }

    [Fact]
    public void HelpIsRecognisedLongAndShort()
    {
        Assert.True(P("--help").HelpRequested);
        Assert.True(P("-h").HelpRequested);
        Assert.False(P("--help=false").HelpRequested);
    }

    [Fact]
    public void ChangedTracksExplicitFlags()
    {
        var r = P("-a");
        Assert.True(r.Flags.Changed("all"));
        Assert.False(r.Flags.Changed("quiet"));
    }

    [Theory]
    [InlineData(0, 0, 1, "'wharf version' accepts no arguments", "Run")]
    [InlineData(2, 2, 1, "'wharf version' requires 2 arguments", "Run")]
    [InlineData(1, 1, 0, "'wharf version' requires 1 argument", "Run")]
    [InlineData(1, int.MaxValue, 0, "'wharf version' requires at least 1 argument", "See")]
    [InlineData(0, 1, 2, "'wharf version' requires at most 1 argument", "Run")]
    [InlineData(1, 2, 3, "'wharf version' requires at least 1 and at most 2 arguments", "Run")]
    public void ArgsRulesMessages(int min, int max, int count, string message, string verb)
    {
        var r = new ArgsRule(min, max).Check("wharf version", count);
        Assert.NotNull(r);
        Assert.Equal(message, r.Value.Message);
        Assert.Equal(verb, r.Value.HintVerb);
    }

    [Fact]
    public void HelpFlagUsagesWrapLikePflag()
    {
        var flags = new List<FlagDef>
        {
            new("all", 'a', FlagType.Bool, "Show all images (default hides intermediate images)"),
            new("filter", 'f', FlagType.Filter, "Filter output based on conditions provided"),
            new("format", null, FlagType.String, "Format output using a custom template:\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template.\nRefer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates"),
        };
        var expected =
            "  -a, --all             Show all images (default hides intermediate images)\n" +
            "  -f, --filter filter   Filter output based on conditions provided\n" +
            "      --format string   Format output using a custom template:\n" +
            "                        'json':             Print in JSON format\n" +
            "                        'TEMPLATE':         Print output using the given\n" +
            "                        Go template.\n" +
            "                        Refer to https://docs.docker.com/go/formatting/\n" +
            "                        for more information about formatting output with\n" +
            "                        templates\n";
        Assert.Equal(expected, HelpWriter.FlagUsagesWrapped(flags, 79));
    }
}
