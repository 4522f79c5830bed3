using System.Security.Cryptography;

namespace Wharf.Engine.Content;

/// <summary>Helpers for `sha256:hex` digests.</summary>
public static class Digest
{
    public const string Prefix = "sha256:";

    public static string Of(ReadOnlySpan<byte> data) => Prefix + Convert.ToHexStringLower(SHA256.HashData(data));

    public static string Hex(string digest) =>
        digest.StartsWith(Prefix, StringComparison.Ordinal) ? digest[Prefix.Length..] : digest;

    public static bool IsValid(string digest) =>
        digest.Length == 71 && digest.StartsWith(Prefix, StringComparison.Ordinal) && digest.AsSpan(7).ContainsAnyExcept("0123456789abcdef") == false;

    /// <summary>Chain id of a layer stack (OCI image-spec): chain(n) = sha256(chain(n-1) + " " + diff(n)).</summary>
    public static string ChainId(string? parentChainId, string diffId) =>
        parentChainId is null ? diffId : Of(System.Text.Encoding.ASCII.GetBytes(parentChainId + " " + diffId));
}
