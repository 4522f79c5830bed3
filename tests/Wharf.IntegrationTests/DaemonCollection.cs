namespace Wharf.IntegrationTests;

/// <summary>A private daemon with busybox imported, shared by the tests of one class.</summary>
public sealed class DaemonFixture : IAsyncLifetime
{
    public Infrastructure.WharfDaemon Daemon { get; private set; } = null!;

    public async Task InitializeAsync() => Daemon = await Infrastructure.WharfDaemon.StartNewAsync();

    public async Task DisposeAsync() => await Daemon.DisposeAsync();
}
