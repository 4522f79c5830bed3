namespace Wharf.Registry.Protocol;

/// <summary>The distribution spec's error codes, each with the HTTP status the registry answers it with.</summary>
public static class ErrorCodes
{
    public const string BlobUnknown = "BLOB_UNKNOWN";
    public const string BlobUploadInvalid = "BLOB_UPLOAD_INVALID";
    public const string BlobUploadUnknown = "BLOB_UPLOAD_UNKNOWN";
    public const string DigestInvalid = "DIGEST_INVALID";
    public const string ManifestBlobUnknown = "MANIFEST_BLOB_UNKNOWN";
    public const string ManifestInvalid = "MANIFEST_INVALID";
    public const string ManifestUnknown = "MANIFEST_UNKNOWN";
    public const string NameInvalid = "NAME_INVALID";
    public const string NameUnknown = "NAME_UNKNOWN";
    public const string SizeInvalid = "SIZE_INVALID";
    public const string Unauthorized = "UNAUTHORIZED";
    public const string Denied = "DENIED";
    public const string Unsupported = "UNSUPPORTED";
    public const string RangeInvalid = "RANGE_INVALID";
    public const string PaginationNumberInvalid = "PAGINATION_NUMBER_INVALID";
    public const string TagInvalid = "TAG_INVALID";
    public const string Unknown = "UNKNOWN";
}

/// <summary>A request the registry refuses: an error code, its message, an optional detail and the HTTP status.</summary>
public sealed class RegistryException(int status, string code, string message, string? detail = null) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public string? Detail { get; } = detail;

    public static RegistryException BlobUnknown(Digest d) => new(404, ErrorCodes.BlobUnknown, "blob unknown to registry", d.ToString());
    public static RegistryException UploadUnknown(string id) => new(404, ErrorCodes.BlobUploadUnknown, "blob upload unknown to registry", id);
    public static RegistryException ManifestUnknown(string reference) => new(404, ErrorCodes.ManifestUnknown, "manifest unknown", reference);
    public static RegistryException NameUnknown(string name) => new(404, ErrorCodes.NameUnknown, "repository name not known to registry", name);
    public static RegistryException DigestInvalid(string message, string? detail = null) => new(400, ErrorCodes.DigestInvalid, message, detail);
    public static RegistryException ManifestInvalid(string message) => new(400, ErrorCodes.ManifestInvalid, "manifest invalid", message);
    public static RegistryException Unsupported(string message) => new(405, ErrorCodes.Unsupported, message);
}
