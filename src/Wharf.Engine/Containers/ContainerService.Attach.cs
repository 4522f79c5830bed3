using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Wharf.Engine.Containers;

public sealed partial class ContainerService
{
    /// <summary>
    /// Connects a hijacked client stream to the container's shim. Before the container starts, the client
    /// waits and is connected before the process runs, so it sees all output (`docker run` without -d).
    /// </summary>
    public async Task AttachAsync(string idOrName, Stream client, bool stdin, bool stdout, bool stderr, string? detachKeys, CancellationToken ct)
    {
        var c = Get(idOrName);
        TaskCompletionSource? connected = null;
        string stateDir;
        if (c.State.Running)
        {
            stateDir = ShimDir(c.Id);
        }
        else
        {
            connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (c.PendingAttaches) c.PendingAttaches.Add(connected);
            stateDir = await c.ShimReady.Task.WaitAsync(ct);
        }
        Socket shim;
        try
        {
            shim = await ShimClient.ConnectAsync(stateDir, ct);
            var request = new JsonObject
            {
                ["op"] = "attach", ["stdin"] = stdin, ["stdout"] = stdout, ["stderr"] = stderr,
                ["stdinOnce"] = c.Doc.Config?.StdinOnce ?? false,
            };
            if (!string.IsNullOrEmpty(detachKeys)) request["detachKeys"] = detachKeys;
            await ShimClient.RequestAsync(shim, request, ct);
        }
        finally
        {
            connected?.TrySetResult();
        }
        Publish(c, "attach");
        using (shim)
        {
            await using var shimStream = new NetworkStream(shim, ownsSocket: false);
            using var inputStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var output = shimStream.CopyToAsync(client, ct);
            var input = Task.Run(async () =>
            {
                try
                {
                    if (stdin) await client.CopyToAsync(shimStream, inputStop.Token);
                    else await Task.Delay(Timeout.Infinite, inputStop.Token);
                }
                catch (Exception) { }
                // Client's half-close: stdin EOF for the container.
                try { shim.Shutdown(SocketShutdown.Send); } catch (SocketException) { }
            }, CancellationToken.None);
            var shimClosed = false;
            try
            {
                await output;
                shimClosed = true;
            }
            catch (IOException) { }
            await client.FlushAsync(ct);
            // The shim closes an attach stream at the container's exit, or when the client typed its
            // detach keys: a shim that still reports the container running means the latter.
            if (shimClosed && stdin && await ShimReportsRunningAsync(stateDir)) Publish(c, "detach");
            // The output is over (the container exited or the shim detached us): stop reading the client,
            // whose stdin may stay open (a terminal), so the connection can close.
            inputStop.Cancel();
            // Not awaited: a pending read on the client may ignore cancellation until the connection closes.
            _ = input.ContinueWith(t => t.Exception, TaskScheduler.Default);
        }
    }

    private static async Task<bool> ShimReportsRunningAsync(string stateDir)
    {
        try
        {
            var state = await ShimClient.CallAsync(stateDir, new JsonObject { ["op"] = "state" }, CancellationToken.None);
            return state["running"]?.GetValue<bool>() == true;
        }
        catch (Exception e) when (e is IOException or SocketException or WharfException)
        {
            return false; // the shim is gone with its container
        }
    }
}
