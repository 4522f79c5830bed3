using Wharf.Api.Models;

namespace Wharf.Engine.Containers;

public sealed partial class ContainerService
{
    /// <summary>POST /networks/{id}/connect: under the container's lock, live when it runs; the document is saved.</summary>
    public async Task ConnectNetworkAsync(string network, string idOrName, EndpointSettings? endpoint, CancellationToken ct)
    {
        var c = Get(idOrName);
        await c.Lock.WaitAsync(ct);
        try
        {
            await Engine.Networks.ConnectRunningAsync(c.Doc, network, endpoint, c.State.Running, ct);
            Save(c);
        }
        finally { c.Lock.Release(); }
    }

    /// <summary>POST /networks/{id}/disconnect.</summary>
    public async Task DisconnectNetworkAsync(string network, string idOrName, bool force, CancellationToken ct)
    {
        var c = Get(idOrName);
        await c.Lock.WaitAsync(ct);
        try
        {
            await Engine.Networks.DisconnectOneAsync(c.Doc, network, force, ct);
            Save(c);
        }
        finally { c.Lock.Release(); }
    }
}
