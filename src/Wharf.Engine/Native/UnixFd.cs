using Microsoft.Win32.SafeHandles;

namespace Wharf.Engine.Native;

/// <summary>An owned raw file descriptor for the *at calls; closed on dispose unless handed over.</summary>
internal sealed class UnixFd : IDisposable
{
    private int _fd;

    public UnixFd(int fd) => _fd = fd;

    /// <summary>The descriptor number; only valid until dispose.</summary>
    public int Value => _fd >= 0 ? _fd : throw new ObjectDisposedException(nameof(UnixFd));

    /// <summary>The /proc path that reaches exactly this inode.</summary>
    public string ProcPath => Libc.FdPath(Value);

    /// <summary>Wraps a call's result; a negative one throws with errno, naming the operation and path.</summary>
    public static UnixFd Check(int fd, string operation, string path) =>
        fd < 0 ? throw Libc.LastError(operation, path) : new UnixFd(fd);

    /// <summary>Hands the descriptor to a <see cref="SafeFileHandle"/> (for streams); this object no longer owns it.</summary>
    public SafeFileHandle ToSafeHandle()
    {
        var handle = new SafeFileHandle(Value, ownsHandle: true);
        _fd = -1;
        return handle;
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            Libc.Close(_fd);
            _fd = -1;
        }
    }
}
