using System.Text.Json;
using Wharf.Engine.Runtime.Spec;

namespace Wharf.Engine.Runtime.Seccomp;

/// <summary>
/// Turns a Docker-format <see cref="SeccompProfile"/> into the OCI filter for one container:
/// keeps the rules whose includes/excludes match the container's capabilities, the host
/// architecture and kernel, and expands an archMap entry for the native architecture.
/// </summary>
public static class SeccompCompiler
{
    /// <summary>Parses a profile in Docker's JSON format.</summary>
    public static SeccompProfile Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, SeccompProfileJsonContext.Default.SeccompProfile)
                ?? throw new BadRequestException("decoding seccomp profile failed: profile is null");
        }
        catch (JsonException e)
        {
            throw new BadRequestException($"decoding seccomp profile failed: {e.Message}", e);
        }
    }

    /// <summary>Compiles <paramref name="profile"/> for a container with the given bounding capabilities.</summary>
    /// <param name="goArch">The host architecture in Go's naming (amd64, arm64, 386 ...).</param>
    public static OciSeccomp Compile(SeccompProfile profile, IReadOnlyCollection<string> capabilities, string goArch, Version kernel)
    {
        if (string.IsNullOrEmpty(profile.DefaultAction))
        {
            throw new BadRequestException("decoding seccomp profile failed: defaultAction is required");
        }
        if (profile.Architectures is { Count: > 0 } && profile.ArchMap is { Count: > 0 })
        {
            throw new BadRequestException("both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'");
        }
        var result = new OciSeccomp
        {
            DefaultAction = profile.DefaultAction,
            DefaultErrnoRet = profile.DefaultErrnoRet,
            Flags = profile.Flags is { Count: > 0 } ? [.. profile.Flags] : null,
        };
        var native = ScmpArch(goArch);
        if (profile.Architectures is { Count: > 0 })
        {
            result.Architectures = [.. profile.Architectures];
        }
        else if (profile.ArchMap is { Count: > 0 })
        {
            var arches = new List<string>();
            foreach (var m in profile.ArchMap)
            {
                if (native is not null && m.Architecture == native)
                {
                    arches.Add(m.Architecture);
                    arches.AddRange(m.SubArchitectures ?? []);
                }
            }
            result.Architectures = arches.Count > 0 ? arches : null;
        }

        var caps = new HashSet<string>(capabilities, StringComparer.Ordinal);
        var syscalls = new List<OciSyscall>();
        foreach (var rule in profile.Syscalls ?? [])
        {
            if (rule.Name is { Length: > 0 } && rule.Names is { Count: > 0 })
            {
                throw new BadRequestException("use either 'name' or 'names'");
            }
            if (!Applies(rule, caps, goArch, kernel))
            {
                continue;
            }
            var names = rule.Names is { Count: > 0 } ? rule.Names : rule.Name is { Length: > 0 } n ? [n] : [];
            if (names.Count == 0)
            {
                continue;
            }
            syscalls.Add(new OciSyscall
            {
                Names = [.. names],
                Action = rule.Action,
                ErrnoRet = rule.ErrnoRet,
                Args = rule.Args is { Count: > 0 }
                    ? rule.Args.Select(a => new OciSeccompArg { Index = a.Index, Value = a.Value, ValueTwo = a.ValueTwo == 0 ? null : a.ValueTwo, Op = a.Op }).ToList()
                    : null,
            });
        }
        result.Syscalls = syscalls;
        return result;
    }

    private static bool Applies(SeccompRule rule, HashSet<string> caps, string goArch, Version kernel)
    {
        if (rule.Includes is { } inc)
        {
            if (inc.Arches is { Count: > 0 } && !inc.Arches.Contains(goArch)) return false;
            if (inc.Caps is { Count: > 0 } && !inc.Caps.All(caps.Contains)) return false;
            if (inc.MinKernel is { Length: > 0 } mk && kernel < ParseKernel(mk)) return false;
        }
        if (rule.Excludes is { } exc)
        {
            if (exc.Arches is { Count: > 0 } && exc.Arches.Contains(goArch)) return false;
            if (exc.Caps is { Count: > 0 } && exc.Caps.Any(caps.Contains)) return false;
            if (exc.MinKernel is { Length: > 0 } mk && kernel >= ParseKernel(mk)) return false;
        }
        return true;
    }

    /// <summary>Parses "4.8" or "5.10.0-21-amd64" into a comparable version.</summary>
    public static Version ParseKernel(string text)
    {
        var parts = new List<int>();
        foreach (var piece in text.Split('.', 3))
        {
            var digits = new string(piece.TakeWhile(char.IsAsciiDigit).ToArray());
            if (digits.Length == 0) break;
            parts.Add(int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture));
            if (digits.Length != piece.Length) break;
        }
        if (parts.Count == 0) throw new BadRequestException($"invalid kernel version: {text}");
        while (parts.Count < 2) parts.Add(0);
        return parts.Count == 2 ? new Version(parts[0], parts[1]) : new Version(parts[0], parts[1], parts[2]);
    }

    /// <summary>The libseccomp name of a Go architecture.</summary>
    public static string? ScmpArch(string goArch) => goArch switch
    {
        "amd64" => "SCMP_ARCH_X86_64",
        "386" or "x86" => "SCMP_ARCH_X86",
        "x32" => "SCMP_ARCH_X32",
        "arm64" => "SCMP_ARCH_AARCH64",
        "arm" => "SCMP_ARCH_ARM",
        "ppc64le" => "SCMP_ARCH_PPC64LE",
        "s390x" => "SCMP_ARCH_S390X",
        "riscv64" => "SCMP_ARCH_RISCV64",
        _ => null,
    };
}
