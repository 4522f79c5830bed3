namespace Wharf.Engine.Images;

public sealed partial class ImageService
{
    /// <summary>Start-up repair after a crash: unfinished ingests, layers and blobs nothing records.</summary>
    public (int Ingests, int Layers, int Blobs) Repair()
    {
        int ingests = _content.ClearIngests();
        _db.RemoveUnusedLayers();
        var known = _db.ListLayers().Select(l => l.ChainId).ToHashSet();
        int layers = _layers.Repair(known);
        var used = AllReferencedBlobs();
        int blobs = 0;
        foreach (var blob in _content.ListDigests().ToList())
            if (!used.Contains(blob)) { _content.Delete(blob); blobs++; }
        return (ingests, layers, blobs);
    }
}
