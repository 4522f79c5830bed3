using System.Diagnostics;
using System.Text;
using Wharf.Engine.Native;

namespace Wharf.Engine.Tests.Layers;

/// <summary>A unique directory under /tmp, removed on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine("/tmp", "wharf-layers-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Sub(string name)
    {
        string p = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(p);
        return p;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>Builds tar archives byte by byte, independent of the code under test.</summary>
internal sealed class RawTar
{
    private readonly MemoryStream _ms = new();

    public long Length => _ms.Length;

    public RawTar Header(string name, char type = '0', long size = 0, int mode = 0x1A4, long uid = 0, long gid = 0,
        long mtime = 1_700_000_000, string linkName = "", bool gnuMagic = false, bool base256Uid = false,
        int devMajor = 0, int devMinor = 0, string prefix = "", Action<byte[]>? tweak = null)
    {
        var h = new byte[512];
        Encoding.UTF8.GetBytes(name).AsSpan().CopyTo(h);
        Octal(h, 100, 8, mode);
        if (base256Uid)
        {
            h[108] = 0x80;
            for (int i = 7; i > 0; i--)
            {
                h[108 + i] = (byte)(uid >> (8 * (7 - i)));
            }
        }
        else
        {
            Octal(h, 108, 8, uid);
        }
        Octal(h, 116, 8, gid);
        Octal(h, 124, 12, size);
        Octal(h, 136, 12, mtime);
        h[156] = (byte)type;
        Encoding.UTF8.GetBytes(linkName).AsSpan().CopyTo(h.AsSpan(157));
        if (gnuMagic)
        {
            "ustar  \0"u8.CopyTo(h.AsSpan(257));
        }
        else
        {
            "ustar\0"u8.CopyTo(h.AsSpan(257));
            "00"u8.CopyTo(h.AsSpan(263));
            Encoding.UTF8.GetBytes(prefix).AsSpan().CopyTo(h.AsSpan(345));
        }
        "root"u8.CopyTo(h.AsSpan(265));
        "root"u8.CopyTo(h.AsSpan(297));
        Octal(h, 329, 8, devMajor);
        Octal(h, 337, 8, devMinor);
        tweak?.Invoke(h);
        Checksum(h);
        _ms.Write(h);
        return this;
    }

    public RawTar Data(byte[] data)
    {
        _ms.Write(data);
        int pad = (512 - data.Length % 512) % 512;
        _ms.Write(new byte[pad]);
        return this;
    }

    public RawTar File(string name, byte[] data, int mode = 0x1A4, long uid = 0, long gid = 0)
        => Header(name, '0', data.Length, mode, uid, gid).Data(data);

    public RawTar Special(char type, byte[] content)
        => Header(type == 'x' || type == 'g' ? "PaxHeaders/x" : "././@LongLink", type, content.Length, gnuMagic: type is 'L' or 'K')
            .Data(content);

    public RawTar Pax(char type, params (string Key, byte[] Value)[] records)
    {
        var ms = new MemoryStream();
        foreach (var (key, value) in records)
        {
            int payload = 1 + Encoding.UTF8.GetByteCount(key) + 1 + value.Length + 1;
            int len = payload + payload.ToString().Length;
            if (len.ToString().Length != payload.ToString().Length)
            {
                len = payload + len.ToString().Length;
            }
            ms.Write(Encoding.ASCII.GetBytes(len + " " + key + "="));
            ms.Write(value);
            ms.WriteByte((byte)'\n');
        }
        return Special(type, ms.ToArray());
    }

    public RawTar End()
    {
        _ms.Write(new byte[1024]);
        return this;
    }

    public byte[] ToArray() => _ms.ToArray();

    public MemoryStream ToStream() => new(ToArray());

    public static void Octal(byte[] h, int offset, int width, long value)
    {
        string s = Convert.ToString(value, 8).PadLeft(width - 1, '0');
        Encoding.ASCII.GetBytes(s).AsSpan().CopyTo(h.AsSpan(offset));
        h[offset + width - 1] = 0;
    }

    public static void Checksum(byte[] h)
    {
        for (int i = 148; i < 156; i++)
        {
            h[i] = (byte)' ';
        }
        int sum = 0;
        foreach (byte b in h)
        {
            sum += b;
        }
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0')).AsSpan().CopyTo(h.AsSpan(148));
        h[154] = 0;
        h[155] = (byte)' ';
    }
}

/// <summary>A stream that refuses seeking, to prove the reader works on pipes and network streams.</summary>
internal sealed class NonSeekableStream(Stream inner, int maxChunk = int.MaxValue) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, maxChunk));
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

internal static class Fs
{
    public static readonly byte[] Capability =
    [
        0x01, 0x00, 0x00, 0x02, 0xff, 0xfe, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ];

    public static Libc.StatX Lstat(string path) => Libc.Lstat(path);

    public static bool Exists(string path) => Libc.TryLstat(path, out _);

    public static uint Perm(string path) => Lstat(path).Mode & 0xFFFu;

    public static void SetXattr(string path, string name, byte[] value)
        => Libc.Check(Libc.LSetXattr(path, name, value), "lsetxattr", path);

    public static byte[]? GetXattr(string path, string name) => Libc.LGetXattr(path, name);

    public static void Chown(string path, uint uid, uint gid) => Libc.Check(Libc.Lchown(path, uid, gid), "lchown", path);

    public static void Chmod(string path, uint mode) => Libc.Check(Libc.Chmod(path, mode), "chmod", path);

    public static void Mknod(string path, uint mode, uint major, uint minor)
        => Libc.Check(Libc.Mknod(path, mode, Libc.MakeDev(major, minor)), "mknod", path);

    public static void SetMtime(string path, long seconds, int nanos)
        => Libc.Check(Libc.LUtimens(path, seconds, nanos, seconds, nanos), "utimensat", path);

    public static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {stderr}");
        }
        return stdout;
    }

    public static async Task<List<LayerTarEntryCopy>> ReadAllAsync(Stream tar)
    {
        var list = new List<LayerTarEntryCopy>();
        using var reader = new Wharf.Engine.Layers.LayerTarReader(tar, leaveOpen: true);
        while (await reader.GetNextEntryAsync() is { } e)
        {
            var ms = new MemoryStream();
            await e.DataStream.CopyToAsync(ms);
            list.Add(new LayerTarEntryCopy(e, ms.ToArray()));
        }
        return list;
    }
}

internal sealed record LayerTarEntryCopy(Wharf.Engine.Layers.LayerTarEntry Entry, byte[] Data)
{
    public string Name => Entry.Name;
}
