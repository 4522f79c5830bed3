using System.Text.RegularExpressions;
using Wharf.Cli.Parsing;

namespace Wharf.Cli.Containers;

/// <summary>containerd's platforms.Parse for --platform: "os[/arch[/variant]]", normalised ("x86_64" is amd64).</summary>
public static partial class PlatformSpec
{
    static readonly HashSet<string> KnownOs =
        ["aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js", "linux", "nacl", "netbsd", "openbsd",
         "plan9", "solaris", "windows", "zos"];

    static readonly HashSet<string> KnownArch =
        ["386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "ppc64", "ppc64le", "loong64", "mips", "mipsle", "mips64",
         "mips64le", "mips64p32", "mips64p32le", "ppc", "riscv", "riscv64", "s390", "s390x", "sparc", "sparc64", "wasm"];

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex Component();

    /// <summary>The platform as the daemon is sent it; throws <see cref="FormatException"/> with docker's message.</summary>
    public static string Normalize(string specifier)
    {
        string Fail(string why) => throw new FormatException($"error parsing specified platform: {FlagParser.GoQuote(specifier)}: {why}: invalid argument");
        if (specifier.Contains('*')) Fail("wildcards not yet supported");
        var parts = specifier.Split('/');
        foreach (var part in parts)
        {
            if (!Component().IsMatch(part))
                throw new FormatException($"error parsing specified platform: {FlagParser.GoQuote(part)} is an invalid component of " +
                                          $"{FlagParser.GoQuote(specifier)}: platform specifier component must match \"^[A-Za-z0-9_.-]+$\": invalid argument");
        }
        switch (parts.Length)
        {
            case 1:
                var os = parts[0].ToLowerInvariant();
                if (KnownOs.Contains(os)) return os + "/amd64";
                var (arch1, variant1) = NormalizeArch(parts[0], "");
                if (KnownArch.Contains(arch1)) return Join("linux", arch1, variant1);
                return Fail("unknown operating system or architecture");
            case 2:
            {
                var (arch, variant) = NormalizeArch(parts[1], "");
                return Join(parts[0].ToLowerInvariant(), arch, variant);
            }
            case 3:
            {
                var (arch, variant) = NormalizeArch(parts[1], parts[2]);
                return Join(parts[0].ToLowerInvariant(), arch, variant);
            }
            default:
                return Fail("cannot parse platform specifier");
        }
    }

    static string Join(string os, string arch, string variant) => variant.Length > 0 ? $"{os}/{arch}/{variant}" : $"{os}/{arch}";

    static (string Arch, string Variant) NormalizeArch(string arch, string variant)
    {
        arch = arch.ToLowerInvariant();
        variant = variant.ToLowerInvariant();
        return arch switch
        {
            "i386" => ("386", ""),
            "x86_64" or "x86-64" or "amd64" => ("amd64", variant == "v1" ? "" : variant),
            "aarch64" or "arm64" => ("arm64", variant is "8" or "v8" ? "" : variant),
            "armhf" => ("arm", "v7"),
            "armel" => ("arm", "v6"),
            "arm" => ("arm", variant switch { "" or "7" => "v7", "5" or "6" or "8" => "v" + variant, _ => variant }),
            _ => (arch, variant),
        };
    }
}
