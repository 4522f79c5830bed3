using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Wharf.Registry.Protocol;

/// <summary>A content digest "algorithm:hex" (sha256 or sha512), validated so it is safe as a file name.</summary>
public readonly record struct Digest(string Algorithm, string Hex)
{
    public override string ToString() => Algorithm + ":" + Hex;

    public static bool TryParse(string? s, [NotNullWhen(true)] out Digest? digest)
    {
        digest = null;
        if (s is null) return false;
        var colon = s.IndexOf(':');
        if (colon <= 0) return false;
        var alg = s[..colon];
        var hex = s[(colon + 1)..];
        int length = alg switch { "sha256" => 64, "sha512" => 128, _ => 0 };
        if (length == 0 || hex.Length != length) return false;
        foreach (var c in hex)
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f'))) return false;
        digest = new Digest(alg, hex);
        return true;
    }

    /// <summary>Parses a digest or throws the spec's DIGEST_INVALID (or UNSUPPORTED for a well-formed unknown algorithm).</summary>
    public static Digest Parse(string? s)
    {
        if (TryParse(s, out var d)) return d.Value;
        if (s is not null && s.IndexOf(':') is > 0 and var c && s[..c] is not ("sha256" or "sha512") && IsAlgorithmLike(s[..c]))
            throw new RegistryException(400, ErrorCodes.DigestInvalid, $"unsupported digest algorithm {s[..c]}", s);
        throw RegistryException.DigestInvalid("invalid digest", s);
    }

    static bool IsAlgorithmLike(string a) => a.All(ch => ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '+' or '.' or '_' or '-');

    public IncrementalHash CreateHash() => IncrementalHash.CreateHash(Algorithm == "sha512" ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256);

    public static Digest FromHash(string algorithm, byte[] hash) => new(algorithm, Convert.ToHexStringLower(hash));

    public static Digest Sha256(ReadOnlySpan<byte> data) => new("sha256", Convert.ToHexStringLower(SHA256.HashData(data)));
}
