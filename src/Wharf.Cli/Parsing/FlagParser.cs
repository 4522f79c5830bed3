using System.Globalization;

namespace Wharf.Cli.Parsing;

/// <summary>Result of parsing one command's flags.</summary>
public sealed record FlagParseResult(ParsedFlags Flags, List<string> Args, bool HelpRequested);

/// <summary>
/// pflag's parser: <c>--flag=value</c>, <c>--flag value</c>, <c>-f value</c>, <c>-fvalue</c>, <c>-f=value</c>, grouped
/// bools <c>-abc</c>, repeatable flags, <c>--</c>, bools as <c>--rm=false</c>; with interspersed off, the first
/// positional ends flag parsing (docker run IMAGE CMD...).
/// </summary>
public static class FlagParser
{
    public static FlagParseResult Parse(IReadOnlyList<FlagDef> defs, IReadOnlyList<string> args, bool interspersed = true)
    {
        var flags = new ParsedFlags(defs);
        var positional = new List<string>();
        bool help = false;
        for (int i = 0; i < args.Count; i++)
        {
            var s = args[i];
            if (s.Length < 2 || s[0] != '-')
            {
                positional.Add(s);
                if (!interspersed)
                {
                    for (i++; i < args.Count; i++) positional.Add(args[i]);
                }
                continue;
            }
            if (s == "--")
            {
                for (i++; i < args.Count; i++) positional.Add(args[i]);
                break;
            }
            if (s[1] == '-')
            {
                i = ParseLong(defs, flags, args, i, ref help);
            }
            else
            {
                i = ParseShorts(defs, flags, args, i, ref help);
            }
        }
        // Commands that give -h to another flag (run -h HOSTNAME) declare --help themselves.
        if (flags.Changed("help") && flags.GetBool("help")) help = true;
        return new FlagParseResult(flags, positional, help);
    }

    static int ParseLong(IReadOnlyList<FlagDef> defs, ParsedFlags flags, IReadOnlyList<string> args, int i, ref bool help)
    {
        var s = args[i];
        var name = s[2..];
        if (name.Length == 0 || name[0] == '-' || name[0] == '=')
            throw new FlagParseException($"bad flag syntax: {s}");
        string? value = null;
        var eq = name.IndexOf('=');
        if (eq >= 0)
        {
            value = name[(eq + 1)..];
            name = name[..eq];
        }
        var def = defs.FirstOrDefault(d => d.Name == name);
        if (def is null)
        {
            if (name == "help")
            {
                if (value is null || ParsedFlags.ParseBool(value) == true) help = true;
                return i;
            }
            throw new FlagParseException($"unknown flag: --{name}");
        }
        if (value is null)
        {
            if (def.IsBool) value = "true";
            else if (i + 1 < args.Count) value = args[++i];
            else throw new FlagParseException($"flag needs an argument: {s}");
        }
        Set(def, flags, value);
        return i;
    }

    static int ParseShorts(IReadOnlyList<FlagDef> defs, ParsedFlags flags, IReadOnlyList<string> args, int i, ref bool help)
    {
        var shorthands = args[i][1..];
        while (shorthands.Length > 0)
        {
            var c = shorthands[0];
            var def = defs.FirstOrDefault(d => d.Shorthand == c);
            if (def is null)
            {
                if (c == 'h')
                {
                    help = true;
                    shorthands = shorthands[1..];
                    continue;
                }
                throw new FlagParseException($"unknown shorthand flag: {QuoteRune(c)} in -{shorthands}");
            }
            string value;
            if (shorthands.Length > 2 && shorthands[1] == '=')
            {
                value = shorthands[2..];
                shorthands = "";
            }
            else if (def.IsBool)
            {
                value = "true";
                shorthands = shorthands[1..];
            }
            else if (shorthands.Length > 1)
            {
                value = shorthands[1..];
                shorthands = "";
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
                shorthands = "";
            }
            else
            {
                throw new FlagParseException($"flag needs an argument: {QuoteRune(c)} in -{shorthands}");
            }
            Set(def, flags, value);
        }
        return i;
    }

    static void Set(FlagDef def, ParsedFlags flags, string value)
    {
        string? error = null;
        if (def.IsBool)
        {
            if (ParsedFlags.ParseBool(value) is not { } b)
                error = $"strconv.ParseBool: parsing {GoQuote(value)}: invalid syntax";
            else value = b ? "true" : "false";
        }
        else if (def.Type == FlagType.Int)
        {
            if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                error = $"strconv.ParseInt: parsing {GoQuote(value)}: invalid syntax";
        }
        error ??= def.Validate?.Invoke(value);
        if (error is not null)
            throw new FlagParseException($"invalid argument {GoQuote(value)} for {GoQuote(def.DisplayName)} flag: {error}");
        flags.Set(def, value);
    }

    internal static string QuoteRune(char c) => c == '\'' ? "'\\''" : $"'{c}'";

    internal static string GoQuote(string s)
    {
        var sb = new System.Text.StringBuilder(s.Length + 2).Append('"');
        foreach (var ch in s)
        {
            switch (ch)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    if (ch < 0x20 || ch == 0x7f) sb.Append("\\x").Append(((int)ch).ToString("x2", CultureInfo.InvariantCulture));
                    else sb.Append(ch);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
