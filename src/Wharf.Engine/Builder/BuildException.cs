namespace Wharf.Engine.Builder;

/// <summary>A build that failed after it started; <see cref="Code"/> is a failing RUN's exit code (Docker's errorDetail.code).</summary>
public sealed class BuildException(string message, int code = 1, Exception? inner = null) : WharfException(message, 400, inner)
{
    public int Code { get; } = code;
}
