using Wharf.Engine.Configuration;

namespace Wharf.Daemon;

/// <summary>wharfd's command line, with dockerd's flag names where they exist.</summary>
public static class DaemonArguments
{
    public const string Usage = """
        Usage:	wharfd [OPTIONS]

        A self-sufficient runtime for containers, speaking the Docker Engine API.

        Options:
              --data-root string          Root directory of persistent state (default "/var/lib/wharf")
              --exec-root string          Root directory for execution state files (default "/run/wharf")
          -H, --host list                 Daemon socket(s) to listen on (default unix:///run/wharf/wharf.sock)
          -p, --pidfile string            Path to use for daemon PID file (default "<exec-root>/wharfd.pid")
              --config-file string        Daemon configuration file (default "/etc/wharf/daemon.json")
          -D, --debug                     Enable debug mode
              --tls                       Use TLS; implied by --tlsverify
              --tlsverify                 Use TLS and verify the remote
              --tlscacert string          Trust certs signed only by this CA
              --tlscert string            Path to TLS certificate file
              --tlskey string             Path to TLS key file
              --insecure-tcp              Allow tcp:// hosts without TLS (anyone who reaches them is root)
              --registry-mirror list      Preferred registry mirror
              --insecure-registry list    Enable insecure registry communication
              --bip string                IPv4 address and prefix of the default bridge
          -b, --bridge string             Name of the default bridge (default "wharf0")
              --default-runtime string    Default OCI runtime for containers (default "runc")
              --log-driver string         Default driver for container logs (default "json-file")
              --log-opt map               Default log driver options for containers
              --live-restore              Keep containers running while the daemon is down (default true)
              --label list                Set key=value labels to the daemon
              --nft-table string          nftables table owned by this daemon (default "wharf")
              --cgroup-parent string      Parent cgroup for all containers (default "wharf")
              --netns-dir string          Directory for network namespace files (default "<exec-root>/netns")
              --runtime-root string       State directory passed to the OCI runtime as --root
              --shim-dir string           Directory of container shim state
              --dns list                  Upstream DNS servers for containers
              --default-registry string   Registry that short image names resolve against (default "docker.io")
              --registry-certs-dir list   Directories of per-registry CAs and client certificates, <dir>/<host:port>/
                                          (default [/etc/wharf/certs.d,/etc/docker/certs.d])
          -v, --version                   Print version information and quit
          -h, --help                      Print usage
        """;

    /// <summary>Parses flags into <paramref name="o"/>; returns the daemon.json keys the flags set (flags win).</summary>
    public static HashSet<string> Parse(string[] args, DaemonOptions o, out bool exitAfter)
    {
        exitAfter = false;
        var set = new HashSet<string>();
        for (int i = 0; i < args.Length; i++)
        {
            var a = args[i];
            string? inline = null;
            if (a.StartsWith("--", StringComparison.Ordinal) && a.Contains('='))
            {
                inline = a[(a.IndexOf('=') + 1)..];
                a = a[..a.IndexOf('=')];
            }
            string Value()
            {
                if (inline is not null) return inline;
                if (i + 1 >= args.Length) throw new FormatException($"flag needs an argument: {a}");
                return args[++i];
            }
            bool BoolValue() => inline is null || inline is "true" or "1" || (inline is "false" or "0" ? false : throw new FormatException($"invalid boolean value \"{inline}\" for {a}"));
            switch (a)
            {
                case "--data-root": o.DataRoot = Value(); set.Add("data-root"); break;
                case "--exec-root": o.ExecRoot = Value(); set.Add("exec-root"); break;
                case "-H" or "--host": o.Hosts.Add(Value()); set.Add("hosts"); break;
                case "-p" or "--pidfile": o.PidFile = Value(); set.Add("pidfile"); break;
                case "--config-file": o.ConfigFile = Value(); break;
                case "-D" or "--debug": o.Debug = BoolValue(); set.Add("debug"); break;
                case "--tls": BoolValue(); break;
                case "--tlsverify": o.TlsVerify = BoolValue(); set.Add("tlsverify"); break;
                case "--tlscacert": o.TlsCaCert = Value(); set.Add("tlscacert"); break;
                case "--tlscert": o.TlsCert = Value(); set.Add("tlscert"); break;
                case "--tlskey": o.TlsKey = Value(); set.Add("tlskey"); break;
                case "--insecure-tcp": o.InsecureTcp = BoolValue(); set.Add("insecure-tcp"); break;
                case "--registry-mirror": o.RegistryMirrors.Add(Value()); set.Add("registry-mirrors"); break;
                case "--insecure-registry": o.InsecureRegistries.Add(Value()); set.Add("insecure-registries"); break;
                case "--bip": o.Bip = Value(); set.Add("bip"); break;
                case "-b" or "--bridge": o.BridgeName = Value(); set.Add("bridge"); break;
                case "--default-runtime": o.DefaultRuntime = Value(); set.Add("default-runtime"); break;
                case "--log-driver": o.LogDriver = Value(); set.Add("log-driver"); break;
                case "--log-opt":
                    var kv = Value();
                    var eq = kv.IndexOf('=');
                    if (eq <= 0) throw new FormatException($"invalid --log-opt {kv}: use key=value");
                    o.LogOpts[kv[..eq]] = kv[(eq + 1)..];
                    set.Add("log-opts");
                    break;
                case "--live-restore": o.LiveRestore = BoolValue(); set.Add("live-restore"); break;
                case "--label": o.Labels.Add(Value()); set.Add("labels"); break;
                case "--nft-table": o.NftTable = Value(); set.Add("nft-table"); break;
                case "--cgroup-parent": o.CgroupParent = Value(); set.Add("cgroup-parent"); break;
                case "--netns-dir": o.NetnsDirectory = Value(); set.Add("netns-dir"); break;
                case "--runtime-root": o.RuntimeRoot = Value(); set.Add("runtime-root"); break;
                case "--shim-dir": o.ShimDirectory = Value(); set.Add("shim-dir"); break;
                case "--dns": o.Dns.Add(Value()); set.Add("dns"); break;
                case "--default-registry": o.DefaultRegistry = Value(); set.Add("default-registry"); break;
                case "--registry-certs-dir": o.RegistryCertsDirs = set.Add("registry-certs-dirs") ? [Value()] : [.. o.RegistryCertsDirs, Value()]; break;
                case "-v" or "--version":
                    Console.WriteLine($"Wharf version {WharfVersion.Version}, build {WharfVersion.GitCommit}");
                    exitAfter = true;
                    return set;
                case "-h" or "--help":
                    Console.WriteLine(Usage);
                    exitAfter = true;
                    return set;
                default:
                    throw new FormatException($"unknown flag: {a}");
            }
        }
        return set;
    }
}
