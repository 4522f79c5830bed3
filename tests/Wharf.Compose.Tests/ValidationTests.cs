using Wharf.Compose.Model;
using Wharf.Compose.Yaml;

namespace Wharf.Compose.Tests;

/// <summary>Bad compose files: one error naming file, line, column and the key.</summary>
public sealed class ValidationTests : IDisposable
{
    readonly ProjectFiles _p = new();

    public void Dispose() => _p.Dispose();

    string Error(string yaml, Dictionary<string, string>? env = null)
    {
        _p.Write("compose.yaml", yaml);
        var e = Assert.ThrowsAny<Exception>(() => _p.Load(env));
        Assert.True(e is ComposeFileException or ComposeException, e.ToString());
        return e.Message;
    }

    string File => Path.Combine(_p.Dir, "compose.yaml");

    [Fact]
    public void Invalid_yaml_gives_line_and_column() =>
        Expect($"{File}:3:12: invalid YAML: did not find the end of a flow sequence or mapping", Error("services:\n  web:\n    image: [busybox\n  other: x\n"));

    static void Expect(string start, string message) => Assert.True(message.StartsWith(start, StringComparison.Ordinal), message);

    [Fact]
    public void Tab_indentation_is_reported_at_its_line() =>
        Expect($"{File}:3:1: invalid YAML: While scanning a mapping, found invalid tab as indentation", Error("services:\n  web:\n\timage: busybox\n"));

    [Fact]
    public void Unknown_service_key_is_named_with_its_place() =>
        Assert.Equal($"{File}:4:5: services.web: unknown key 'imag'", Error("services:\n  web:\n    image: busybox\n    imag: busybox\n"));

    [Fact]
    public void Unknown_top_level_key() =>
        Assert.Equal($"{File}:1:1: unknown key 'service' at the top level", Error("service:\n  web:\n    image: busybox\n"));

    [Fact]
    public void Wrong_types_are_refused()
    {
        Assert.Equal($"{File}:4:12: services.web.ports must be a list", Error("services:\n  web:\n    image: busybox\n    ports: 80\n"));
        Assert.Equal($"{File}:4:17: services.web.privileged must be a boolean", Error("services:\n  web:\n    image: busybox\n    privileged: maybe\n"));
        Assert.Equal($"{File}:4:17: services.web.cpu_shares must be an integer", Error("services:\n  web:\n    image: busybox\n    cpu_shares: lots\n"));
    }

    [Fact]
    public void Depends_on_an_unknown_service() =>
        Assert.Equal($"{File}:4:17: services.web.depends_on: service \"nope\" is not defined",
            Error("services:\n  web:\n    image: busybox\n    depends_on: [nope]\n"));

    [Fact]
    public void Dependency_cycle_is_refused() =>
        Assert.Equal($"{File}: dependency cycle detected: a -> b -> c -> a",
            Error("services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [c]\n  c:\n    image: x\n    links: [a]\n"));

    [Fact]
    public void Required_variable_missing() =>
        Assert.Equal($"{File}:3:12: services.web.image: required variable TAG is missing a value: set TAG",
            Error("services:\n  web:\n    image: ${TAG:?set TAG}\n"));

    [Fact]
    public void Undefined_named_volume() =>
        Assert.Equal($"{File}:4:14: services.db.volumes: named volume \"data\" is not defined in the top-level volumes",
            Error("services:\n  db:\n    image: busybox\n    volumes: [\"data:/data\"]\n"));

    [Fact]
    public void Undefined_network() =>
        Assert.Equal($"{File}:4:15: services.db.networks: network \"back\" is not defined in the top-level networks",
            Error("services:\n  db:\n    image: busybox\n    networks: [back]\n"));

    [Fact]
    public void Service_without_image_or_build() =>
        Assert.Contains("services.db: service has neither an image nor a build context", Error("services:\n  db:\n    command: x\n"));

    [Fact]
    public void Bad_values_are_refused()
    {
        Assert.Contains("invalid port", Error("services:\n  web:\n    image: x\n    ports: [\"99999\"]\n"));
        Assert.Contains("invalid duration", Error("services:\n  web:\n    image: x\n    healthcheck: { interval: soon }\n"));
        Assert.Contains("invalid size", Error("services:\n  web:\n    image: x\n    mem_limit: huge\n"));
        Assert.Contains("invalid restart policy", Error("services:\n  web:\n    image: x\n    restart: sometimes\n"));
        Assert.Contains("condition must be one of", Error("services:\n  web:\n    image: x\n    depends_on: { db: { condition: started } }\n  db:\n    image: x\n"));
        Assert.Contains("duplicate key 'image'", Error("services:\n  web:\n    image: x\n    image: y\n"));
    }

    [Fact]
    public void Version_key_is_accepted_and_x_extensions_ignored()
    {
        _p.Write("compose.yaml", "version: '2.4'\nx-anything: { a: 1 }\nservices:\n  web:\n    image: busybox\n    x-note: hi\n");
        Assert.Single(_p.Load().Services);
    }

    [Fact]
    public void Missing_file_and_no_file()
    {
        Assert.Contains("no such file", Assert.Throws<ComposeException>(() => _p.Load(files: ["nope.yml"])).Message);
        var empty = Directory.CreateTempSubdirectory("wharf-compose-empty-").FullName;
        try
        {
            Assert.Contains("no configuration file provided", Assert.Throws<ComposeException>(() =>
                Wharf.Compose.Loading.ProjectLoader.Load(new Wharf.Compose.Loading.LoadOptions { WorkingDirectory = empty, Environment = new Dictionary<string, string>() })).Message);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }
}
