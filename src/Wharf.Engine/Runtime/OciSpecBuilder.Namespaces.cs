using Wharf.Engine.Runtime.Spec;

namespace Wharf.Engine.Runtime;

public sealed partial class OciSpecBuilder
{
    /// <summary>The namespaces of a container and what they imply for the rest of the spec.</summary>
    private sealed record ResolvedNamespaces(
        List<OciNamespace> Namespaces,
        bool PrivatePid,
        bool PrivateUts,
        bool IpcNamespace,
        bool IpcNone,
        bool NetNamespaceNotHost,
        bool NetworkIsPrivate);

    private ResolvedNamespaces ResolveNamespaces(OciSpecRequest req)
    {
        var hc = req.HostConfig;
        var list = new List<OciNamespace> { new() { Type = "mount" } };

        // Network: host shares the host's; container:<id> joins another's; anything else gets its own
        // (the prepared one when a path is given, else a new one with only lo).
        var net = hc.NetworkMode ?? "";
        var netHost = net == "host";
        var netContainer = ContainerRef(net, "network");
        if (netContainer is not null)
        {
            list.Add(new OciNamespace { Type = "network", Path = Join(req, netContainer, "network") });
        }
        else if (!netHost)
        {
            list.Add(new OciNamespace { Type = "network", Path = req.NetworkNamespacePath });
        }

        var uts = hc.UTSMode ?? "";
        if (uts is not ("" or "host"))
        {
            throw new BadRequestException($"invalid UTS mode: {uts}");
        }
        if (uts != "host") list.Add(new OciNamespace { Type = "uts" });

        var pid = hc.PidMode ?? "";
        var pidContainer = ContainerRef(pid, "PID");
        if (pidContainer is null && pid is not ("" or "host" or "private"))
        {
            throw new BadRequestException($"invalid PID mode: {pid}");
        }
        if (pidContainer is not null) list.Add(new OciNamespace { Type = "pid", Path = Join(req, pidContainer, "pid") });
        else if (pid != "host") list.Add(new OciNamespace { Type = "pid" });

        var ipc = hc.IpcMode ?? "";
        var ipcContainer = ContainerRef(ipc, "IPC");
        if (ipcContainer is null && ipc is not ("" or "host" or "private" or "shareable" or "none"))
        {
            throw new BadRequestException($"invalid IPC mode: {ipc}");
        }
        if (ipcContainer is not null) list.Add(new OciNamespace { Type = "ipc", Path = Join(req, ipcContainer, "ipc") });
        else if (ipc != "host") list.Add(new OciNamespace { Type = "ipc" });

        var cgroupns = hc.CgroupnsMode ?? "";
        if (cgroupns is not ("" or "host" or "private"))
        {
            throw new BadRequestException($"invalid cgroup namespace mode: {cgroupns}");
        }
        if (cgroupns == "private" || (cgroupns == "" && req.CgroupVersion == 2))
        {
            list.Add(new OciNamespace { Type = "cgroup" });
        }

        if (hc.UsernsMode is { Length: > 0 } userns && userns != "host")
        {
            throw new BadRequestException($"invalid user namespace mode: {userns}");
        }

        return new ResolvedNamespaces(
            list,
            PrivatePid: pidContainer is null && pid != "host",
            PrivateUts: uts != "host",
            IpcNamespace: ipc != "host",
            IpcNone: ipc == "none",
            NetNamespaceNotHost: !netHost,
            NetworkIsPrivate: !netHost && netContainer is null);
    }

    private static string? ContainerRef(string mode, string what)
    {
        if (!mode.StartsWith("container:", StringComparison.Ordinal)) return null;
        var id = mode["container:".Length..];
        if (id.Length == 0) throw new BadRequestException($"invalid {what} mode: {mode}");
        return id;
    }

    private static string Join(OciSpecRequest req, string container, string type)
    {
        if (req.Namespaces is null)
        {
            throw new BadRequestException($"cannot join the {type} namespace of container {container}: no such container");
        }
        return req.Namespaces.GetNamespacePath(container, type);
    }
}
