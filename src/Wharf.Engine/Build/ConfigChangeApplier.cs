using Wharf.Api.Models;

namespace Wharf.Engine.Build;

/// <summary>
/// Applies `docker import --change` / `docker commit --change` instructions to an image config with the
/// semantics of Docker's builder. The changes are joined with newlines and parsed as one Dockerfile (so a
/// change ending in `\` continues into the next, as in Docker).
/// </summary>
/// <remarks>
/// ENTRYPOINT clears Cmd unless a CMD with arguments came earlier in the same set of changes (Docker's
/// `cmdSet` rule); CMD after ENTRYPOINT simply sets Cmd. CMD and ENTRYPOINT set ArgsEscaped to false (Linux).
/// Variables from the config's Env (as updated by earlier ENV changes) are substituted in ENV, LABEL, EXPOSE,
/// USER, VOLUME, WORKDIR and STOPSIGNAL; CMD, ENTRYPOINT, HEALTHCHECK and ONBUILD keep `$x` literally.
/// </remarks>
public static class ConfigChangeApplier
{
    /// <summary>The instructions Docker accepts as changes.</summary>
    public static IReadOnlySet<string> AllowedKeywords { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "CMD", "ENTRYPOINT", "ENV", "EXPOSE", "HEALTHCHECK", "LABEL", "ONBUILD", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    };

    /// <summary>
    /// Returns a copy of <paramref name="config"/> with the changes applied (the argument is not modified).
    /// Throws <see cref="ConfigChangeException"/> with Docker's message when a change is invalid.
    /// </summary>
    public static ContainerConfig Apply(ContainerConfig config, IEnumerable<string> changes)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(changes);
        var list = changes.ToList();
        if (list.Count == 0)
        {
            return config.Clone();
        }

        DockerfileParser.RawDockerfile raw;
        try
        {
            raw = DockerfileParser.ParseNodes(string.Join('\n', list), "change");
        }
        catch (DockerfileParseException e)
        {
            throw new ConfigChangeException(e.Detail, e);
        }
        // Every keyword is checked before any instruction's arguments, as Docker does.
        foreach (var node in raw.Nodes)
        {
            if (!AllowedKeywords.Contains(node.Keyword))
            {
                throw new ConfigChangeException($"{node.RawKeyword} is not a valid change command");
            }
        }
        var instructions = new List<Instruction>();
        foreach (var node in raw.Nodes)
        {
            try
            {
                instructions.Add(InstructionBuilder.Build(node, "change"));
            }
            catch (DockerfileParseException e)
            {
                throw new ConfigChangeException(e.Detail, e);
            }
        }

