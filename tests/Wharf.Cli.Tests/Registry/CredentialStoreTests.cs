using System.Text;
using System.Text.Json;
using Wharf.Cli.Registry;

namespace Wharf.Cli.Tests.Registry;

public sealed class CredentialStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "wharf-creds-" + Guid.NewGuid().ToString("N")[..8]);
    private string Wharf => Path.Combine(_dir, "wharf");
    private string Docker => Path.Combine(_dir, "docker");

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Save_writes_docker_format_keeps_other_keys_and_is_private()
    {
        Directory.CreateDirectory(Wharf);
        File.WriteAllText(Path.Combine(Wharf, "config.json"), "{\"psFormat\":\"table {{.ID}}\",\"auths\":{\"other:1\":{\"auth\":\"eDp5\"}}}");
        var store = new CredentialStore(Wharf, Docker);
        store.Save("127.0.0.1:5000", "alice", "pw:1");
        store.Save("docker.io", "bob", "x");
        using var doc = JsonDocument.Parse(File.ReadAllText(store.ConfigPath));
        Assert.Equal("table {{.ID}}", doc.RootElement.GetProperty("psFormat").GetString());
        var auths = doc.RootElement.GetProperty("auths");
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:pw:1")), auths.GetProperty("127.0.0.1:5000").GetProperty("auth").GetString());
        Assert.True(auths.TryGetProperty("https://index.docker.io/v1/", out _));
        Assert.True(auths.TryGetProperty("other:1", out _));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.ConfigPath));
        var got = store.Get("127.0.0.1:5000")!;
        Assert.Equal(("alice", "pw:1"), (got.Username, got.Password));
        Assert.Equal("bob", store.Get("index.docker.io")!.Username);
    }

    [Fact]
    public void Docker_cli_credentials_are_read_under_any_key_spelling()
    {
        Directory.CreateDirectory(Docker);
        File.WriteAllText(Path.Combine(Docker, "config.json"),
            "{\"auths\":{\"http://127.0.0.1:5000/v2/\":{\"auth\":\"" + Convert.ToBase64String(Encoding.UTF8.GetBytes("carol:pw")) + "\"}}}");
        var store = new CredentialStore(Wharf, Docker);
        Assert.Equal("carol", store.Get("127.0.0.1:5000")!.Username);
        Assert.Null(store.Get("127.0.0.1:5001"));
    }

    [Fact]
    public void Remove_forgets_and_reports_whether_there_was_anything()
    {
        var store = new CredentialStore(Wharf, null);
        Assert.False(store.Remove("127.0.0.1:5000"));
        store.Save("127.0.0.1:5000", "alice", "pw");
        Assert.True(store.Remove("http://127.0.0.1:5000"));
        Assert.Null(store.Get("127.0.0.1:5000"));
    }

    [Fact]
    public void A_broken_config_file_is_a_clear_error()
    {
        Directory.CreateDirectory(Wharf);
        File.WriteAllText(Path.Combine(Wharf, "config.json"), "{not json");
        var e = Assert.Throws<FormatException>(() => new CredentialStore(Wharf, null).Get("x:1"));
        Assert.Contains("config.json", e.Message);
    }

    [Theory]
    [InlineData("https://index.docker.io/v1/", "docker.io")]
    [InlineData("HTTP://127.0.0.1:5000/", "127.0.0.1:5000")]
    [InlineData("registry.local", "registry.local")]
    public void Host_of_keys(string key, string host) => Assert.Equal(host, CredentialStore.HostOf(key));
}
