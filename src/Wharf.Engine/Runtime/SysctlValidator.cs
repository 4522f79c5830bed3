namespace Wharf.Engine.Runtime;

/// <summary>
/// Checks `--sysctl` names against the kernel namespaces the container has, as runc does when it
/// starts a container (Docker passes them through and users see runc's messages): IPC sysctls
/// (kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*) need a private IPC namespace, net.* a
/// network namespace that is not the host's, kernel.domainname a UTS namespace; anything else
/// is not namespaced and refused.
/// </summary>
public static class SysctlValidator
{
    private static readonly HashSet<string> IpcSysctls = new(StringComparer.Ordinal)
    {
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
        "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
    };

    public static void Validate(IReadOnlyDictionary<string, string>? sysctls, bool ipcNamespace, bool privateNetNamespace, bool utsNamespace)
    {
        foreach (var name in (sysctls ?? new Dictionary<string, string>()).Keys.Order(StringComparer.Ordinal))
        {
            if (IpcSysctls.Contains(name) || name.StartsWith("fs.mqueue.", StringComparison.Ordinal))
            {
                if (ipcNamespace) continue;
                throw new BadRequestException($"sysctl \"{name}\" is not allowed in the hosts ipc namespace");
            }
            if (name.StartsWith("net.", StringComparison.Ordinal))
            {
                if (privateNetNamespace) continue;
                throw new BadRequestException($"sysctl \"{name}\" not allowed in host network namespace");
            }
            if (utsNamespace)
            {
                switch (name)
                {
                    case "kernel.domainname":
                        continue;
                    case "kernel.hostname":
                        throw new BadRequestException($"sysctl \"{name}\" is not allowed as it conflicts with the OCI \"hostname\" field");
                }
            }
            throw new BadRequestException($"sysctl \"{name}\" is not in a separate kernel namespace");
        }
    }
}
