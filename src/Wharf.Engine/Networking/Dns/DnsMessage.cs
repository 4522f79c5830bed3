using System.Buffers.Binary;
using System.Text;

namespace Wharf.Engine.Networking.Dns;

/// <summary>The question of a DNS query (RFC 1035): what the embedded resolver needs to answer or forward it.</summary>
public sealed record DnsQuestion(ushort Id, bool RecursionDesired, string Name, ushort Type, ushort Class, int QuestionEnd);

/// <summary>Reads DNS queries and writes the answers of the embedded resolver (A, AAAA, PTR; no compression in questions).</summary>
public static class DnsMessage
{
    public const ushort TypeA = 1;
    public const ushort TypePtr = 12;
    public const ushort TypeAaaa = 28;
    public const ushort TypeAny = 255;
    public const ushort ClassIn = 1;
    public const int NoError = 0;
    public const int FormErr = 1;
    public const int ServFail = 2;
    public const int NxDomain = 3;
    public const int NotImp = 4;
    private const int HeaderSize = 12;

    /// <summary>The single question of a standard query, or null for anything else (responses, other opcodes, malformed).</summary>
    public static DnsQuestion? ParseQuery(ReadOnlySpan<byte> m)
    {
        if (m.Length < HeaderSize) return null;
        var flags = BinaryPrimitives.ReadUInt16BigEndian(m[2..]);
        if ((flags & 0x8000) != 0 || ((flags >> 11) & 0xF) != 0) return null;
        if (BinaryPrimitives.ReadUInt16BigEndian(m[4..]) != 1) return null;
        var name = new StringBuilder();
        var i = HeaderSize;
        while (true)
        {
            if (i >= m.Length) return null;
            int len = m[i++];
            if (len == 0) break;
            if (len > 63 || i + len > m.Length) return null;
            if (name.Length > 0) name.Append('.');
            name.Append(Encoding.ASCII.GetString(m.Slice(i, len)));
            i += len;
            if (name.Length > 253) return null;
        }
        if (i + 4 > m.Length) return null;
        return new DnsQuestion(BinaryPrimitives.ReadUInt16BigEndian(m), (flags & 0x0100) != 0, name.ToString(),
            BinaryPrimitives.ReadUInt16BigEndian(m[i..]), BinaryPrimitives.ReadUInt16BigEndian(m[(i + 2)..]), i + 4);
    }

    /// <summary>The ID of any message (for an error answer to something unparsable), or 0.</summary>
    public static ushort IdOf(ReadOnlySpan<byte> m) => m.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(m) : (ushort)0;

    /// <summary>An answer echoing the question, with A records for <paramref name="addresses"/> and AAAA records for <paramref name="addresses6"/>, or one PTR record.</summary>
    public static byte[] Answer(ReadOnlySpan<byte> query, DnsQuestion q, int rcode, IReadOnlyList<uint> addresses, string? ptr = null, uint ttl = 600,
        IReadOnlyList<UInt128>? addresses6 = null)
    {
        addresses6 ??= [];
        var questionBytes = query[HeaderSize..q.QuestionEnd];
        var ptrName = ptr is null ? null : EncodeName(ptr);
        var answers = ptrName is not null ? 1 : addresses.Count + addresses6.Count;
        var size = HeaderSize + questionBytes.Length + addresses.Count * 16 + addresses6.Count * 28 + (ptrName is null ? 0 : 12 + ptrName.Length);
        var r = new byte[size];
        BinaryPrimitives.WriteUInt16BigEndian(r, q.Id);
        // QR, authoritative, RD copied, RA.
        var flags = (ushort)(0x8000 | 0x0400 | (q.RecursionDesired ? 0x0100 : 0) | 0x0080 | (rcode & 0xF));
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(2), flags);
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(6), (ushort)answers);
        questionBytes.CopyTo(r.AsSpan(HeaderSize));
        var o = HeaderSize + questionBytes.Length;
        if (ptrName is not null)
        {
            o = Record(r, o, TypePtr, ttl, ptrName);
        }
        else
        {
            foreach (var a in addresses)
            {
                var data = new byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(data, a);
                o = Record(r, o, TypeA, ttl, data);
            }
            foreach (var a in addresses6)
            {
                var data = new byte[16];
                BinaryPrimitives.WriteUInt128BigEndian(data, a);
                o = Record(r, o, TypeAaaa, ttl, data);
            }
        }
        return r;
    }

    /// <summary>A header-only error answer (FORMERR for garbage, SERVFAIL when no upstream answered).</summary>
    public static byte[] Error(ushort id, int rcode)
    {
        var r = new byte[HeaderSize];
        BinaryPrimitives.WriteUInt16BigEndian(r, id);
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(2), (ushort)(0x8000 | 0x0080 | (rcode & 0xF)));
        return r;
    }

    /// <summary>A query for <paramref name="name"/> (tests and tools).</summary>
    public static byte[] Query(ushort id, string name, ushort type)
    {
        var encoded = EncodeName(name);
        var q = new byte[HeaderSize + encoded.Length + 4];
        BinaryPrimitives.WriteUInt16BigEndian(q, id);
        BinaryPrimitives.WriteUInt16BigEndian(q.AsSpan(2), 0x0100);
        BinaryPrimitives.WriteUInt16BigEndian(q.AsSpan(4), 1);
        encoded.CopyTo(q.AsSpan(HeaderSize));
        BinaryPrimitives.WriteUInt16BigEndian(q.AsSpan(HeaderSize + encoded.Length), type);
        BinaryPrimitives.WriteUInt16BigEndian(q.AsSpan(HeaderSize + encoded.Length + 2), ClassIn);
        return q;
    }

    /// <summary>`a.b.c` in wire format (length-prefixed labels, a zero at the end).</summary>
    public static byte[] EncodeName(string name)
    {
        var labels = name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries);
        var bytes = new List<byte>();
        foreach (var l in labels)
        {
            var b = Encoding.ASCII.GetBytes(l);
            bytes.Add((byte)Math.Min(b.Length, 63));
            bytes.AddRange(b.Take(63));
        }
        bytes.Add(0);
        return [.. bytes];
    }

    /// <summary>The IPv4 address a reverse name (`4.3.2.1.in-addr.arpa`) stands for, or null.</summary>
    public static uint? ReverseAddress(string name)
    {
        const string suffix = ".in-addr.arpa";
        if (!name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) return null;
        var parts = name[..^suffix.Length].Split('.');
        if (parts.Length != 4) return null;
        uint a = 0;
        for (var i = 3; i >= 0; i--)
        {
            if (!byte.TryParse(parts[i], out var b)) return null;
            a = (a << 8) | b;
        }
        return a;
    }

    // An answer record whose name points back at the question (offset 12).
    private static int Record(byte[] r, int o, ushort type, uint ttl, byte[] data)
    {
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(o), 0xC00C);
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(o + 2), type);
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(o + 4), ClassIn);
        BinaryPrimitives.WriteUInt32BigEndian(r.AsSpan(o + 6), ttl);
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(o + 10), (ushort)data.Length);
        data.CopyTo(r.AsSpan(o + 12));
        return o + 12 + data.Length;
    }
}
