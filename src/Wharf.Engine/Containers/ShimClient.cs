using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wharf.Engine.Containers;

/// <summary>Talks to a container's wharf-shim over its control socket (one JSON line each way).</summary>
public static class ShimClient
{
    public static async Task<Socket> ConnectAsync(string stateDir, CancellationToken ct)
    {
        var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await s.ConnectAsync(new UnixDomainSocketEndPoint(Path.Combine(stateDir, "shim.sock")), ct);
            return s;
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    /// <summary>Sends a request and reads the one-line answer, leaving the socket open for streams.</summary>
    public static async Task<JsonObject> RequestAsync(Socket s, JsonObject request, CancellationToken ct)
    {
        await s.SendAsync(Encoding.UTF8.GetBytes(request.ToJsonString() + "\n"), SocketFlags.None, ct);
        var line = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            int n = await s.ReceiveAsync(one, SocketFlags.None, ct);
            if (n == 0) throw new IOException("the container's shim closed the connection");
            if (one[0] == '\n') break;
            line.Add(one[0]);
        }
        var answer = JsonNode.Parse(line.ToArray()) as JsonObject ?? throw new IOException("bad answer from the shim");
        if (answer["error"] is JsonValue e) throw new WharfException(e.GetValue<string>());
        return answer;
    }

    public static async Task<JsonObject> CallAsync(string stateDir, JsonObject request, CancellationToken ct)
    {
        using var s = await ConnectAsync(stateDir, ct);
        return await RequestAsync(s, request, ct);
    }
}
