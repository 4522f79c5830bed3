using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>`docker build` with the legacy builder (DOCKER_BUILDKIT=0) against Wharf: our users' Dockerfiles, the cache, bad input.</summary>
public sealed class DockerCliBuildTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    private async Task<string> Ok(params string[] args)
    {
        var r = await D.DockerAsync(args);
        Assert.True(r.ExitCode == 0, $"docker {string.Join(' ', args)} failed: {r}\n{D.Log}");
        return r.Stdout;
    }

    /// <summary>A fresh context directory with a Dockerfile and files.</summary>
    internal static string Context(WharfDaemon d, string dockerfile, params (string Name, string Content)[] files)
    {
        var dir = Path.Combine(d.Root, "ctx-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "Dockerfile"), dockerfile);
        foreach (var (name, content) in files)
        {
            var path = Path.Combine(dir, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, content);
        }
        return dir;
    }

    private async Task<string> Inspect(string image, string format) => (await Ok("image", "inspect", "--format", format, image)).Trim();

    [Fact]
    public async Task Maintainer_entrypoint_expose()
    {
        var ctx = Context(D, "FROM busybox\nMAINTAINER Jane Doe <jane@example.com>\nENTRYPOINT [\"/bin/echo\", \"from-entrypoint\"]\nEXPOSE 8080\n");
        var o = await Ok("build", "-t", "b/maint:1", ctx);
        Assert.Contains("Step 1/4 : FROM busybox", o);
        Assert.Contains("Step 4/4 : EXPOSE 8080", o);
        Assert.Matches(@"Successfully built [0-9a-f]{12}", o);
        Assert.Contains("Successfully tagged b/maint:1", o);
        Assert.Equal("Jane Doe <jane@example.com>", await Inspect("b/maint:1", "{{.Author}}"));
        Assert.Equal("map[8080/tcp:{}]", await Inspect("b/maint:1", "{{.Config.ExposedPorts}}"));
        Assert.Equal("from-entrypoint", (await Ok("run", "--rm", "b/maint:1")).Trim());
    }

    [Fact]
    public async Task Sshd_style_run_expose_entrypoint()
    {
        var ctx = Context(D, """
            FROM busybox
            RUN mkdir -p /var/run/sshd \
             && echo 'PermitRootLogin yes' > /etc/sshd_config
            EXPOSE 22
            ENTRYPOINT ["/bin/cat"]
            CMD ["/etc/sshd_config"]
            """);
        await Ok("build", "-t", "b/sshd", ctx);
        Assert.Equal("PermitRootLogin yes", (await Ok("run", "--rm", "b/sshd")).Trim());
        Assert.Equal("map[22/tcp:{}]", await Inspect("b/sshd", "{{.Config.ExposedPorts}}"));
        // History: RUN has a layer, the rest are empty layers on top of busybox's.
        var history = await Ok("history", "--no-trunc", "--format", "{{.CreatedBy}}|{{.Size}}", "b/sshd");
        var lines = history.Trim().Split('\n');
        Assert.StartsWith("/bin/sh -c #(nop)  CMD [\"/etc/sshd_config\"]|0B", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("/bin/sh -c mkdir -p /var/run/sshd", StringComparison.Ordinal) && !l.EndsWith("|0B", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Go_web_app_style_workdir_copy_run_cmd()
    {
        var ctx = Context(D, """
            FROM busybox
            ENV GOPATH /go
            WORKDIR $GOPATH/src/app
            EXPOSE 8080
            COPY . .
            RUN ls > /listing && test -f main.go
            CMD ["cat", "/listing"]
            """, ("main.go", "package main\n"), ("static/index.html", "<h1>hi</h1>\n"));
        await Ok("build", "-t", "b/goapp", ctx);
        Assert.Equal("/go/src/app", await Inspect("b/goapp", "{{.Config.WorkingDir}}"));
        var listing = await Ok("run", "--rm", "b/goapp");
        Assert.Contains("main.go", listing);
        Assert.Contains("static", listing);
        Assert.Equal("<h1>hi</h1>", (await Ok("run", "--rm", "b/goapp", "cat", "static/index.html")).Trim());
    }

    [Fact]
    public async Task Entrypoint_with_empty_cmd_takes_run_arguments()
    {
        var ctx = Context(D, "FROM busybox\nENTRYPOINT [\"/bin/echo\"]\nCMD []\n");
        await Ok("build", "-t", "b/echo", ctx);
        Assert.Equal("hello", (await Ok("run", "--rm", "b/echo", "hello")).Trim());
    }

    [Fact]
    public async Task Add_of_a_tar_gz_extracts_it()
    {
        var ctx = Context(D, "FROM busybox\nADD app.tar.gz /opt/\nADD plain.txt /opt/plain.txt\n", ("plain.txt", "plain\n"));
        await using (var gz = new GZipStream(File.Create(Path.Combine(ctx, "app.tar.gz")), CompressionLevel.Fastest))
        await using (var tar = new TarWriter(gz, TarEntryFormat.Pax))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "app/hello.txt") { DataStream = new MemoryStream("extracted\n"u8.ToArray()), Mode = (UnixFileMode)0x1A4 };
            await tar.WriteEntryAsync(entry);
        }
        await Ok("build", "-t", "b/add", ctx);
        Assert.Equal("extracted", (await Ok("run", "--rm", "b/add", "cat", "/opt/app/hello.txt")).Trim());
        Assert.Equal("plain", (await Ok("run", "--rm", "b/add", "cat", "/opt/plain.txt")).Trim());
    }

    [Fact]
    public async Task Env_is_seen_by_a_later_run_and_arg_takes_build_arg()
    {
        var ctx = Context(D, "FROM busybox\nENV GREETING=hi\nARG VERSION=1.0\nRUN echo \"$GREETING $VERSION\" > /out\nCMD [\"cat\", \"/out\"]\n");
        await Ok("build", "-t", "b/args:default", ctx);
        Assert.Equal("hi 1.0", (await Ok("run", "--rm", "b/args:default")).Trim());
        await Ok("build", "--build-arg", "VERSION=2.5", "-t", "b/args:given", ctx);
        Assert.Equal("hi 2.5", (await Ok("run", "--rm", "b/args:given")).Trim());
        var history = await Ok("history", "--no-trunc", "--format", "{{.CreatedBy}}", "b/args:given");
        Assert.Contains("|1 VERSION=2.5 /bin/sh -c echo \"$GREETING $VERSION\" > /out", history);
        // ARG values are not in the image's environment.
        Assert.DoesNotContain("VERSION", await Inspect("b/args:given", "{{.Config.Env}}"));
    }

    [Fact]
    public async Task Dockerignore_is_honoured()
    {
        var ctx = Context(D, "FROM busybox\nCOPY . /ctx\n", (".dockerignore", "secret.txt\nlogs/**\n!logs/keep.log\n"),
            ("secret.txt", "s3cr3t"), ("app.txt", "app"), ("logs/a.log", "a"), ("logs/keep.log", "keep"));
        await Ok("build", "-t", "b/ignore", ctx);
        var files = await Ok("run", "--rm", "b/ignore", "find", "/ctx", "-type", "f");
        Assert.Contains("/ctx/app.txt", files);
        Assert.Contains("/ctx/logs/keep.log", files);
        Assert.DoesNotContain("secret.txt", files);
        Assert.DoesNotContain("a.log", files);
    }

    [Fact]
    public async Task Multi_stage_copy_from()
    {
        var ctx = Context(D, """
            FROM busybox AS builder
            RUN echo built > /artifact
            FROM busybox
            COPY --from=builder /artifact /app/artifact
            CMD ["cat", "/app/artifact"]
            """);
        var o = await Ok("build", "-t", "b/multi", ctx);
        Assert.Contains("Step 5/5 : CMD", o);
        Assert.Equal("built", (await Ok("run", "--rm", "b/multi")).Trim());
    }

    [Fact]
    public async Task Several_tags_name_one_image()
    {
        var ctx = Context(D, "FROM busybox\nLABEL tags=two\n");
        var o = await Ok("build", "-t", "a:1", "-t", "a:2", ctx);
        Assert.Contains("Successfully tagged a:1", o);
        Assert.Contains("Successfully tagged a:2", o);
        Assert.Equal(await Inspect("a:1", "{{.Id}}"), await Inspect("a:2", "{{.Id}}"));
    }

    [Fact]
    public async Task Second_build_uses_the_cache_and_a_changed_file_rebuilds_from_its_step()
    {
        var ctx = Context(D, "FROM busybox\nENV A=1\nCOPY f.txt /f.txt\nRUN cat /f.txt > /copy\nCMD [\"cat\", \"/copy\"]\n", ("f.txt", "one\n"));
        var first = await Ok("build", "-t", "b/cache", ctx);
        Assert.DoesNotContain("Using cache", first);
        var id1 = await Inspect("b/cache", "{{.Id}}");

        var second = await Ok("build", "-t", "b/cache", ctx);
        Assert.Equal(4, second.Split(" ---> Using cache").Length - 1);
        Assert.Equal(id1, await Inspect("b/cache", "{{.Id}}"));

        File.WriteAllText(Path.Combine(ctx, "f.txt"), "two\n");
        var third = await Ok("build", "-t", "b/cache", ctx);
        Assert.Equal(1, third.Split(" ---> Using cache").Length - 1);
        var afterEnv = third[third.IndexOf("Step 3/5", StringComparison.Ordinal)..];
        Assert.DoesNotContain("Using cache", afterEnv);
        Assert.Equal("two", (await Ok("run", "--rm", "b/cache")).Trim());

        var nocache = await Ok("build", "--no-cache", "-t", "b/cache", ctx);
        Assert.DoesNotContain("Using cache", nocache);
    }

    // ------------------------------------------------------------------ bad input

    private async Task<ProcessResult> Fails(string dockerfile, params (string, string)[] files)
    {
        var containersBefore = (await Ok("ps", "-aq")).Trim();
        var ctx = Context(D, dockerfile, files);
        var r = await D.DockerAsync("build", ctx);
        Assert.True(r.ExitCode != 0, r.ToString());
        // Nothing left behind: no container, no step mount.
        Assert.Equal(containersBefore, (await Ok("ps", "-aq")).Trim());
        Assert.DoesNotContain(File.ReadLines("/proc/self/mountinfo"), l => l.Contains(Path.Combine(D.DataRoot, "builder"), StringComparison.Ordinal));
        return r;
    }

    [Fact]
    public async Task Unknown_instruction_names_the_line()
    {
        var r = await Fails("FROM busybox\n# comment\nRUNN echo hi\n");
        Assert.Contains("Dockerfile:3: unknown instruction: RUNN", r.Stderr);
    }

    [Fact]
    public async Task Missing_from_is_refused()
    {
        var r = await Fails("RUN echo hi\n");
        Assert.Contains("Dockerfile:1: no build stage in current context", r.Stderr);
    }

    [Fact]
    public async Task Copy_outside_the_context_or_of_an_absent_file_fails()
    {
        var r = await Fails("FROM busybox\nCOPY ../x /x\n");
        Assert.Contains("forbidden path outside the build context: ../x", r.Stderr);
        r = await Fails("FROM busybox\nCOPY absent.txt /x\n");
        Assert.Contains("file not found in build context or excluded by .dockerignore: stat absent.txt: file does not exist", r.Stderr);
    }

    [Fact]
    public async Task Failing_run_reports_the_command_and_code_and_removes_its_container()
    {
        var r = await Fails("FROM busybox\nRUN echo before\nRUN false\n");
        Assert.Contains("The command '/bin/sh -c false' returned a non-zero code: 1", r.Stderr);
        Assert.Equal(1, r.ExitCode);
        r = await Fails("FROM busybox\nRUN exit 3\n");
        Assert.Contains("returned a non-zero code: 3", r.Stderr);
        Assert.Equal(3, r.ExitCode);
    }

    [Fact]
    public async Task Malformed_json_form_is_refused()
    {
        var r = await Fails("FROM busybox\nSHELL [\"/bin/sh\", \"-c\"\n");
        Assert.Contains("Dockerfile:2: SHELL requires the arguments to be in JSON form", r.Stderr);
    }

    [Fact]
    public async Task Bad_arg_and_env_syntax_is_refused()
    {
        var r = await Fails("FROM busybox\nENV ONLYNAME\n");
        Assert.Contains("Dockerfile:2: ENV must have two arguments", r.Stderr);
        r = await Fails("FROM busybox\nENV a=1 b\n");
        Assert.Contains("Dockerfile:2: Syntax error - can't find = in \"b\". Must be of the form: name=value", r.Stderr);
        r = await Fails("FROM busybox\nARG =x\n");
        Assert.Contains("Dockerfile:2: ARG names can not be blank", r.Stderr);
        r = await Fails("FROM busybox\nARG A\nENV B=${A:?unset}\n");
        Assert.Contains("Dockerfile:3: failed to process", r.Stderr);
        Assert.Contains("A: unset", r.Stderr);
    }

    [Fact]
    public async Task BuildKit_only_flags_are_refused()
    {
        var r = await Fails("FROM busybox\nCOPY --link a.txt /a\n", ("a.txt", "a"));
        Assert.Contains("Dockerfile:2: the --link option requires BuildKit", r.Stderr);
        r = await Fails("FROM busybox\nRUN --mount=type=cache,target=/c true\n");
        Assert.Contains("Dockerfile:2: the --mount option requires BuildKit", r.Stderr);
    }

    [Fact]
    public async Task From_of_a_missing_image_is_pulled_and_an_unreachable_registry_fails_the_build()
    {
        // The test daemon's default registry is under .invalid: the pull fails at once, without leaving the machine.
        var r = await Fails("FROM nosuch/image:1\n");
        Assert.Contains("registry.invalid", r.Stderr + r.Stdout);
    }
}
