namespace Wharf.Api.Client;

/// <summary>The daemon answered with an error status; <see cref="Exception.Message"/> is its `message`.</summary>
public sealed class WharfApiException(int statusCode, string message) : Exception(message)
{
    /// <summary>The HTTP status code of the failed request.</summary>
    public int StatusCode { get; } = statusCode;
}

/// <summary>The daemon could not be reached at all (socket missing, refused, TLS failure).</summary>
public sealed class WharfConnectionException(string host, Exception? inner)
    : Exception($"Cannot connect to the Wharf daemon at {host}. Is the wharf daemon running?", inner)
{
    /// <summary>The host string the client tried, as the user gave it.</summary>
    public string Host { get; } = host;
}
