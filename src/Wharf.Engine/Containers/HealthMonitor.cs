using Wharf.Api.Models;
using Wharf.Engine.Images;

namespace Wharf.Engine.Containers;

/// <summary>
/// Runs one container's healthcheck probes, one after the other, until stopped: it waits the delay
/// the rules give, runs the probe, hands the result on and waits again. A probe that fails to run
/// counts as a result with exit code -1 and the error as output. After <see cref="Stop"/> no further
/// result is handed on; a probe still running is told to end through its cancellation token.
/// </summary>
internal sealed class HealthMonitor
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<CancellationToken, Task<HealthcheckResult>> _probe;
    private readonly Func<TimeSpan> _nextDelay;
    private readonly Action<HealthcheckResult, DateTimeOffset> _onResult;
    private Task _loop = Task.CompletedTask;

    /// <param name="probe">Runs one probe; cancelled when the monitor stops.</param>
    /// <param name="nextDelay">The wait before the next probe.</param>
    /// <param name="onResult">Receives each result with the time its probe started, under <see cref="Gate"/>.</param>
    public HealthMonitor(Func<CancellationToken, Task<HealthcheckResult>> probe, Func<TimeSpan> nextDelay, Action<HealthcheckResult, DateTimeOffset> onResult)
    {
        _probe = probe;
        _nextDelay = nextDelay;
        _onResult = onResult;
    }

    /// <summary>Held while a result is applied and while the monitor stops, so no result lands after a stop.</summary>
    public Lock Gate { get; } = new();

    public bool Stopped => _stop.IsCancellationRequested;

    public void Start() => _loop = Task.Run(LoopAsync);

    /// <summary>Stops the monitor without waiting for a running probe; the caller holds <see cref="Gate"/> or not.</summary>
    public void Stop()
    {
        lock (Gate)
        {
            _stop.Cancel();
        }
    }

    /// <summary>Completes when the loop, including a probe being killed, has ended.</summary>
    public Task Completion => _loop;

    private async Task LoopAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_nextDelay(), token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var started = DateTimeOffset.UtcNow;
            HealthcheckResult result;
            try
            {
                result = await _probe(token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                result = new HealthcheckResult { ExitCode = -1, Output = e.Message, End = ImageConfigFile.Rfc3339(DateTimeOffset.UtcNow) };
            }
            result.Start = ImageConfigFile.Rfc3339(started);
            lock (Gate)
            {
                if (token.IsCancellationRequested)
                {
                    return;
                }
                _onResult(result, started);
            }
        }
    }
}
