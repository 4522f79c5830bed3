namespace Wharf.Engine.Build;

/// <summary>A `--change` instruction was rejected: not allowed, malformed, or its value is invalid.</summary>
public sealed class ConfigChangeException : ArgumentException
{
    public ConfigChangeException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
