using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>A compose project in a directory of the daemon's test root, driven by `wharf compose`, docker-compose 1.29 or `docker compose`.</summary>
public sealed class ComposeProjectDir
{
    readonly WharfDaemon _d;

    public ComposeProjectDir(WharfDaemon d, string name)
    {
        _d = d;
        Name = name;
        Dir = Path.Combine(d.Root, "compose-" + name);
        Directory.CreateDirectory(Dir);
    }

    public string Name { get; }
    public string Dir { get; }
    public string File(string name = "docker-compose.yml") => Path.Combine(Dir, name);

    public ComposeProjectDir Write(string name, string text)
    {
        var path = Path.Combine(Dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, text);
        return this;
    }

    /// <summary>`wharf compose -p NAME -f FILE args...`.</summary>
    public Task<ProcessResult> WharfAsync(params string[] args) => WharfFileAsync("docker-compose.yml", args);

    public Task<ProcessResult> WharfFileAsync(string file, params string[] args) =>
        _d.WharfAsync(["compose", "-p", Name, "-f", File(file), .. args], null, TimeSpan.FromMinutes(3));

    /// <summary>`wharf compose -p NAME -f FILE args...` under a pseudo-terminal (`script`), typing as <paramref name="input"/> says.</summary>
    public Task<ProcessResult> WharfUnderTerminalAsync(OutputWatch watch, ScriptedInput input, params string[] args)
    {
        static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";
        var command = string.Join(' ', new[] { Repo.Wharf, "compose", "-p", Name, "-f", File() }.Concat(args).Select(Quote));
        return ProcessRunner.RunAsync("script", ["-qec", command, "/dev/null"], _d.Env(), input, TimeSpan.FromMinutes(2), watch);
    }

    /// <summary>The command's output; a failed assertion naming <paramref name="what"/> unless it exited 0.</summary>
    public static async Task<string> Ok(Task<ProcessResult> run, string what)
    {
        var r = await run;
        Assert.True(r.ExitCode == 0, $"{what} failed: {r}");
        return r.Stdout;
    }

    /// <summary>Debian's docker-compose 1.29 (Python, docker-py) against the daemon.</summary>
    public Task<ProcessResult> DockerComposeV1Async(params string[] args) =>
        ProcessRunner.RunAsync("docker-compose", ["-p", Name, "-f", File(), .. args], _d.Env(), null, TimeSpan.FromMinutes(3));

    /// <summary>The real docker CLI's `docker compose`, with Wharf installed as its compose plugin.</summary>
    public Task<ProcessResult> DockerPluginAsync(params string[] args) =>
        _d.DockerAsync(["compose", "-p", Name, "-f", File(), .. args], null, TimeSpan.FromMinutes(3));

    /// <summary>Names of the project's containers (all states), from the engine's labels.</summary>
    public async Task<List<string>> ContainerNamesAsync()
    {
        var r = await _d.DockerAsync("ps", "-a", "--filter", "label=com.docker.compose.project=" + Name, "--format", "{{.Names}}");
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();
    }
}
