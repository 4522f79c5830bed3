namespace Wharf.Engine.Runtime;

/// <summary>HostConfig.SecurityOpt parsed the way Docker parses it.</summary>
public sealed class SecurityOptions
{
    /// <summary>null: the default profile; "unconfined": none; otherwise a profile's JSON text or a file path.</summary>
    public string? Seccomp { get; private set; }
    public string? AppArmor { get; private set; }
    public bool NoNewPrivileges { get; private set; }
    public bool? WritableCgroups { get; private set; }
    public List<string> Labels { get; } = [];

    /// <summary>
    /// Parses `seccomp=`, `apparmor=`, `label=`, `no-new-privileges[=bool]`, `writable-cgroups=bool`
    /// (":" as separator is accepted, as in old Docker). Errors are Docker's
    /// `invalid --security-opt 1: "x"` (no separator) and `invalid --security-opt 2: "x"` (unknown key or bad value).
    /// </summary>
    public static SecurityOptions Parse(IEnumerable<string>? options)
    {
        var result = new SecurityOptions();
        foreach (var opt in options ?? [])
        {
            if (opt == "no-new-privileges")
            {
                result.NoNewPrivileges = true;
                continue;
            }
            if (opt == "disable")
            {
                result.Labels.Add("disable");
                continue;
            }
            var sep = opt.IndexOf('=');
            if (sep < 0) sep = opt.IndexOf(':');
            if (sep < 0)
            {
                throw new BadRequestException($"invalid --security-opt 1: \"{opt}\"");
            }
            var (k, v) = (opt[..sep], opt[(sep + 1)..]);
            switch (k)
            {
                case "label":
                    result.Labels.Add(v);
                    break;
                case "apparmor":
                    result.AppArmor = v;
                    break;
                case "seccomp":
                    result.Seccomp = v;
                    break;
                case "no-new-privileges":
                    result.NoNewPrivileges = ParseBool(v) ?? throw new BadRequestException($"invalid --security-opt 2: \"{opt}\"");
                    break;
                case "writable-cgroups":
                    result.WritableCgroups = ParseBool(v) ?? throw new BadRequestException($"invalid --security-opt 2: \"{opt}\"");
                    break;
                default:
                    throw new BadRequestException($"invalid --security-opt 2: \"{opt}\"");
            }
        }
        return result;
    }

    private static bool? ParseBool(string v) => v switch
    {
        "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        _ => null,
    };
}
