namespace Wharf.Api.Client;

/// <summary>What HEAD /_ping announced.</summary>
public sealed record PingResult(string? ApiVersion, string? OsType, bool Experimental, string? BuilderVersion);
