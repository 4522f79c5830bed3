using System.Text;
using System.Text.Json.Nodes;
using Wharf.Api.Models;
using Wharf.Cli.Commands;
using Wharf.Cli.Output;

namespace Wharf.Cli.Tests;

public class OutputTests
{
    static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_795_374_000);

    static List<ImageSummary> Images() =>
    [
        new()
        {
            Id = "sha256:1c35c441208254cb7c3844ba95a96485388cef9ccc0646d562c7fc026e04c807",
            RepoTags = ["busybox:latest", "busybox:1.36", "registry.local:5000/tools/busybox:v1"],
            RepoDigests = ["busybox@sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7"],
            Created = Now.AddDays(-21).ToUnixTimeSeconds(),
            Size = 4_261_234,
        },
        new()
        {
            Id = "sha256:abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
            Created = Now.AddHours(-2).ToUnixTimeSeconds(),
            Size = 1200,
        },
    ];

    [Fact]
    public void ImagesDefaultTable()
    {
        var rows = ImageRows.Build(Images(), trunc: true, digests: false, Now);
        var text = Formatter.Render(ImageRows.ImageFormat(null, false, false), ImageRows.ImageHeader(), rows);
        var expected =
            "REPOSITORY                          TAG       IMAGE ID       CREATED       SIZE\n" +
            "busybox                             latest    1c35c4412082   3 weeks ago   4.26MB\n" +
            "busybox                             1.36      1c35c4412082   3 weeks ago   4.26MB\n" +
            "registry.local:5000/tools/busybox   v1        1c35c4412082   3 weeks ago   4.26MB\n" +
            "<none>                              <none>    abcdef012345   2 hours ago   1.2kB\n";
        Assert.Equal(expected, text);
    }

    [Fact]
    public void ImagesWithDigestsAndQuiet()
    {
        var rows = ImageRows.Build(Images().Take(1), trunc: false, digests: true, Now);
        Assert.Equal("sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7", rows[0]["Digest"]!.GetValue<string>());
        Assert.Equal("<none>", rows[2]["Digest"]!.GetValue<string>());
        Assert.StartsWith("sha256:1c35", rows[0]["ID"]!.GetValue<string>());
        var quiet = Formatter.Render(ImageRows.ImageFormat("", true, false), ImageRows.ImageHeader(),
            ImageRows.Build(Images(), true, false, Now));
        Assert.Equal("1c35c4412082\n1c35c4412082\n1c35c4412082\nabcdef012345\n", quiet);
    }

    [Fact]
    public void DigestOnlyImagesShowNoneTag()
    {
        var img = new ImageSummary { Id = "sha256:aa", RepoDigests = ["docker.io/library/alpine@sha256:1234"], Size = 5 };
        var rows = ImageRows.Build([img], true, false, Now);
        Assert.Single(rows);
        Assert.Equal("alpine", rows[0]["Repository"]!.GetValue<string>());
        Assert.Equal("<none>", rows[0]["Tag"]!.GetValue<string>());
        Assert.Equal("", rows[0]["Digest"]!.GetValue<string>());
    }

    [Fact]
    public void ImagesCustomTableAndJson()
    {
        var rows = ImageRows.Build(Images().Skip(1), true, false, Now);
        Assert.Equal("IMAGE ID       SIZE\nabcdef012345   1.2kB\n", Formatter.Render("table {{.ID}}\\t{{.Size}}", ImageRows.ImageHeader(), rows));
        Assert.Equal("abcdef012345 1.2kB\n", Formatter.Render("{{.ID}} {{.Size}}", ImageRows.ImageHeader(), rows));
        GoTime.Zone = TimeZoneInfo.Utc;
        var json = Formatter.Render("json", null, ImageRows.Build(Images().Skip(1), true, false, Now));
        Assert.Equal("{\"Containers\":\"N/A\",\"CreatedAt\":\"2026-11-22 17:00:00 +0000 UTC\",\"CreatedSince\":\"2 hours ago\"," +
                     "\"Digest\":\"\\u003cnone\\u003e\",\"ID\":\"abcdef012345\",\"Repository\":\"\\u003cnone\\u003e\",\"SharedSize\":\"N/A\"" +
                     ",\"Size\":\"1.2kB\",\"Tag\":\"\\u003cnone\\u003e\",\"UniqueSize\":\"N/A\",\"VirtualSize\":\"0B\"}\n", json);
    }

    [Fact]
    public void HistoryTable()
    {
        var items = new List<ImageHistoryItem>
        {
            new() { Id = "sha256:1c35c441208254cb7c3844ba95a96485388cef9ccc0646d562c7fc026e04c807", Created = Now.AddDays(-21).ToUnixTimeSeconds(),
                CreatedBy = "/bin/sh -c #(nop)  CMD [\"sh\"]", Size = 0 },
            new() { Id = "<missing>", Created = Now.AddDays(-21).ToUnixTimeSeconds(),
                CreatedBy = "/bin/sh -c #(nop) ADD file:7e9002edaafd4e4579b65c8f0aaabde1aeb7fd3f8d95579f7fd3443cef785fd1 in / ", Size = 4_261_234, Comment = "imported" },
        };
        var text = Formatter.Render(ImageRows.HistoryTable, ImageRows.HistoryHeader(), ImageRows.History(items, true, true, Now));
        var expected =
            "IMAGE          CREATED       CREATED BY                                      SIZE      COMMENT\n" +
            "1c35c4412082   3 weeks ago   /bin/sh -c #(nop)  CMD [\"sh\"]                   0B        \n" +
            "<missing>      3 weeks ago   /bin/sh -c #(nop) ADD file:7e9002edaafd4e457…   4.26MB    imported\n";
        Assert.Equal(expected, text);
    }

    [Fact]
    public void JsonIndentKeepsTokensVerbatim()
    {
        var raw = Encoding.UTF8.GetBytes("[{\"Id\":\"sha256:ab\",\"RepoTags\":[],\"Config\":{\"Env\":[\"A=\\u003cb\\u003e\"],\"Labels\":{}},\"Size\":12,\"X\":null,\"Y\":[1,2]}]");
        var expected = "[\n    {\n        \"Id\": \"sha256:ab\",\n        \"RepoTags\": [],\n        \"Config\": {\n            \"Env\": [\n" +
                       "                \"A=\\u003cb\\u003e\"\n            ],\n            \"Labels\": {}\n        },\n        \"Size\": 12,\n" +
                       "        \"X\": null,\n        \"Y\": [\n            1,\n            2\n        ]\n    }\n]";
        Assert.Equal(expected, JsonIndent.Indent(raw));
        Assert.Equal("{\"a\":[1,2],\"b\":\"x y\"}", JsonCompact.Compact(Encoding.UTF8.GetBytes("{ \"a\" : [1, 2],\n \"b\": \"x y\" }")));
    }

    [Fact]
    public void EventLine()
    {
        GoTime.Zone = TimeZoneInfo.Utc;
        var ev = new EventMessage
        {
            Type = "image", Action = "tag", TimeNano = 1_795_374_000_000_000_000,
            Actor = new EventActor { ID = "sha256:1c35", Attributes = new() { ["name"] = "busybox:latest", ["a"] = "1" } },
        };
        Assert.Equal("2026-11-22T19:00:00.000000000Z image tag sha256:1c35 (a=1, name=busybox:latest)\n", EventsCommand.PrettyLine(ev));
    }

    [Fact]
    public void EventTimestamps()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_795_374_000);
        GoTime.Zone = TimeZoneInfo.Utc;
        Assert.Equal("1795373400", EventsCommand.GetTimestamp("10m", now));
        Assert.Equal("0", EventsCommand.GetTimestamp("0", now));
        Assert.Equal("1795374000.500000000", EventsCommand.GetTimestamp("2026-11-22T19:00:00.5", now));
        Assert.Equal("1795305600.000000000", EventsCommand.GetTimestamp("2026-11-22", now));
        Assert.Equal("1795460000", EventsCommand.GetTimestamp("1795460000", now));
        Assert.Equal("1795374000.000000000", EventsCommand.GetTimestamp("2026-11-22T19:00:00Z", now));
        Assert.Equal("1795370400.000000000", EventsCommand.GetTimestamp("2026-11-22T19:00:00+01:00", now));
    }

    [Fact]
    public void DiskUsageRows()
    {
        var du = new DiskUsage
        {
            LayersSize = 10_000_000,
            Images = [new ImageSummary { Size = 4_000_000, SharedSize = 0, Containers = 1 }, new ImageSummary { Size = 6_000_000, SharedSize = 0, Containers = 0 }],
        };
        var text = Formatter.Render("table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}",
            new JsonObject { ["Type"] = "TYPE", ["TotalCount"] = "TOTAL", ["Active"] = "ACTIVE", ["Size"] = "SIZE", ["Reclaimable"] = "RECLAIMABLE" },
            SystemCommands.DfRows(du));
        var expected =
            "TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE\n" +
            "Images          2         1         10MB      6MB (60%)\n" +
            "Containers      0         0         0B        0B\n" +
            "Local Volumes   0         0         0B        0B\n" +
            "Build Cache     0         0         0B        0B\n";
        Assert.Equal(expected, text);
    }
}
