namespace Wharf.Cli.Streams;

/// <summary>No terminal: raw mode does nothing and there is no window size.</summary>
public sealed class NoTerminal : ITerminal
{
    public static readonly NoTerminal Instance = new();

    public IDisposable MakeStdinRaw() => Restore.Nothing;

    public (int Rows, int Cols)? OutputSize() => null;

    sealed class Restore : IDisposable
    {
        public static readonly Restore Nothing = new();

        public void Dispose() { }
    }
}
