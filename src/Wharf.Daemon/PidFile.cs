namespace Wharf.Daemon;

/// <summary>The daemon's pid file: refuses to start while another live daemon holds it.</summary>
public static class PidFile
{
    public static void Acquire(string path)
    {
        if (File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), out var pid) && pid != Environment.ProcessId && Directory.Exists($"/proc/{pid}"))
            throw new IOException($"pid file found, ensure wharfd is not running or delete {path} (process {pid} is alive)");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, Environment.ProcessId.ToString());
    }

    public static void Release(string path)
    {
        try
        {
            if (File.Exists(path) && File.ReadAllText(path).Trim() == Environment.ProcessId.ToString()) File.Delete(path);
        }
        catch (IOException) { }
    }
}

/// <summary>Unix socket preparation: a stale socket file is removed, a live one belongs to another daemon.</summary>
public static class UnixSocket
{
    public static void PrepareForListen(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (!File.Exists(path)) return;
        using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        try
        {
            probe.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
            throw new IOException($"another daemon is listening on {path}");
        }
        catch (System.Net.Sockets.SocketException)
        {
            File.Delete(path);
        }
    }
}

/// <summary>An exclusive lock on the data root: one daemon per data root, whatever its exec root.</summary>
public static class DataRootLock
{
    public static FileStream Acquire(string dataRoot)
    {
        Directory.CreateDirectory(dataRoot);
        var path = Path.Combine(dataRoot, "wharfd.lock");
        try
        {
            // FileShare.None takes an exclusive flock on Linux; the kernel drops it when the process dies.
            var lockFile = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            // Readers cannot open the locked file itself, so the holder's pid goes beside it.
            File.WriteAllText(path + ".pid", Environment.ProcessId.ToString());
            return lockFile;
        }
        catch (IOException)
        {
            string holder = "";
            try { holder = File.ReadAllText(path + ".pid").Trim(); } catch (IOException) { }
            throw new IOException($"data root {dataRoot} is in use by another daemon{(holder.Length > 0 ? $" (pid {holder})" : "")}");
        }
    }
}
