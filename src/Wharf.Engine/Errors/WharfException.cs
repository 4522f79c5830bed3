namespace Wharf.Engine;

/// <summary>An engine failure with the HTTP status Docker answers for it.</summary>
public class WharfException(string message, int statusCode = 500, Exception? inner = null) : Exception(message, inner)
{
    public int StatusCode { get; } = statusCode;
}

/// <summary>The object asked for does not exist (404).</summary>
public sealed class NotFoundException(string message) : WharfException(message, 404);

/// <summary>The request conflicts with current state (409).</summary>
public sealed class ConflictException(string message) : WharfException(message, 409);

/// <summary>The request itself is wrong (400).</summary>
public sealed class BadRequestException(string message, Exception? inner = null) : WharfException(message, 400, inner);
