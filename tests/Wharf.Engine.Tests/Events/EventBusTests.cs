using Wharf.Engine.Events;

namespace Wharf.Engine.Tests.Events;

public class EventBusTests
{
    [Fact]
    public async Task Subscribers_get_history_since_and_live_events()
    {
        var bus = new EventBus();
        bus.Publish("image", "tag", "sha256:1", new() { ["name"] = "a:1" });
        var (past, live, sub) = bus.Subscribe(0);
        using (sub)
        {
            Assert.Single(past);
            Assert.Equal(1, bus.ListenerCount);
            bus.Publish("image", "untag", "sha256:1", new() { ["name"] = "a:1" });
            var e = await live.ReadAsync();
            Assert.Equal("untag", e.Action);
            Assert.Equal("untag", e.Status);
            Assert.Equal(e.Time, e.TimeNano / 1_000_000_000);
        }
        Assert.Equal(0, bus.ListenerCount);
    }

    [Theory]
    [InlineData("type", "image", true)]
    [InlineData("type", "container", false)]
    [InlineData("event", "tag", true)]
    [InlineData("image", "a:1", true)]
    [InlineData("image", "a", false)]
    [InlineData("label", "team=core", true)]
    [InlineData("label", "team", true)]
    [InlineData("label", "team=web", false)]
    public void Filters_match_like_docker(string key, string value, bool matches)
    {
        var bus = new EventBus();
        var (_, live, sub) = bus.Subscribe(null);
        using var _s = sub;
        bus.Publish("image", "tag", "sha256:1", new() { ["name"] = "a:1", ["team"] = "core" });
        Assert.True(live.TryRead(out var e));
        Assert.Equal(matches, new EventFilter(new() { [key] = [value] }).Matches(e!));
    }
}
