using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Wharf.Cli.Registry;

/// <summary>
/// A docker credential helper, the program <c>docker-credential-NAME</c> on PATH (config.json's <c>credsStore</c> or
/// <c>credHelpers</c>): <c>get</c> reads a server URL on stdin and prints <c>{"ServerURL","Username","Secret"}</c>,
/// <c>store</c> reads that object, <c>erase</c> reads a server URL. A username of <c>&lt;token&gt;</c> means the
/// secret is an identity token. Failures are FormatExceptions worded as Docker words them.
/// </summary>
public sealed class CredentialHelper(string name)
{
    /// <summary>What helpers print (on stdout) when they hold nothing for a server.</summary>
    const string NotFound = "credentials not found in native keychain";
    public const string TokenUser = "<token>";
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public string Name => name;
    public string Program => "docker-credential-" + name;

    /// <summary>The stored user and secret for a server, or null when the helper has none.</summary>
    public (string Username, string Secret)? Get(string serverUrl)
    {
        var (exit, stdout, stderr) = Run("get", serverUrl);
        if (exit != 0)
        {
            if ((stdout + stderr).Contains(NotFound, StringComparison.OrdinalIgnoreCase)) return null;
            throw Failed("getting", exit, stdout, stderr);
        }
        try
        {
            using var doc = JsonDocument.Parse(stdout);
            var root = doc.RootElement;
            string Field(string key) => root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
            var user = Field("Username");
            var secret = Field("Secret");
            return user.Length == 0 && secret.Length == 0 ? null : (user, secret);
        }
        catch (JsonException e)
        {
            throw new FormatException($"error getting credentials - {Program} printed invalid JSON: {e.Message}");
        }
    }

    public void Store(string serverUrl, string username, string secret)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("ServerURL", serverUrl);
            w.WriteString("Username", username);
            w.WriteString("Secret", secret);
            w.WriteEndObject();
        }
        var (exit, stdout, stderr) = Run("store", Encoding.UTF8.GetString(buffer.ToArray()));
        if (exit != 0) throw Failed("storing", exit, stdout, stderr);
    }

    /// <summary>Removes a server's credentials; false when the helper had none.</summary>
    public bool Erase(string serverUrl)
    {
        var (exit, stdout, stderr) = Run("erase", serverUrl);
        if (exit == 0) return true;
        if ((stdout + stderr).Contains(NotFound, StringComparison.OrdinalIgnoreCase)) return false;
        throw Failed("erasing", exit, stdout, stderr);
    }

    FormatException Failed(string what, int exit, string stdout, string stderr) =>
        new($"error {what} credentials - err: exit status {exit}, out: `{(stdout + stderr).Trim().ReplaceLineEndings(" ")}`");

    (int Exit, string Stdout, string Stderr) Run(string action, string input)
    {
        var psi = new ProcessStartInfo(Program)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.ArgumentList.Add(action);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new FormatException($"error {Verb(action)} credentials - err: could not start {Program}");
        }
        catch (Win32Exception)
        {
            throw new FormatException($"error {Verb(action)} credentials - err: exec: \"{Program}\": executable file not found in $PATH, out: ``");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            try
            {
                process.StandardInput.Write(input);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // A helper that exits without reading its input says why on its output.
            }
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new FormatException($"error {Verb(action)} credentials - err: {Program} did not answer within {Timeout.TotalSeconds:0} s");
            }
            return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
        }
    }

    static string Verb(string action) => action switch { "get" => "getting", "store" => "storing", _ => "erasing" };
}
