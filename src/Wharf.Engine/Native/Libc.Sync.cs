using System.Runtime.InteropServices;

namespace Wharf.Engine.Native;

internal static partial class Libc
{
    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    public static partial int SyncFs(int fd);

    /// <summary>Flushes the whole filesystem holding <paramref name="path"/>: one call makes a batch of new files durable.</summary>
    public static void SyncFilesystem(string path)
    {
        int fd = Open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (fd < 0) throw new IOException($"syncing {path}: open failed with errno {Marshal.GetLastPInvokeError()}");
        try
        {
            if (SyncFs(fd) != 0) throw new IOException($"syncing {path}: syncfs failed with errno {Marshal.GetLastPInvokeError()}");
        }
        finally
        {
            Close(fd);
        }
    }
}
