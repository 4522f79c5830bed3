namespace Wharf.Cli;

/// <summary>The local terminal as `run -it`, `exec -it` and `attach` need it; tests use a fake.</summary>
public interface ITerminal
{
    /// <summary>Puts stdin in raw mode; the returned handle restores the saved settings once (also on dispose).</summary>
    IDisposable MakeStdinRaw();

    /// <summary>stdout's window size as (rows, columns), or null when stdout is not a terminal.</summary>
    (int Rows, int Cols)? OutputSize();
}
