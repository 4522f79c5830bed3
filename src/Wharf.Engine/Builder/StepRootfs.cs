using Wharf.Engine.Images;
using Wharf.Engine.Layers;
using Wharf.Engine.Native;

namespace Wharf.Engine.Builder;

/// <summary>
/// A step's root filesystem without a container (COPY, ADD, WORKDIR): the parent image's layers as lowerdirs
/// and a fresh upper directory, mounted under the builder's temp directory. The step's layer is the diff of the
/// upper directory, as for RUN. Read-only variants (COPY --from) mount no upper directory.
/// </summary>
internal sealed class StepRootfs : IDisposable
{
    private readonly string _dir;

    private StepRootfs(string dir, string merged, string upper)
    {
        _dir = dir;
        Merged = merged;
        Upper = upper;
    }

    public string Merged { get; }
    public string Upper { get; }

    /// <summary>Mounts the image's layers (none: `FROM scratch`) with a writable upper directory (or none when read-only).</summary>
    public static StepRootfs Mount(LayerStore layers, ImageRecordView image, string tempRoot, bool readOnly = false)
    {
        var dir = Path.Combine(tempRoot, "step-" + Guid.NewGuid().ToString("N")[..16]);
        var merged = Path.Combine(dir, "merged");
        var upper = Path.Combine(dir, "upper");
        var work = Path.Combine(dir, "work");
        var empty = Path.Combine(dir, "empty");
        Directory.CreateDirectory(merged);
        Directory.CreateDirectory(upper);
        Directory.CreateDirectory(work);
        Directory.CreateDirectory(empty);
        var rootfs = new StepRootfs(dir, merged, upper);
        try
        {
            var lowers = image.ChainIds.AsEnumerable().Reverse().Select(layers.DiffPath).ToList();
            // overlayfs wants two lowerdirs when there is no upper; empty ones below cost nothing.
            if (lowers.Count == 0) lowers.Add(empty);
            if (readOnly && lowers.Count == 1)
            {
                var empty2 = Path.Combine(dir, "empty2");
                Directory.CreateDirectory(empty2);
                lowers.Add(empty2);
            }
            try
            {
                OverlayMount.Mount(merged, lowers, readOnly ? null : upper, readOnly ? null : work, layers.Root);
            }
            catch (WharfException e)
            {
                throw new WharfException($"mounting a build step's root filesystem: {e.Message}", 500, e);
            }
            return rootfs;
        }
        catch
        {
            rootfs.Dispose();
            throw;
        }
    }

    /// <summary>Unmounts (the upper directory stays, to be diffed).</summary>
    public void Unmount()
    {
        if (Libc.Umount2(Merged, 0) != 0) Libc.Umount2(Merged, Libc.MNT_DETACH);
    }

    public void Dispose()
    {
        Unmount();
        try { Directory.Delete(_dir, true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

/// <summary>The parts of an image a build step needs: its id (null for scratch) and its layers, bottom first.</summary>
internal sealed record ImageRecordView(string? Id, IReadOnlyList<string> ChainIds)
{
    public static ImageRecordView Scratch { get; } = new(null, []);
}
