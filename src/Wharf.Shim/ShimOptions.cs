using Wharf.Engine.Logs;

namespace Wharf.Shim;

/// <summary>Command line of wharf-shim (see README.md).</summary>
internal sealed class ShimOptions
{
    public string Id = "";
    public string Bundle = "";
    public string Runtime = "runc";
    public List<string> RuntimeArgs = new();
    public string RuntimeRoot = "";
    public string StateDir = "";
    public string LogDriver = "json-file";
    public LogFileOptions LogOptions = new();
    public string LogPath = "";
    public bool Tty;
    public bool Stdin;
    public bool WaitStart;
    public string DetachKeys = "ctrl-p,ctrl-q";
    public int ReadyFd = -1;
    public int InternalReadyFd = -1;
    public ushort ConsoleRows;
    public ushort ConsoleCols;
    /// <summary>Exec mode (`wharf-shim exec`): runs one extra process in a running container.</summary>
    public bool Exec;
    /// <summary>Exec mode: the OCI process JSON for `runc exec --process`.</summary>
    public string Process = "";
    /// <summary>Exec mode: nobody will attach, output is discarded from the start.</summary>
    public bool Detach;

    /// <summary>The arguments as given (re-used for the daemon's re-exec).</summary>
    public List<string> Raw = new();

    public static ShimOptions Parse(string[] args, out string? error)
    {
        var o = new ShimOptions();
        error = null;
        int first = 0;
        if (args.Length > 0 && args[0] == "exec")
        {
            o.Exec = true;
            o.LogDriver = "none";
            o.Raw.Add("exec");
            first = 1;
        }
        for (int i = first; i < args.Length; i++)
        {
            string a = args[i];
            string? val = null;
            int eq = a.IndexOf('=');
            if (a.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                val = a[(eq + 1)..];
                a = a[..eq];
            }
            bool flag = a is "--tty" or "--stdin" or "--wait-start" or "-t" or "-i" or "--detach" or "-d";
            if (!flag && val == null)
            {
                if (i + 1 >= args.Length)
                {
                    error = "missing value for " + a;
                    return o;
                }
                val = args[++i];
            }
            if (a != "--internal-daemon")
            {
                o.Raw.Add(a);
                if (val != null)
                {
                    o.Raw.Add(val);
                }
            }
            switch (a)
            {
                case "--id": o.Id = val!; break;
                case "--bundle": o.Bundle = val!; break;
                case "--runtime": o.Runtime = val!; break;
                case "--runtime-arg": o.RuntimeArgs.Add(val!); break;
                case "--runtime-root": o.RuntimeRoot = val!; break;
                case "--state-dir": o.StateDir = val!; break;
                case "--log-driver": o.LogDriver = val!; break;
                case "--log-opt":
                    error = o.LogOptions.Apply(val!);
                    if (error != null)
                    {
                        return o;
                    }
                    break;
                case "--log-path": o.LogPath = val!; break;
                case "--tty" or "-t": o.Tty = true; break;
                case "--stdin" or "-i": o.Stdin = true; break;
                case "--wait-start": o.WaitStart = true; break;
                case "--process" when o.Exec: o.Process = val!; break;
                case "--detach" or "-d" when o.Exec: o.Detach = true; break;
                case "--detach-keys": o.DetachKeys = val!; break;
                case "--console-size":
                    {
                        var parts = val!.Split(',', 'x');
                        if (parts.Length != 2 || !ushort.TryParse(parts[0], out o.ConsoleRows) || !ushort.TryParse(parts[1], out o.ConsoleCols))
                        {
                            error = "invalid --console-size \"" + val + "\" (ROWS,COLS)";
                            return o;
                        }
                        break;
                    }
                case "--ready-fd":
                    if (!int.TryParse(val, out o.ReadyFd) || o.ReadyFd < 0)
                    {
                        error = "invalid --ready-fd";
                        return o;
                    }
                    break;
                case "--internal-daemon":
                    o.InternalReadyFd = int.Parse(val!, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                default:
                    error = "unknown option " + a;
                    return o;
            }
        }
        if (o.Exec && (o.Id.Length == 0 || o.Process.Length == 0 || o.StateDir.Length == 0))
        {
            error = "--id, --process and --state-dir are required";
        }
        else if (o.Exec && (o.LogDriver != "none" || o.WaitStart))
        {
            error = "exec: --log-driver and --wait-start are not supported";
        }
        else if (!o.Exec && (o.Id.Length == 0 || o.Bundle.Length == 0 || o.StateDir.Length == 0))
        {
            error = "--id, --bundle and --state-dir are required";
        }
        else if (o.LogDriver is not ("json-file" or "local" or "none"))
        {
            error = "unsupported log driver \"" + o.LogDriver + "\" (json-file, local, none)";
        }
        else if (o.LogDriver != "none" && o.LogPath.Length == 0)
        {
            error = "--log-path is required with the " + o.LogDriver + " log driver";
        }
        else if (DetachKeyParser.Parse(o.DetachKeys) == null)
        {
            error = "invalid --detach-keys \"" + o.DetachKeys + "\"";
        }
        if (o.RuntimeRoot.Length == 0 && error == null)
        {
            error = "--runtime-root is required";
        }
        if (error != null)
        {
            return o;
        }
        if (o.Bundle.Length > 0)
        {
            o.Bundle = Path.GetFullPath(o.Bundle);
        }
        if (o.Process.Length > 0)
        {
            o.Process = Path.GetFullPath(o.Process);
        }
        o.StateDir = Path.GetFullPath(o.StateDir);
        if (o.LogPath.Length > 0)
        {
            o.LogPath = Path.GetFullPath(o.LogPath);
        }
        if (o.RuntimeRoot.Length > 0)
        {
            o.RuntimeRoot = Path.GetFullPath(o.RuntimeRoot);
        }
        return o;
    }
}

/// <summary>Docker's detach key syntax: comma separated "ctrl-X" or single characters.</summary>
internal static class DetachKeyParser
{
    public static byte[]? Parse(string keys)
    {
        if (keys.Length == 0)
        {
            return Array.Empty<byte>();
        }
        var parts = keys.Split(',');
        var result = new byte[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            string k = parts[i].Trim();
            if (k.Length == 1)
            {
                result[i] = (byte)k[0];
                continue;
            }
            if (k.Length == 6 && k.StartsWith("ctrl-", StringComparison.OrdinalIgnoreCase))
            {
                char c = char.ToLowerInvariant(k[5]);
                if (c >= 'a' && c <= 'z')
                {
                    result[i] = (byte)(c - 'a' + 1);
                    continue;
                }
                int idx = "@[\\]^_".IndexOf(c);
                if (idx >= 0)
                {
                    result[i] = idx == 0 ? (byte)0 : (byte)(26 + idx);
                    continue;
                }
            }
            return null;
        }
        return result;
    }
}
