using static Wharf.Cli.Tests.Templates.TemplateAssert;

namespace Wharf.Cli.Tests.Templates;

/// <summary>printf follows Go's fmt verbs, flags and diagnostics.</summary>
public class PrintfTests
{
    private static void Printf(string expected, string args) => Renders(expected, "{{printf " + args + "}}");

    [Theory]
    [InlineData("\"%s\" \"a\"", "a")]
    [InlineData("\"%v\" \"a\"", "a")]
    [InlineData("\"%d\" 42", "42")]
    [InlineData("\"%v\" 42", "42")]
    [InlineData("\"%t\" true", "true")]
    [InlineData("\"%5t|\" true", " true|")]
    [InlineData("\"%%\"", "%")]
    [InlineData("\"100%%\"", "100%")]
    [InlineData("\"%q\" \"a\\\"b\"", "\"a\\\"b\"")]
    [InlineData("\"%q\" \"tab\\there\"", "\"tab\\there\"")]
    [InlineData("\"%q\" \"é\"", "\"é\"")]
    [InlineData("\"%+q\" \"é\"", "\"\\u00e9\"")]
    [InlineData("\"%#q\" \"raw\"", "`raw`")]
    [InlineData("\"%T\" \"a\"", "string")]
    [InlineData("\"%T\" 1", "int")]
    [InlineData("\"%T\" 1.5", "float64")]
    public void BasicVerbs(string args, string expected) => Printf(expected, args);

    [Theory]
    [InlineData("\"%5s|\" \"ab\"", "   ab|")]
    [InlineData("\"%-5s|\" \"ab\"", "ab   |")]
    [InlineData("\"%-10s|\" \"web\"", "web       |")]
    [InlineData("\"%.2s\" \"hello\"", "he")]
    [InlineData("\"%5.1s|\" \"hello\"", "    h|")]
    [InlineData("\"%3s|\" \"héllo\"", "héllo|")] // width counts runes and never truncates
    [InlineData("\"%4s|\" \"é\"", "   é|")]
    [InlineData("\"%*s|\" 4 \"a\"", "   a|")]
    [InlineData("\"%-*s|\" 4 \"a\"", "a   |")]
    [InlineData("\"%x\" \"hi\"", "6869")]
    [InlineData("\"% x\" \"hi\"", "68 69")]
    [InlineData("\"%X\" \"hi\"", "6869")]
    [InlineData("\"%05s\" \"ab\"", "   ab")] // the 0 flag is ignored for strings
    public void StringsWidthAndPrecision(string args, string expected) => Printf(expected, args);

    [Theory]
    [InlineData("\"%05d\" 42", "00042")]
    [InlineData("\"%05d\" -42", "-0042")]
    [InlineData("\"%+d\" 5", "+5")]
    [InlineData("\"% d\" 5", " 5")]
    [InlineData("\"%-4d|\" 7", "7   |")]
    [InlineData("\"%4d|\" 7", "   7|")]
    [InlineData("\"%.3d\" 7", "007")]
    [InlineData("\"%x\" 255", "ff")]
    [InlineData("\"%X\" 255", "FF")]
    [InlineData("\"%#x\" 255", "0xff")]
    [InlineData("\"%x\" -255", "-ff")]
    [InlineData("\"%o\" 8", "10")]
    [InlineData("\"%O\" 8", "0o10")]
    [InlineData("\"%b\" 5", "101")]
    [InlineData("\"%c\" 65", "A")]
    [InlineData("\"%q\" 65", "'A'")]
    [InlineData("\"%U\" 128512", "U+1F600")]
    [InlineData("\"%d\" 1234567890", "1234567890")]
    [InlineData("\"%d\" -9223372036854775808", "-9223372036854775808")]
    public void Integers(string args, string expected) => Printf(expected, args);

    [Theory]
    [InlineData("\"%f\" 3.14159", "3.141590")]
    [InlineData("\"%.2f\" 3.14159", "3.14")]
    [InlineData("\"%.2f\" 2.675", "2.67")] // 2.675 is really 2.67499999...
    [InlineData("\"%.1f\" 0.25", "0.2")] // exact tie rounds to even
    [InlineData("\"%.0f\" 2.5", "2")]
    [InlineData("\"%.0f\" 3.5", "4")]
    [InlineData("\"%.2f\" 0.005", "0.01")]
    [InlineData("\"%.2f\" 9.999", "10.00")]
    [InlineData("\"%8.3f|\" 3.14159", "   3.142|")]
    [InlineData("\"%-8.3f|\" 3.14159", "3.142   |")]
    [InlineData("\"%08.3f\" -3.14159", "-003.142")]
    [InlineData("\"%+.1f\" 2.0", "+2.0")]
    [InlineData("\"%f\" 1e20", "100000000000000000000.000000")]
    [InlineData("\"%.2f\" 5", "%!f(int=05)")] // integer constants are ints: Go refuses %f and shows the value with the same flags
    [InlineData("\"%e\" 1234.5678", "1.234568e+03")]
    [InlineData("\"%E\" 0.000123", "1.230000E-04")]
    [InlineData("\"%g\" 1234.5678", "1234.5678")]
    [InlineData("\"%.3g\" 1234.5678", "1.23e+03")]
    [InlineData("\"%g\" 0.00001", "1e-05")]
    [InlineData("\"%v\" 1e6", "1e+06")]
    [InlineData("\"%v\" 123456.0", "123456")]
    [InlineData("\"%v\" 0.1", "0.1")]
    [InlineData("\"%.1f\" 0.05", "0.1")] // 0.05 is slightly above the tie
    public void Floats(string args, string expected) => Printf(expected, args);

    [Theory]
    [InlineData("\"%d\" \"a\"", "%!d(string=a)")]
    [InlineData("\"%s\" 5", "%!s(int=5)")]
    [InlineData("\"%d\" true", "%!d(bool=true)")]
    [InlineData("\"%s\" nil", "%!s(<nil>)")]
    [InlineData("\"%v\" nil", "<nil>")]
    [InlineData("\"%s\"", "%!s(MISSING)")]
    [InlineData("\"%s %s\" \"a\"", "a %!s(MISSING)")]
    [InlineData("\"%s\" \"a\" \"b\"", "a%!(EXTRA string=b)")]
    [InlineData("\"x\" 1 \"y\"", "x%!(EXTRA int=1, string=y)")]
    [InlineData("\"%!\"", "%!!(MISSING)")]
    [InlineData("\"%\"", "%!(NOVERB)")]
    [InlineData("\"%[2]s %[1]s\" \"a\" \"b\"", "b a")]
    [InlineData("\"%[3]s\" \"a\"", "%!s(BADINDEX)")]
    public void Diagnostics(string args, string expected) => Printf(expected, args);

    [Theory]
    [InlineData("{{printf \"%v\" .L}}", "[a b]")]
    [InlineData("{{printf \"%q\" .L}}", "[\"a\" \"b\"]")]
    [InlineData("{{printf \"%3s\" .L}}", "[  a   b]")] // the width applies to each element
    [InlineData("{{printf \"%d\" .L}}", "[%!d(string=a) %!d(string=b)]")]
    [InlineData("{{printf \"%v\" .M}}", "map[k:v]")]
    [InlineData("{{printf \"%s\" .Missing}}", "%!s(<nil>)")]
    [InlineData("{{printf \"%d items\" (len .L)}}", "2 items")]
    public void Containers(string template, string expected) => Renders(expected, template, """{"L":["a","b"],"M":{"k":"v"}}""");
}
