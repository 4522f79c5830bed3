using Wharf.Engine.Build;

namespace Wharf.Engine.Tests.Build;

public class DockerfileParseErrorTests
{
    [Theory]
    // Unknown instructions (keywords are case-insensitive, the message echoes what was written).
    [InlineData("FROM a\nRUN x\nRUNN echo", "Dockerfile:3: unknown instruction: RUNN")]
    [InlineData("FROM a\nfrobnicate x", "Dockerfile:2: unknown instruction: frobnicate")]
    [InlineData("FROM a\nRUN[\"x\"]", "Dockerfile:2: unknown instruction: RUN[\"x\"]")]
    [InlineData("FROM a\nONBUILD NOPE x", "Dockerfile:2: unknown instruction: NOPE")]
    // Argument counts.
    [InlineData("FROM", "Dockerfile:1: FROM requires either one or three arguments")]
    [InlineData("FROM\ta b", "Dockerfile:1: FROM requires either one or three arguments")]
    [InlineData("FROM a b c d", "Dockerfile:1: FROM requires either one or three arguments")]
    [InlineData("FROM a FOR b", "Dockerfile:1: FROM requires either one or three arguments")]
    [InlineData("FROM a AS 1st", "Dockerfile:1: invalid name for build stage: \"1st\", name can't start with a number or contain symbols")]
    [InlineData("FROM a AS b$c", "Dockerfile:1: invalid name for build stage: \"b$c\", name can't start with a number or contain symbols")]
    [InlineData("FROM a\nENV", "Dockerfile:2: ENV requires at least one argument")]
    [InlineData("FROM a\nLABEL", "Dockerfile:2: LABEL requires at least one argument")]
    [InlineData("FROM a\nEXPOSE", "Dockerfile:2: EXPOSE requires at least one argument")]
    [InlineData("FROM a\nVOLUME", "Dockerfile:2: VOLUME requires at least one argument")]
    [InlineData("FROM a\nARG", "Dockerfile:2: ARG requires at least one argument")]
    [InlineData("FROM a\nONBUILD", "Dockerfile:2: ONBUILD requires at least one argument")]
    [InlineData("FROM a\nHEALTHCHECK", "Dockerfile:2: HEALTHCHECK requires at least one argument")]
    [InlineData("FROM a\nSHELL", "Dockerfile:2: SHELL requires at least one argument")]
    [InlineData("FROM a\nSHELL []", "Dockerfile:2: SHELL requires at least one argument")]
    [InlineData("FROM a\nUSER", "Dockerfile:2: USER requires exactly one argument")]
    [InlineData("FROM a\nWORKDIR", "Dockerfile:2: WORKDIR requires exactly one argument")]
    [InlineData("FROM a\nSTOPSIGNAL", "Dockerfile:2: STOPSIGNAL requires exactly one argument")]
    [InlineData("FROM a\nMAINTAINER", "Dockerfile:2: MAINTAINER requires exactly one argument")]
    [InlineData("FROM a\nCOPY", "Dockerfile:2: COPY requires at least two arguments, but only one was provided. Destination could not be determined")]
    [InlineData("FROM a\nADD onlyone", "Dockerfile:2: ADD requires at least two arguments, but only one was provided. Destination could not be determined")]
    [InlineData("FROM a\nCOPY [\"a\"]", "Dockerfile:2: COPY requires at least two arguments, but only one was provided. Destination could not be determined")]
    // ENV / LABEL / ARG syntax.
    [InlineData("FROM a\nENV FOO", "Dockerfile:2: ENV must have two arguments")]
    [InlineData("FROM a\nLABEL foo", "Dockerfile:2: LABEL must have two arguments")]
    [InlineData("FROM a\nENV A=1 B", "Dockerfile:2: Syntax error - can't find = in \"B\". Must be of the form: name=value")]
    [InlineData("FROM a\nLABEL a=1 \"b c\"", "Dockerfile:2: Syntax error - can't find = in \"\\\"b c\\\"\". Must be of the form: name=value")]
    [InlineData("FROM a\nENV =x", "Dockerfile:2: ENV names can not be blank")]
    [InlineData("FROM a\nLABEL =x", "Dockerfile:2: LABEL names can not be blank")]
    [InlineData("FROM a\nARG =x", "Dockerfile:2: ARG names can not be blank")]
    // JSON and SHELL.
    [InlineData("FROM a\nSHELL /bin/bash -c", "Dockerfile:2: SHELL requires the arguments to be in JSON form")]
    [InlineData("FROM a\nENTRYPOINT [\"a\", [\"b\"]]", "Dockerfile:2: when using JSON array syntax, arrays must be comprised of strings only")]
    [InlineData("FROM a\nVOLUME [\"/a\", null]", "Dockerfile:2: when using JSON array syntax, arrays must be comprised of strings only")]
    [InlineData("FROM a\nVOLUME [\"/a\", \"  \"]", "Dockerfile:2: VOLUME specified can not be an empty string")]
    // Flags.
    [InlineData("FROM a\nRUN x\nUSER y\nCOPY --foo=bar a b", "Dockerfile:4: unknown flag: --foo")]
    [InlineData("FROM a\nCOPY --keep-git-dir a b", "Dockerfile:2: unknown flag: --keep-git-dir")]
    [InlineData("FROM a\nADD --from=x a b", "Dockerfile:2: unknown flag: --from")]
    [InlineData("FROM a\nCMD --foo echo", "Dockerfile:2: unknown flag: --foo")]
    [InlineData("FROM a\nENV --x=1 A=b", "Dockerfile:2: unknown flag: --x")]
    [InlineData("FROM --plat=x a", "Dockerfile:1: unknown flag: --plat")]
    [InlineData("FROM a\nCOPY --from a b", "Dockerfile:2: missing a value on flag: --from")]
    [InlineData("FROM a\nCOPY --link= a b", "Dockerfile:2: missing a value on flag: --link")]
    [InlineData("FROM a\nCOPY --link=maybe a b", "Dockerfile:2: expecting boolean value for flag --link, not: maybe")]
    [InlineData("FROM a\nCOPY --from=a --from=b a b", "Dockerfile:2: duplicate flag specified: --from")]
    [InlineData("FROM a\nRUN --mount", "Dockerfile:2: missing a value on flag: --mount")]
    // HEALTHCHECK.
    [InlineData("FROM a\nHEALTHCHECK NONE x", "Dockerfile:2: HEALTHCHECK NONE takes no arguments")]
    [InlineData("FROM a\nHEALTHCHECK CMD", "Dockerfile:2: Missing command after HEALTHCHECK CMD")]
    [InlineData("FROM a\nHEALTHCHECK CMD []", "Dockerfile:2: Missing command after HEALTHCHECK CMD")]
    [InlineData("FROM a\nHEALTHCHECK RUN x", "Dockerfile:2: Unknown type \"RUN\" in HEALTHCHECK (try CMD)")]
    [InlineData("FROM a\nHEALTHCHECK --interval=abc CMD x", "Dockerfile:2: time: invalid duration \"abc\"")]
    [InlineData("FROM a\nHEALTHCHECK --interval=5 CMD x", "Dockerfile:2: time: missing unit in duration \"5\"")]
    [InlineData("FROM a\nHEALTHCHECK --timeout=5d CMD x", "Dockerfile:2: time: unknown unit \"d\" in duration \"5d\"")]
    [InlineData("FROM a\nHEALTHCHECK --interval=10us CMD x", "Dockerfile:2: Interval \"interval\" cannot be less than 1ms")]
    [InlineData("FROM a\nHEALTHCHECK --start-period=-1s CMD x", "Dockerfile:2: Interval \"start-period\" cannot be less than 1ms")]
    [InlineData("FROM a\nHEALTHCHECK --retries=-1 CMD x", "Dockerfile:2: --retries cannot be negative (-1)")]
    [InlineData("FROM a\nHEALTHCHECK --retries=x CMD x", "Dockerfile:2: strconv.ParseInt: parsing \"x\": invalid syntax")]
    [InlineData("FROM a\nHEALTHCHECK --foo=1 CMD x", "Dockerfile:2: unknown flag: --foo")]
    // ONBUILD triggers.
    [InlineData("FROM a\nONBUILD ONBUILD RUN x", "Dockerfile:2: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")]
    [InlineData("FROM a\nONBUILD from b", "Dockerfile:2: FROM isn't allowed as an ONBUILD trigger")]
    [InlineData("FROM a\nONBUILD MAINTAINER me", "Dockerfile:2: MAINTAINER isn't allowed as an ONBUILD trigger")]
    [InlineData("FROM a\nONBUILD ENV X", "Dockerfile:2: ENV must have two arguments")]
    // Heredocs and directives.
    [InlineData("FROM a\nRUN <<EOF\necho hi\n", "Dockerfile:2: unterminated heredoc")]
    [InlineData("FROM a\nCOPY <<A <<B /dst\na\nA\nb\n", "Dockerfile:2: unterminated heredoc")]
    [InlineData("# escape=x\nFROM a", "Dockerfile:1: invalid escape token 'x' does not match ` or \\")]
    [InlineData("# escape=`\n# escape=\\\nFROM a", "Dockerfile:2: only one escape parser directive can be used")]
    [InlineData("# syntax=a\n# SYNTAX=b\nFROM a", "Dockerfile:2: only one syntax parser directive can be used")]
    // Line numbers point at the first line of a multi-line instruction.
    [InlineData("FROM a\nRUN ok\nUSER \\\n  a\nBAD \\\n  more \\\n  lines", "Dockerfile:5: unknown instruction: BAD")]
    public void ErrorMessagesNameFileAndLine(string text, string message)
    {
        var e = Assert.Throws<DockerfileParseException>(() => DockerfileParser.Parse(text));
        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("# only a comment\n")]
    [InlineData("# escape=`\n")]
    public void FileWithoutInstructions(string text)
    {
        var e = Assert.Throws<DockerfileParseException>(() => DockerfileParser.Parse(text));
        Assert.EndsWith("file with no instructions", e.Message);
        Assert.StartsWith("Dockerfile", e.Message);
    }

    [Fact]
    public void ErrorIsAFormatException()
    {
        Assert.IsAssignableFrom<FormatException>(Assert.ThrowsAny<Exception>(() => DockerfileParser.Parse("NOPE")));
    }
}
