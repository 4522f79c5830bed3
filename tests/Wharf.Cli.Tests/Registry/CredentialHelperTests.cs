using System.Text.Json;
using Wharf.Cli.Registry;

namespace Wharf.Cli.Tests.Registry;

/// <summary>credsStore and credHelpers through a fake docker-credential helper (a shell script on PATH keeping files).</summary>
public sealed class CredentialHelperTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "wharf-credhelper-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _name;
    private string Wharf => Path.Combine(_dir, "wharf");
    private string Docker => Path.Combine(_dir, "docker");
    private string Kept => Path.Combine(_dir, "kept");

    public CredentialHelperTests()
    {
        _name = "wharftest" + Guid.NewGuid().ToString("N")[..6];
        Directory.CreateDirectory(Kept);
        Directory.CreateDirectory(Path.Combine(_dir, "bin"));
        var script = Path.Combine(_dir, "bin", "docker-credential-" + _name);
        File.WriteAllText(script, FakeHelperScript(Kept));
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        lock (typeof(CredentialHelperTests))
        {
            var path = Environment.GetEnvironmentVariable("PATH") ?? "";
            Environment.SetEnvironmentVariable("PATH", Path.Combine(_dir, "bin") + ":" + path);
        }
    }

    /// <summary>A helper as the protocol describes one: store keeps the JSON per server URL, get prints it, erase removes it.</summary>
    public static string FakeHelperScript(string keptDir) => $$"""
        #!/bin/sh
        set -u
        key() { printf '%s' "$1" | tr -c 'a-zA-Z0-9.' '_'; }
        case "$1" in
          store) json=$(cat); url=$(printf '%s' "$json" | sed -n 's/.*"ServerURL":"\([^"]*\)".*/\1/p'); printf '%s' "$json" > "{{keptDir}}/$(key "$url")" ;;
          get) url=$(cat); f="{{keptDir}}/$(key "$url")"; if [ -f "$f" ]; then cat "$f"; else echo "credentials not found in native keychain"; exit 1; fi ;;
          erase) url=$(cat); f="{{keptDir}}/$(key "$url")"; if [ -f "$f" ]; then rm "$f"; else echo "credentials not found in native keychain"; exit 1; fi ;;
          *) echo "unknown action $1"; exit 1 ;;
        esac
        """.Replace("\r", "");

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private void Config(string dir, string json)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), json);
    }

    [Fact]
    public void CredsStore_keeps_the_secret_in_the_helper_and_only_the_registry_in_the_file()
    {
        Config(Wharf, $$"""{"credsStore":"{{_name}}"}""");
        var store = new CredentialStore(Wharf, Docker);
        Assert.Equal(_name, store.Save("127.0.0.1:5000", "alice", "s3cret")!.Name);
        var text = File.ReadAllText(store.ConfigPath);
        Assert.DoesNotContain("s3cret", text);
        Assert.DoesNotContain(Convert.ToBase64String("alice:s3cret"u8), text);
        using (var doc = JsonDocument.Parse(text)) Assert.True(doc.RootElement.GetProperty("auths").TryGetProperty("127.0.0.1:5000", out _));
        var kept = Assert.Single(Directory.GetFiles(Kept));
        Assert.Contains("\"Secret\":\"s3cret\"", File.ReadAllText(kept));

        var got = store.Get("127.0.0.1:5000")!;
        Assert.Equal(("alice", "s3cret", "127.0.0.1:5000"), (got.Username, got.Password, got.ServerAddress));
        Assert.True(store.Remove("127.0.0.1:5000"));
        Assert.Empty(Directory.GetFiles(Kept));
        Assert.Null(store.Get("127.0.0.1:5000"));
        Assert.False(store.Remove("127.0.0.1:5000"));
    }

    [Fact]
    public void CredHelpers_of_the_docker_config_serve_their_registry_only_and_token_users_are_identity_tokens()
    {
        var bob = Convert.ToBase64String("bob:pw"u8);
        Config(Docker, "{\"credHelpers\":{\"registry.example:5000\":\"" + _name + "\"},\"auths\":{\"other:1\":{\"auth\":\"" + bob + "\"}}}");
        var store = new CredentialStore(Wharf, Docker);
        Assert.Equal(_name, store.HelperFor("registry.example:5000")!.Name);
        Assert.Null(store.HelperFor("other:1"));
        new CredentialHelper(_name).Store("registry.example:5000", CredentialHelper.TokenUser, "refresh-me");
        var got = store.Get("https://registry.example:5000/")!;
        Assert.Equal(("refresh-me", (string?)null), (got.IdentityToken, got.Username));
        Assert.Equal("bob", store.Get("other:1")!.Username);
    }

    [Fact]
    public void A_missing_or_failing_helper_is_one_clear_error()
    {
        Config(Wharf, """{"credsStore":"wharf-no-such-helper"}""");
        var store = new CredentialStore(Wharf, Docker);
        var e = Assert.Throws<FormatException>(() => store.Get("127.0.0.1:5000"));
        Assert.Equal("error getting credentials - err: exec: \"docker-credential-wharf-no-such-helper\": executable file not found in $PATH, out: ``", e.Message);

        var broken = Path.Combine(_dir, "bin", "docker-credential-" + _name + "-broken");
        File.WriteAllText(broken, "#!/bin/sh\necho 'the keyring is locked' >&2\nexit 3\n");
        File.SetUnixFileMode(broken, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Config(Wharf, $$"""{"credsStore":"{{_name}}-broken"}""");
        e = Assert.Throws<FormatException>(() => store.Save("127.0.0.1:5000", "alice", "x"));
        Assert.Equal("error storing credentials - err: exit status 3, out: `the keyring is locked`", e.Message);
        Assert.DoesNotContain("auths", File.ReadAllText(store.ConfigPath));
    }
}
