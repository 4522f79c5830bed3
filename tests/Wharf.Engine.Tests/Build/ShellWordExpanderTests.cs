using Wharf.Engine.Build;

namespace Wharf.Engine.Tests.Build;

public class ShellWordExpanderTests
{
    private static readonly Dictionary<string, string> Env = new()
    {
        ["PWD"] = "/home",
        ["SHELL"] = "bash",
        ["KOREAN"] = "한국어",
        ["NULL"] = "",
        ["space"] = "abc  def",
        ["leading"] = "  ab c",
        ["trailing"] = "ab c   ",
        ["path"] = "/usr/local/lib/libfoo.so.1",
    };

    private static readonly ShellWordExpander X = new();

    // input | expected (null = error)
    [Theory]
    [InlineData("hello", "hello")]
    [InlineData("he'll'o", "hello")]
    [InlineData("he'llo", null)]
    [InlineData("he\\'llo", "he'llo")]
    [InlineData("he\\\\'llo", null)]
    [InlineData("abc\\tdef", "abctdef")]
    [InlineData("\"abc\\tdef\"", "abc\\tdef")]
    [InlineData("\"abc\\\\tdef\"", "abc\\tdef")]
    [InlineData("'abc\\tdef'", "abc\\tdef")]
    [InlineData("hello\\", "hello")]
    [InlineData("hello\\\\", "hello\\")]
    [InlineData("\"hello", null)]
    [InlineData("\"hello\\\"", null)]
    [InlineData("\"hel'lo\"", "hel'lo")]
    [InlineData("'hello", null)]
    [InlineData("'hello\\'", "hello\\")]
    [InlineData("'hello\\there'", "hello\\there")]
    [InlineData("\"''\"", "''")]
    [InlineData("$.", "$.")]
    [InlineData("$", "$")]
    [InlineData("he$1x", "hex")]
    [InlineData("he$.x", "he$.x")]
    [InlineData("he$pwd.", "he.")]
    [InlineData("he$PWD", "he/home")]
    [InlineData("he\\$PWD", "he$PWD")]
    [InlineData("he\\\\$PWD", "he\\/home")]
    [InlineData("\"he\\$PWD\"", "he$PWD")]
    [InlineData("\"he\\\\$PWD\"", "he\\/home")]
    [InlineData("\\${}", "${}")]
    [InlineData("he\\${}xx", "he${}xx")]
    [InlineData("${}", null)]
    [InlineData("he${}xx", null)]
    [InlineData("he${hi}xx", "hexx")]
    [InlineData("he${PWD}", "he/home")]
    [InlineData("he${.}", null)]
    [InlineData("he${XXX:-000}xx", "he000xx")]
    [InlineData("he${PWD:-000}xx", "he/homexx")]
    [InlineData("he${XXX:-$PWD}xx", "he/homexx")]
    [InlineData("he${XXX:-${PWD:-yyy}}xx", "he/homexx")]
    [InlineData("he${XXX:-${YYY:-yyy}}xx", "heyyyxx")]
    [InlineData("he${XXX:YYY}", null)]
    [InlineData("he${XXX?}", null)]
    [InlineData("he${XXX:?}", null)]
    [InlineData("he${PWD?}", "he/home")]
    [InlineData("he${PWD:?}", "he/home")]
    [InlineData("he${NULL?}", "he")]
    [InlineData("he${NULL:?}", null)]
    [InlineData("he${NULL-x}", "he")]
    [InlineData("he${NULL:-x}", "hex")]
    [InlineData("he${NULL+x}", "hex")]
    [InlineData("he${NULL:+x}", "he")]
    [InlineData("he${XXX-x}", "hex")]
    [InlineData("he${XXX+x}", "he")]
    [InlineData("he${XXX:+${PWD}}xx", "hexx")]
    [InlineData("he${PWD:+${XXX}}xx", "hexx")]
    [InlineData("he${PWD:+${SHELL}}xx", "hebashxx")]
    [InlineData("he${PWD:+000}xx", "he000xx")]
    [InlineData("'he${XX}'", "he${XX}")]
    [InlineData("\"he${PWD}\"", "he/home")]
    [InlineData("\"he'$PWD'\"", "he'/home'")]
    [InlineData("'$PWD'", "$PWD")]
    [InlineData("'\\$PWD'", "\\$PWD")]
    [InlineData("'\"hello\"'", "\"hello\"")]
    [InlineData("he${PWD", null)]
    [InlineData("he${PWD:=000}xx", null)]
    [InlineData("he${PWD:+${PWD}:}xx", "he/home:xx")]
    [InlineData("he${XXX:-\\$PWD:}xx", "he$PWD:xx")]
    [InlineData("he${XXX:-\\${PWD}z}xx", "he${PWDz}xx")]
    [InlineData("안녕$KOREAN", "안녕한국어")]
    [InlineData("안'녕'하세요", "안녕하세요")]
    [InlineData("${{aaa}", null)]
    [InlineData("${aaa}}", "}")]
    [InlineData("${aaa", null)]
    [InlineData("${aaa:-bbb}}", "bbb}")]
    [InlineData("${aaa:-bbb", null)]
    [InlineData("${aaa:-bbb ${foo}", null)]
    [InlineData("${aaa:-bbb {foo}", "bbb {foo")]
    [InlineData("${:}", null)]
    [InlineData("${:-bbb}", null)]
    [InlineData("${1:-bbb}", "bbb")]
    [InlineData("$999aaa", "aaa")]
    [InlineData("${001:-bbb}aaa", "bbbaaa")]
    [InlineData("$@@@", "@@")]
    [InlineData("${@:-bbb}aaa", "bbbaaa")]
    [InlineData("$$", "")]
    [InlineData("${#:-bbb}", "bbb")]
    [InlineData("$0", "")]
    [InlineData("${path#*/}", "usr/local/lib/libfoo.so.1")]
    [InlineData("${path##*/}", "libfoo.so.1")]
    [InlineData("${path%.*}", "/usr/local/lib/libfoo.so")]
    [InlineData("${path%%.*}", "/usr/local/lib/libfoo")]
    [InlineData("${path#nomatch}", "/usr/local/lib/libfoo.so.1")]
    [InlineData("${path/lib/LIB}", "/usr/local/LIB/libfoo.so.1")]
    [InlineData("${path//lib/LIB}", "/usr/local/LIB/LIBfoo.so.1")]
    [InlineData("${path/l?b/X}", "/usr/local/X/libfoo.so.1")]
    [InlineData("${path:#x}", null)]
    [InlineData("${path!}", null)]
    [InlineData("${path/x", null)]
    public void ExpandWordTable(string input, string? expected)
    {
        if (expected is null)
        {
            var e = Assert.Throws<ShellExpansionException>(() => X.ExpandWord(input, Env));
            Assert.StartsWith($"failed to process {DockerfileNode.GoQuote(input)}: ", e.Message);
        }
        else
        {
            Assert.Equal(expected, X.ExpandWord(input, Env));
        }
    }

