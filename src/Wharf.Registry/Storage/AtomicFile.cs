namespace Wharf.Registry.Storage;

/// <summary>Small files written so a crash leaves the old or the new content: a temp file, fsync, rename.</summary>
internal static class AtomicFile
{
    public static void Write(string tmpDir, string path, ReadOnlySpan<byte> content)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var tmp = System.IO.Path.Combine(tmpDir, Guid.NewGuid().ToString("N"));
        try
        {
            using (var f = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0))
            {
                f.Write(content);
                f.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    public static void WriteText(string tmpDir, string path, string content) => Write(tmpDir, path, System.Text.Encoding.UTF8.GetBytes(content));

    public static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Creates an empty marker file (a link), leaving an existing one as it is apart from its time.</summary>
    public static void Touch(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        using (new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite, 0)) { }
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
    }
}
