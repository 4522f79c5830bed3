using System.Diagnostics;

namespace Wharf.Engine.Containers;

/// <summary>Which shim and OCI runtime run a container, with the runtime's configured arguments.</summary>
public sealed partial class ContainerService
{
    /// <summary>The wharf-shim binary: $WHARF_SHIM, beside wharfd, or on PATH.</summary>
    public static string ShimBinary =>
        Environment.GetEnvironmentVariable("WHARF_SHIM") is { Length: > 0 } p ? p
        : File.Exists(Path.Combine(AppContext.BaseDirectory, "wharf-shim")) ? Path.Combine(AppContext.BaseDirectory, "wharf-shim")
        : "wharf-shim";

    /// <summary>The runtime binary for a container: its --runtime or the daemon's default, via daemon.json `runtimes`.</summary>
    internal string RuntimePath(Api.Models.HostConfig? hc)
    {
        var name = hc?.Runtime is { Length: > 0 } r ? r : _options.DefaultRuntime;
        return _options.Runtimes.TryGetValue(name, out var rt) ? rt.Path : name;
    }

    /// <summary>The runtime's global options from daemon.json `runtimeArgs`, placed before its subcommand.</summary>
    internal IReadOnlyList<string> RuntimeArgs(Api.Models.HostConfig? hc)
    {
        var name = hc?.Runtime is { Length: > 0 } r ? r : _options.DefaultRuntime;
        return _options.Runtimes.TryGetValue(name, out var rt) && rt.RuntimeArgs is { } args ? args : [];
    }

    /// <summary>`--runtime PATH` and one `--runtime-arg` per runtime option, for wharf-shim.</summary>
    private void AddRuntimeOptions(ProcessStartInfo psi, Api.Models.HostConfig? hc)
    {
        psi.ArgumentList.Add("--runtime");
        psi.ArgumentList.Add(RuntimePath(hc));
        foreach (var a in RuntimeArgs(hc))
        {
            psi.ArgumentList.Add("--runtime-arg");
            psi.ArgumentList.Add(a);
        }
    }

    /// <summary>Docker's create-time check (400): `runc`, the daemon's default, or a runtime from daemon.json `runtimes`.</summary>
    private void ValidateRuntime(Api.Models.HostConfig hc)
    {
        var name = hc.Runtime;
        if (string.IsNullOrEmpty(name) || name == "runc" || name == _options.DefaultRuntime || _options.Runtimes.ContainsKey(name)) return;
        throw new BadRequestException($"unknown or invalid runtime name: {name}");
    }
}