    [Theory]
    [InlineData("hello", new[] { "hello" })]
    [InlineData("hello${hi}bye", new[] { "hellobye" })]
    [InlineData("hello${space}bye", new[] { "helloabc", "defbye" })]
    [InlineData("hello\"${space}\"bye", new[] { "helloabc  defbye" })]
    [InlineData("hello \"${space}\"bye", new[] { "hello", "abc  defbye" })]
    [InlineData("hello${leading}def", new[] { "hello", "ab", "cdef" })]
    [InlineData("hello\"${leading}\" def", new[] { "hello  ab c", "def" })]
    [InlineData("hello${leading}", new[] { "hello", "ab", "c" })]
    [InlineData("hello${trailing}", new[] { "helloab", "c" })]
    [InlineData("hello${trailing}d", new[] { "helloab", "c", "d" })]
    [InlineData("hello\"${trailing}\"d", new[] { "helloab c   d" })]
    [InlineData("hello\" there  \"", new[] { "hello there  " })]
    [InlineData("hello there     ", new[] { "hello", "there" })]
    [InlineData("hello\\ there", new[] { "hello there" })]
    [InlineData("hello\\\" there", new[] { "hello\"", "there" })]
    [InlineData("hello\"\\\\there\"", new[] { "hello\\there" })]
    [InlineData("hello'\\\\there'", new[] { "hello\\\\there" })]
    [InlineData("hello'$there'", new[] { "hello$there" })]
    [InlineData("a \"\" b", new[] { "a", "b" })]
    [InlineData("", new string[0])]
    public void ExpandWordsTable(string input, string[] expected)
    {
        Assert.Equal(expected, X.ExpandWords(input, Env));
    }

