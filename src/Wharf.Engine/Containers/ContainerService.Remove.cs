using Wharf.Engine.Cgroups;

namespace Wharf.Engine.Containers;

public sealed partial class ContainerService
{
    /// <summary>DELETE /containers/{id}: refuses a running container unless forced; removes everything it made.</summary>
    public async Task RemoveAsync(string idOrName, bool force, bool volumes, CancellationToken ct)
    {
        var c = Get(idOrName);
        if (c.State.Running)
        {
            if (!force)
                throw new ConflictException($"cannot remove container \"/{c.Name}\": container is running: stop the container before removing or force remove");
            await KillAsync(c.Id, "KILL", ct);
            await c.Exited.Task.WaitAsync(TimeSpan.FromSeconds(15), ct);
        }
        await c.Lock.WaitAsync(ct);
        try
        {
            Unmount(c);
            await Engine.Networks.DisconnectAsync(c.Doc, ct);
            _containers.TryRemove(c.Id, out _);
            _db.DeleteContainer(c.Id);
            try { Directory.Delete(Dir(c.Id), true); } catch (DirectoryNotFoundException) { }
            try { Directory.Delete(ShimDir(c.Id), true); } catch (DirectoryNotFoundException) { }
            var cgroups = _cgroups.Value;
            var parent = "/" + _options.CgroupParent.Trim('/');
            await cgroups.RemoveAsync(parent, c.Id, ct);
            if (_containers.IsEmpty) cgroups.RemoveParentIfEmpty(parent);
            if (volumes) RemoveAnonymousVolumes(c);
        }
        finally { c.Lock.Release(); }
        c.Removed.TrySetResult();
        Publish(c, "destroy");
    }
}