        var state = new State(config.Clone(), new ShellWordExpander(raw.EscapeToken));
        foreach (var instruction in instructions)
        {
            try
            {
                state.Dispatch(instruction);
            }
            catch (Exception e) when (e is ShellExpansionException or FormatException or InstructionException)
            {
                throw new ConfigChangeException(e.Message, e);
            }
        }
        return state.Config;
    }

    /// <summary>
    /// Applies config-only instructions to a config; shared with the builder, which adds its build arguments
    /// (below the config's Env, which wins) and collects the variables each instruction referenced.
    /// </summary>
    internal sealed class State(ContainerConfig config, ShellWordExpander expander)
    {
        private bool _cmdSet;

        public ContainerConfig Config { get; set; } = config;

        /// <summary>Build arguments in scope: visible to substitution, overridden by ENV of the same name.</summary>
        public IReadOnlyDictionary<string, string>? Args { get; set; }

        /// <summary>When set, receives every variable name an expansion looked up.</summary>
        public ISet<string>? Referenced { get; set; }

        /// <summary>Whether a CMD with arguments came earlier (then ENTRYPOINT keeps Cmd).</summary>
        public bool CmdSet { get => _cmdSet; set => _cmdSet = value; }

        public IReadOnlyDictionary<string, string> Env
        {
            get
            {
                var env = ShellWordExpander.EnvFromList(Config.Env);
                if (Args is not { Count: > 0 }) return env;
                var merged = new Dictionary<string, string>(Args, StringComparer.Ordinal);
                foreach (var (k, v) in env) merged[k] = v;
                return merged;
            }
        }

        public string Expand(string word) => expander.ExpandWord(word, Env, Referenced);

        public void Dispatch(Instruction instruction)
        {
            switch (instruction.Keyword, instruction.Arguments)
            {
                case ("CMD", CommandArguments cmd):
                    Config.Cmd = cmd.Command.ToArgv(Config.Shell);
                    Config.ArgsEscaped = false;
                    if (cmd.Command.Arguments.Count != 0)
                    {
                        _cmdSet = true;
                    }
                    break;
                case ("ENTRYPOINT", CommandArguments entrypoint):
                    Config.Entrypoint = entrypoint.Command.ToArgv(Config.Shell);
                    Config.ArgsEscaped = false;
                    if (!_cmdSet)
                    {
                        Config.Cmd = null;
                    }
                    break;
                case ("ENV", KeyValueArguments env):
                    ApplyEnv(env);
                    break;
                case ("LABEL", KeyValueArguments labels):
                    Config.Labels ??= [];
                    // All pairs of one LABEL are expanded against the same environment.
                    foreach (var pair in labels.Pairs)
                    {
                        Config.Labels[Expand(pair.Key)] = Expand(pair.Value);
                    }
                    break;
                case ("EXPOSE", ExposeArguments expose):
                    ApplyExpose(expose);
                    break;
                case ("HEALTHCHECK", HealthcheckArguments health):
                    Config.Healthcheck = health.ToHealthConfig();
                    break;
                case ("ONBUILD", OnbuildArguments onbuild):
                    Config.OnBuild ??= [];
                    Config.OnBuild.Add(onbuild.Expression);
                    break;
                case ("STOPSIGNAL", ValueArguments signal):
                    var sig = Expand(signal.Value);
                    if (!StopSignals.IsValid(sig))
                    {
                        throw new InstructionException($"invalid signal: {sig}");
                    }
                    Config.StopSignal = sig;
                    break;
                case ("USER", ValueArguments user):
                    Config.User = Expand(user.Value);
                    break;
                case ("VOLUME", VolumeArguments volume):
                    var paths = volume.Paths.Select(Expand).ToList();
                    Config.Volumes ??= [];
                    foreach (var path in paths)
                    {
                        if (path.Length == 0)
                        {
                            throw new InstructionException("VOLUME specified can not be an empty string");
                        }
                        Config.Volumes[path] = EmptyObject.Instance;
                    }
                    break;
                case ("WORKDIR", ValueArguments workdir):
                    var dir = Expand(workdir.Value);
                    if (dir.Length == 0)
                    {
                        throw new InstructionException("cannot normalize nothing");
                    }
                    Config.WorkingDir = UnixPath.ResolveWorkdir(Config.WorkingDir, dir);
                    break;
                default:
                    throw new InstructionException($"{instruction.RawKeyword} is not a valid change command");
            }
        }

        private void ApplyEnv(KeyValueArguments env)
        {
            // Docker expands every pair of one ENV against the environment before that ENV
            // (`ENV a=1 b=$a` gives b the old value of a).
            var before = Env;
            var expanded = env.Pairs
                .Select(p => (Key: expander.ExpandWord(p.Key, before, Referenced), Value: expander.ExpandWord(p.Value, before, Referenced)))
                .ToList();
            Config.Env ??= [];
            foreach (var (key, value) in expanded)
            {
                var entry = key + "=" + value;
                var index = Config.Env.FindIndex(e => EnvKey(e) == key);
                if (index >= 0)
                {
                    Config.Env[index] = entry;
                }
                else
                {
                    Config.Env.Add(entry);
                }
            }
        }

        private static string EnvKey(string entry)
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            return eq < 0 ? entry : entry[..eq];
        }

        private void ApplyExpose(ExposeArguments expose)
        {
            // EXPOSE is the one instruction whose variables may expand into several words (`EXPOSE $PORTS`).
            var env = Env;
            var keys = new List<string>();
            foreach (var word in expose.Ports)
            {
                foreach (var port in expander.ExpandWords(word, env, Referenced))
                {
                    keys.AddRange(PortSpec.ExposedPortKeys(port));
                }
            }
            Config.ExposedPorts ??= [];
            foreach (var key in keys)
            {
                Config.ExposedPorts[key] = EmptyObject.Instance;
            }
        }
    }
}
