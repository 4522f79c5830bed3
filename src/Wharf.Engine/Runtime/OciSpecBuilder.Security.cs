using System.Text.RegularExpressions;
using Wharf.Api.Models;
using Wharf.Engine.Runtime.Seccomp;
using Wharf.Engine.Runtime.Spec;

namespace Wharf.Engine.Runtime;

public sealed partial class OciSpecBuilder
{
    [GeneratedRegex(@"^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$")]
    private static partial Regex DeviceCgroupRule();

    [GeneratedRegex(@"^[rwm]{1,3}$")]
    private static partial Regex DeviceMode();

    /// <summary>Device nodes and device cgroup rules: Docker's defaults plus `--device` and `--device-cgroup-rule`, or every host device when privileged.</summary>
    private void ApplyDevices(HostConfig hc, OciLinux linux)
    {
        var nodes = new List<OciLinuxDevice>();
        var rules = DefaultMounts.DeviceRules();
        if (hc.Privileged)
        {
            nodes.AddRange(devices.All());
            foreach (var d in hc.Devices ?? [])
            {
                if (string.IsNullOrEmpty(d.PathInContainer) || d.PathInContainer == d.PathOnHost) continue;
                var dev = DeviceFor(d);
                nodes.RemoveAll(n => n.Path == dev.Path);
                nodes.Add(dev);
            }
            rules = [new OciDeviceCgroup { Allow = true, Access = "rwm" }];
        }
        else
        {
            foreach (var d in hc.Devices ?? [])
            {
                var perms = string.IsNullOrEmpty(d.CgroupPermissions) ? "rwm" : d.CgroupPermissions;
                if (!DeviceMode().IsMatch(perms))
                {
                    throw new BadRequestException($"invalid device mode: {perms}");
                }
                var dev = DeviceFor(d);
                nodes.Add(dev);
                rules.Add(new OciDeviceCgroup { Allow = true, Type = dev.Type, Major = dev.Major, Minor = dev.Minor, Access = perms });
            }
            foreach (var rule in hc.DeviceCgroupRules ?? [])
            {
                var m = DeviceCgroupRule().Match(rule);
                if (!m.Success)
                {
                    throw new BadRequestException($"invalid device cgroup rule format: '{rule}'");
                }
                rules.Add(new OciDeviceCgroup
                {
                    Allow = true,
                    Type = m.Groups[1].Value,
                    Major = m.Groups[2].Value == "*" ? null : long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture),
                    Minor = m.Groups[3].Value == "*" ? null : long.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture),
                    Access = m.Groups[4].Value,
                });
            }
        }
        linux.Devices = nodes;
        linux.Resources ??= new OciResources();
        linux.Resources.Devices = rules;
    }

    private OciLinuxDevice DeviceFor(DeviceMapping d)
    {
        var hostPath = d.PathOnHost ?? "";
        var dev = devices.Get(hostPath)
            ?? throw new BadRequestException($"error gathering device information while adding custom device \"{hostPath}\": not a device node");
        dev.Path = string.IsNullOrEmpty(d.PathInContainer) ? hostPath : d.PathInContainer;
        return dev;
    }

    /// <summary>
    /// The seccomp filter: none when privileged or `seccomp=unconfined`; a user profile (JSON text as the
    /// docker CLI sends it, or a file path); otherwise Wharf's default profile. Either way compiled for
    /// the container's capabilities, the host architecture and kernel.
    /// </summary>
    private OciSeccomp? Seccomp(HostConfig hc, SecurityOptions security, IReadOnlyCollection<string> caps)
    {
        if (hc.Privileged || security.Seccomp == "unconfined")
        {
            return null;
        }
        SeccompProfile profile;
        var value = security.Seccomp?.Trim();
        if (string.IsNullOrEmpty(value) || value == "builtin" || value == "default")
        {
            profile = WharfDefaultSeccompProfile.Create();
        }
        else if (value.StartsWith('{'))
        {
            profile = SeccompCompiler.Parse(value);
        }
        else
        {
            string text;
            try
            {
                text = File.ReadAllText(value);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new BadRequestException($"opening seccomp profile ({value}) failed: {e.Message}", e);
            }
            profile = SeccompCompiler.Parse(text);
        }
        return SeccompCompiler.Compile(profile, caps, host.Architecture, host.KernelVersion);
    }
}
