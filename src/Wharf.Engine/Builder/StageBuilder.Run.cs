using System.Text;
using Wharf.Api.Models;
using Wharf.Engine.Build;

namespace Wharf.Engine.Builder;

internal sealed partial class StageBuilder
{
    /// <summary>
    /// RUN: a container from the current image (same path as `docker run`: network, cgroups, shim), its output
    /// streamed into the build output, then its upper directory committed as the step's layer. The container
    /// is removed afterwards, also when the command fails (unless rm=false).
    /// </summary>
    private async Task RunAsync(Instruction instruction, RunArguments run, CancellationToken ct)
    {
        var config = _state.Config;
        var argv = RunArgv(instruction, run, config);
        // Declared build args are RUN's environment and part of its history line (`|2 a=1 b=2 /bin/sh -c ...`).
        var args = ArgValues().OrderBy(a => a.Key, StringComparer.Ordinal).ToList();
        var createdBy = (args.Count > 0 ? $"|{args.Count} {string.Join(' ', args.Select(a => a.Key + "=" + a.Value))} " : "")
            + string.Join(' ', argv);
        if (run.Mounts.Count > 0) throw Fail(instruction, "the --mount option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled");
        if (run.Security is not null) throw Fail(instruction, "the --security option requires BuildKit");
        if (run.Devices.Count > 0) throw Fail(instruction, "the --device option requires BuildKit");
        await CachedStepAsync(createdBy, [], null, async () => await ExecuteRunAsync(argv, args, createdBy, run, ct), ct);
    }

    private static List<string> RunArgv(Instruction instruction, RunArguments run, ContainerConfig config)
    {
        var shell = ShellOf(config);
        if (instruction.Heredocs.Count == 0 || run.Command.IsExecForm) return run.Command.ToArgv(shell);
        var text = run.Command.ShellText ?? "";
        // `RUN <<EOF` alone: the body is the script. Otherwise the shell reads the heredocs itself.
        if (instruction.Heredocs.Count == 1 && text.Trim().TrimStart('<').TrimStart('-').Trim('"', '\'') == instruction.Heredocs[0].Name)
            return [.. shell, instruction.Heredocs[0].Content];
        var script = new StringBuilder(text);
        foreach (var h in instruction.Heredocs) script.Append('\n').Append(h.RawContent).Append(h.Name);
        return [.. shell, script.ToString()];
    }

    private async Task<string> ExecuteRunAsync(List<string> argv, List<KeyValuePair<string, string>> args, string createdBy,
        RunArguments run, CancellationToken ct)
    {
        if (_image.Id is null)
            throw new BuildException($"The command '{string.Join(' ', argv)}' returned a non-zero code: 127: no such file or directory (the stage has no files: FROM scratch)", 127);
        var containers = _job.Engine.Containers;
        var request = _job.Request;
        var config = _state.Config;
        var env = new List<string>(config.Env ?? []);
        var envKeys = env.Select(e => e.Split('=', 2)[0]).ToHashSet(StringComparer.Ordinal);
        foreach (var (k, v) in args.Concat(_job.Args.GivenPredefined()))
        {
            if (envKeys.Add(k)) env.Add(k + "=" + v);
        }
        if (!envKeys.Contains("PATH")) env.Add("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        var network = run.Network switch
        {
            null or "default" => request.NetworkMode is { Length: > 0 } m && m != "default" ? m : "bridge",
            "none" or "host" => run.Network,
            _ => throw new BuildException($"unsupported RUN --network value: {run.Network}"),
        };
        var create = new ContainerCreateRequest
        {
            Image = _image.Id,
            Cmd = argv,
            Entrypoint = [],
            Env = env,
            WorkingDir = config.WorkingDir ?? "",
            User = config.User ?? "",
            AttachStdout = true,
            AttachStderr = true,
            Healthcheck = new HealthConfig { Test = ["NONE"] },
            Labels = [],
            HostConfig = new HostConfig
            {
                NetworkMode = network,
                Memory = request.Memory,
                MemorySwap = request.MemorySwap,
                CpuShares = request.CpuShares,
                CpuQuota = request.CpuQuota,
                CpuPeriod = request.CpuPeriod,
                CpusetCpus = request.CpusetCpus ?? "",
                ShmSize = request.ShmSize,
                ExtraHosts = [.. request.ExtraHosts],
            },
        };
        var id = (await containers.CreateAsync(null, create, ct)).Id;
        var failed = true;
        try
        {
            await _out.LineAsync($" ---> Running in {id[..12]}", ct);
            var sink = new RunOutputStream(_out, ct);
            var attach = containers.AttachAsync(id, sink, false, true, true, null, ct);
            try
            {
                await containers.StartAsync(id, ct);
            }
            catch (WharfException e)
            {
                throw new BuildException($"The command '{string.Join(' ', argv)}' could not start: {e.Message}", 127, e);
            }
            var code = await containers.WaitAsync(id, null, ct);
            try { await attach.WaitAsync(TimeSpan.FromSeconds(10), ct); }
            catch (TimeoutException) { }
            if (code != 0)
                throw new BuildException($"The command '{string.Join(' ', argv)}' returned a non-zero code: {code}", code);
            var imageId = await containers.CommitBuildStepAsync(id, config.Clone(), createdBy, ct);
            failed = false;
            return imageId;
        }
        finally
        {
            if (request.ForceRemove || request.Remove)
            {
                try
                {
                    await containers.RemoveAsync(id, force: true, volumes: true, CancellationToken.None);
                    if (!failed) await _out.LineAsync($" ---> Removed intermediate container {id[..12]}", ct);
                }
                catch (WharfException) { }
            }
        }
    }
}
