using System.Buffers.Binary;
using System.Text;

namespace Wharf.Cli.Tests.Containers;

/// <summary>Routes for a fake daemon: the last route added whose method and path prefix match answers.</summary>
internal sealed class Routes
{
    readonly List<(string Method, string Prefix, Func<FakeRequest, FakeResponse> Answer)> _routes = [];

    public const string Id = "4f5157b094dcb56e0ae029570fbb2d9b0a122430b42af2be9657f8d3953b8c7a";

    public Routes On(string method, string path, Func<FakeRequest, FakeResponse> answer)
    {
        _routes.Add((method, "/v1.47" + path, answer));
        return this;
    }

    public Routes On(string method, string path, FakeResponse answer) => On(method, path, _ => answer);

    public FakeResponse Answer(FakeRequest req)
    {
        foreach (var (method, prefix, answer) in Enumerable.Reverse(_routes))
            if (req.Method == method && req.Path.StartsWith(prefix, StringComparison.Ordinal)) return answer(req);
        return FakeResponse.Error(404, $"no route for {req.Method} {req.Path}");
    }

    public FakeDaemon Start() => new(Answer);

    /// <summary>The container a run creates and what it reports when started and waited for.</summary>
    public static Routes Container(int exitCode = 0, bool tty = false) => new Routes()
        .On("POST", "/containers/create", FakeResponse.Json($"{{\"Id\":\"{Id}\",\"Warnings\":[]}}", 201))
        .On("POST", $"/containers/{Id}/wait", FakeResponse.Json($"{{\"StatusCode\":{exitCode}}}"))
        .On("POST", $"/containers/{Id}/start", new FakeResponse(204))
        .On("POST", $"/containers/{Id}/resize", new FakeResponse(200))
        .On("POST", $"/containers/{Id}/kill", new FakeResponse(204))
        .On("GET", $"/containers/{Id}/json", FakeResponse.Json(
            $"{{\"Id\":\"{Id}\",\"State\":{{\"Running\":true}},\"Config\":{{\"Tty\":{(tty ? "true" : "false")},\"OpenStdin\":true}},\"HostConfig\":{{}}}}"));

    /// <summary>One multiplexed frame.</summary>
    public static byte[] Frame(int stream, string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var frame = new byte[8 + payload.Length];
        frame[0] = (byte)stream;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)payload.Length);
        payload.CopyTo(frame, 8);
        return frame;
    }

    /// <summary>Reads the client's stdin until it half-closes.</summary>
    public static async Task<string> ReadAllAsync(Stream s)
    {
        var ms = new MemoryStream();
        var buf = new byte[4096];
        int n;
        while ((n = await s.ReadAsync(buf)) > 0) ms.Write(buf, 0, n);
        return Encoding.UTF8.GetString(ms.ToArray());
    }
}

/// <summary>A terminal for tests: records raw mode and answers a fixed window size.</summary>
internal sealed class FakeTerminal((int, int)? size) : ITerminal
{
    public int RawCount;
    public int RestoreCount;

    public IDisposable MakeStdinRaw()
    {
        RawCount++;
        return new Restore(this);
    }

    public (int Rows, int Cols)? OutputSize() => size;

    sealed class Restore(FakeTerminal t) : IDisposable
    {
        public void Dispose() => t.RestoreCount++;
    }
}
