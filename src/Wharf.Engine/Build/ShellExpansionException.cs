namespace Wharf.Engine.Build;

/// <summary>A word could not be expanded: bad `${...}` syntax, unterminated quote, or a `${a?msg}` failure.</summary>
public sealed class ShellExpansionException : FormatException
{
    public ShellExpansionException(string message) : base(message)
    {
    }
}
