using System.Runtime.InteropServices;

namespace Wharf.Engine.Native;

/// <summary>
/// The new mount API (fsopen, fsconfig, fsmount, move_mount; Linux 5.2 and later): a filesystem is configured
/// one parameter at a time, so no option string has to fit in one page. Syscall numbers are shared by every
/// architecture since they were added after the unified table.
/// </summary>
internal static partial class Libc
{
    public const uint FSOPEN_CLOEXEC = 0x1;
    public const uint FSCONFIG_SET_STRING = 1;
    public const uint FSCONFIG_CMD_CREATE = 6;
    public const uint FSMOUNT_CLOEXEC = 0x1;
    public const uint MOUNT_ATTR_RDONLY = 0x1;
    public const uint MOVE_MOUNT_F_EMPTY_PATH = 0x4;
    public const int CLONE_FS = 0x200;

    private const long SysMoveMount = 429;
    private const long SysFsopen = 430;
    private const long SysFsconfig = 431;
    private const long SysFsmount = 432;

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial long SyscallStringUint(long number, string a, uint b);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial long SyscallFsconfig(long number, int fd, uint cmd, string? key, string? value, int aux);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long SyscallFsmount(long number, int fd, uint flags, uint attrFlags);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial long SyscallMoveMount(long number, int fromDirfd, string fromPath, int toDirfd, string toPath, uint flags);

    /// <summary>fsopen(2): a filesystem context for <paramref name="fsName"/>; -1 with errno on failure.</summary>
    public static int Fsopen(string fsName, uint flags) => (int)SyscallStringUint(SysFsopen, fsName, flags);

    /// <summary>fsconfig(2) with FSCONFIG_SET_STRING, or a command (key and value null) such as FSCONFIG_CMD_CREATE.</summary>
    public static int Fsconfig(int fd, uint cmd, string? key, string? value) => (int)SyscallFsconfig(SysFsconfig, fd, cmd, key, value, 0);

    /// <summary>fsmount(2): a detached mount of the created filesystem, as a descriptor.</summary>
    public static int Fsmount(int fd, uint flags, uint attrFlags) => (int)SyscallFsmount(SysFsmount, fd, flags, attrFlags);

    /// <summary>move_mount(2) of a detached mount descriptor onto <paramref name="target"/>.</summary>
    public static int MoveMountTo(int mountFd, string target) =>
        (int)SyscallMoveMount(SysMoveMount, mountFd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH);

    [LibraryImport("libc", EntryPoint = "chdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Chdir(string path);
}