    [Fact]
    public void ExpandWordKeepsSpacingBetweenWords()
    {
        Assert.Equal("a   b  /home", X.ExpandWord("a   b  $PWD", Env));
    }

    [Fact]
    public void BacktickEscapeToken()
    {
        var x = new ShellWordExpander('`');
        Assert.Equal('`', x.EscapeToken);
        Assert.Equal("c:\\path $PWD", x.ExpandWord("c:\\path `$PWD", Env));
        Assert.Equal("c:\\path\\/home", x.ExpandWord("\"c:\\path\\$PWD\"", Env));
        Assert.Equal("a\"b", x.ExpandWord("\"a`\"b\"", Env));
    }

    [Fact]
    public void ReferencedVariablesAreCollected()
    {
        var used = new HashSet<string>();
        X.ExpandWord("$PWD ${UNSET:-x} '$QUOTED' \\$ESCAPED \"${SHELL}\" ${A:+${B}}", Env, used);
        Assert.Equal(new HashSet<string> { "PWD", "UNSET", "SHELL", "A", "B" }, used);
        var words = new HashSet<string>();
        X.ExpandWords("$space x", Env, words);
        Assert.Equal(new HashSet<string> { "space" }, words);
    }

    [Theory]
    [InlineData("he${XXX?}", "XXX: is not allowed to be unset")]
    [InlineData("he${NULL:?}", "NULL: is not allowed to be empty")]
    [InlineData("${XXX?must be set}", "XXX: must be set")]
    [InlineData("${NULL:?custom $PWD}", "NULL: custom /home")]
    [InlineData("${", "syntax error: missing '}'")]
    [InlineData("${}", "syntax error: bad substitution")]
    [InlineData("'abc", "unexpected end of statement while looking for matching single-quote")]
    [InlineData("\"abc", "unexpected end of statement while looking for matching double-quote")]
    [InlineData("${a:=b}", "unsupported modifier (:=) in substitution")]
    [InlineData("${a:%b}", "unsupported modifier (:%) in substitution")]
    public void ErrorMessages(string input, string detail)
    {
        var e = Assert.Throws<ShellExpansionException>(() => X.ExpandWord(input, Env));
        Assert.Equal($"failed to process {DockerfileNode.GoQuote(input)}: {detail}", e.Message);
    }

    [Fact]
    public void EnvFromListLastEntryWins()
    {
        var env = ShellWordExpander.EnvFromList(["A=1", "B=x=y", "A=2", "EMPTY=", "NOVALUE"]);
        Assert.Equal("2", env["A"]);
        Assert.Equal("x=y", env["B"]);
        Assert.Equal("", env["EMPTY"]);
        Assert.Equal("", env["NOVALUE"]);
        Assert.Empty(ShellWordExpander.EnvFromList(null));
    }

    [Theory]
    [InlineData("ADD", true)]
    [InlineData("COPY", true)]
    [InlineData("ENV", true)]
    [InlineData("EXPOSE", true)]
    [InlineData("FROM", true)]
    [InlineData("LABEL", true)]
    [InlineData("STOPSIGNAL", true)]
    [InlineData("USER", true)]
    [InlineData("VOLUME", true)]
    [InlineData("WORKDIR", true)]
    [InlineData("workdir", true)]
    [InlineData("ARG", true)]
    [InlineData("ONBUILD", false)]
    [InlineData("RUN", false)]
    [InlineData("CMD", false)]
    [InlineData("ENTRYPOINT", false)]
    [InlineData("SHELL", false)]
    [InlineData("HEALTHCHECK", false)]
    [InlineData("MAINTAINER", false)]
    public void ExpandsVariablesFollowsDockerTable(string keyword, bool expands)
    {
        Assert.Equal(expands, ShellWordExpander.ExpandsVariables(keyword));
    }
}
