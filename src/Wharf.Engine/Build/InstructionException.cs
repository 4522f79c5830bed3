namespace Wharf.Engine.Build;

/// <summary>An error in one instruction, raised without location; the parser adds file and line.</summary>
internal sealed class InstructionException : Exception
{
    public InstructionException(string message) : base(message)
    {
    }
}
