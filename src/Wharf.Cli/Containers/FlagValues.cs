using System.Net;
using System.Text.RegularExpressions;
using Wharf.Api.Models;
using Wharf.Cli.Parsing;

namespace Wharf.Cli.Containers;

/// <summary>
/// The docker CLI's per-value validators for container flags (opts.ValidateEnv, ValidateLabel, ...). Each returns the
/// value as docker stores it, or throws <see cref="FormatException"/> with docker's message; <see cref="Check"/> turns
/// one into a flag validator so bad values fail while the flags are parsed, as with pflag.
/// </summary>
public static partial class FlagValues
{
    public static Func<string, string?> Check(Func<string, string> parse) => v =>
    {
        try
        {
            parse(v);
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    };

    /// <summary>opts.ValidateEnv: "K=V" as is, "K" takes the value from the client's environment when set.</summary>
    public static string Env(string val)
    {
        var eq = val.IndexOf('=');
        var key = eq < 0 ? val : val[..eq];
        if (key.Length == 0) throw new FormatException("invalid environment variable: " + val);
        if (eq >= 0) return val;
        return Environment.GetEnvironmentVariable(key) is { } v ? key + "=" + v : val;
    }

    /// <summary>opts.ValidateLabel.</summary>
    public static string Label(string value)
    {
        var eq = value.IndexOf('=');
        var key = (eq < 0 ? value : value[..eq]).TrimStart(' ', '\t');
        if (key.Length == 0) throw new FormatException($"invalid label '{value}': empty name");
        if (key.IndexOfAny([' ', '\t']) >= 0) throw new FormatException($"label '{key}' contains whitespaces");
        return value;
    }

    /// <summary>opts.ValidateExtraHost: "host:ip" or "host=ip" (IPv6 may be bracketed) into "host:ip".</summary>
    public static string ExtraHost(string val)
    {
        var sep = val.IndexOf('=');
        if (sep < 0) sep = val.IndexOf(':');
        var k = sep < 0 ? val : val[..sep];
        var v = sep < 0 ? "" : val[(sep + 1)..];
        if (sep < 0 || k.Length == 0 || k.Contains(':')) throw new FormatException($"bad format for add-host: {FlagParser.GoQuote(val)}");
        if (v != "host-gateway")
        {
            if (v.Length > 2 && v[0] == '[' && v[^1] == ']') v = v[1..^1];
            if (!GoNet.IsIP(v.Trim())) throw new FormatException($"invalid IP address in add-host: {FlagParser.GoQuote(v)}");
        }
        return k + ":" + v;
    }

    /// <summary>validateAttach: stdin, stdout or stderr in any case.</summary>
    public static string Attach(string val)
    {
        var s = val.ToLowerInvariant();
        if (s is "stdin" or "stdout" or "stderr") return s;
        throw new FormatException("valid streams are STDIN, STDOUT and STDERR");
    }

    static readonly HashSet<string> NamespacedSysctls =
    [
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni",
        "kernel.shm_rmid_forced",
    ];

    /// <summary>opts.ValidateSysctl: only sysctls namespaced per container.</summary>
    public static string Sysctl(string val)
    {
        var eq = val.IndexOf('=');
        var k = eq < 0 ? "" : val[..eq];
        if (k.Length > 0 && (NamespacedSysctls.Contains(k) || k.StartsWith("net.", StringComparison.Ordinal) ||
                             k.StartsWith("fs.mqueue.", StringComparison.Ordinal)))
            return val;
        throw new FormatException($"sysctl '{val}' is not allowed");
    }

    /// <summary>opts.ValidateLink: "name" or "name:alias".</summary>
    public static string Link(string val)
    {
        if (val.Length == 0) throw new FormatException("empty string specified for links");
        if (val.Split(':', 3).Length > 2) throw new FormatException("bad format for links: " + val);
        return val;
    }

    /// <summary>opts.ValidateIPAddress: the address in its canonical form.</summary>
    public static string IpAddress(string val)
    {
        var t = val.Trim();
        if (GoNet.IsIP(t)) return IPAddress.Parse(t).ToString();
        throw new FormatException("IP address is not correctly formatted: " + val);
    }

    [GeneratedRegex(@"^(:?(:?[a-zA-Z0-9]|(:?[a-zA-Z0-9][a-zA-Z0-9\-]*[a-zA-Z0-9]))(:?\.(:?[a-zA-Z0-9]|(:?[a-zA-Z0-9][a-zA-Z0-9\-]*[a-zA-Z0-9])))*)\.?\s*$")]
    private static partial Regex DomainPattern();

    /// <summary>opts.ValidateDNSSearch.</summary>
    public static string DnsSearch(string val)
    {
        val = val.Trim(' ');
        if (val == ".") return val;
        if (!val.Any(char.IsAsciiLetter)) throw new FormatException($"{val} is not a valid domain");
        var m = DomainPattern().Match(val);
        if (m.Success && m.Groups[1].Value.Length < 255) return m.Groups[1].Value;
        throw new FormatException($"{val} is not a valid domain");
    }

    [GeneratedRegex(@"^[acb] ([0-9]+|\*):([0-9]+|\*) [rwm]{1,3}$")]
    private static partial Regex DeviceCgroupRulePattern();

    /// <summary>validateDeviceCgroupRule: "type major:minor mode".</summary>
    public static string DeviceCgroupRule(string val) =>
        DeviceCgroupRulePattern().IsMatch(val) ? val : throw new FormatException($"invalid device cgroup format '{val}'");

    static readonly HashSet<string> UlimitNames =
        ["core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack"];

    /// <summary>units.ParseUlimit: "name=soft[:hard]".</summary>
    public static Ulimit ParseUlimit(string val)
    {
        var eq = val.IndexOf('=');
        if (eq < 0) throw new FormatException("invalid ulimit argument: " + val);
        var name = val[..eq];
        if (!UlimitNames.Contains(name)) throw new FormatException("invalid ulimit type: " + name);
        var limits = val[(eq + 1)..].Split(':');
        if (limits.Length > 2)
            throw new FormatException($"too many limit value arguments - {val[(eq + 1)..]}, can only have up to two, `soft[:hard]`");
        long hard = 0;
        if (limits.Length == 2 && !GoStrconv.TryParseInt(limits[1], 10, 64, out hard, out var herr)) throw new FormatException(herr);
        if (!GoStrconv.TryParseInt(limits[0], 10, 64, out var soft, out var serr)) throw new FormatException(serr);
        if (limits.Length == 1) hard = soft;
        if (hard != -1)
        {
            if (soft == -1) throw new FormatException($"ulimit soft limit must be less than or equal to hard limit: soft: -1 (unlimited), hard: {hard}");
            if (soft > hard) throw new FormatException($"ulimit soft limit must be less than or equal to hard limit: {soft} > {hard}");
        }
        return new Ulimit { Name = name, Soft = soft, Hard = hard };
    }

    public static string Ulimit(string val)
    {
        ParseUlimit(val);
        return val;
    }

    /// <summary>opts.ParseRestartPolicy: "name[:count]"; names are checked by the daemon.</summary>
    public static RestartPolicy ParseRestartPolicy(string policy)
    {
        if (policy.Length == 0) return new RestartPolicy { Name = "" };
        var colon = policy.IndexOf(':');
        var name = colon < 0 ? policy : policy[..colon];
        var count = colon < 0 ? "" : policy[(colon + 1)..];
        if (colon >= 0 && name.Length == 0) throw new FormatException("invalid restart policy format: no policy provided before colon");
        var p = new RestartPolicy { Name = name };
        if (count.Length > 0)
        {
            if (!GoStrconv.TryAtoi(count, out var n, out _))
                throw new FormatException("invalid restart policy format: maximum retry count must be an integer");
            p.MaximumRetryCount = n;
        }
        return p;
    }
}
