using System.Text;
using System.Text.Json;
using Wharf.Api.Models;
using Wharf.Engine.Containers.Filesystem;

namespace Wharf.Engine.Tests.Containers;

public sealed class PathStatHeaderTests
{
    [Theory]
    [InlineData(0x81A4u, 0x1A4u)]                                   // regular 0644
    [InlineData(0x41EDu, 0x800001EDu)]                              // directory 0755: ModeDir
    [InlineData(0xA1FFu, 0x080001FFu)]                              // symlink 0777: ModeSymlink
    [InlineData(0x21B6u, 0x042001B6u)]                              // char device 0666: ModeDevice|ModeCharDevice
    [InlineData(0x61B0u, 0x040001B0u)]                              // block device 0660: ModeDevice
    [InlineData(0x11A4u, 0x020001A4u)]                              // fifo: ModeNamedPipe
    [InlineData(0xC1EDu, 0x010001EDu)]                              // socket: ModeSocket
    [InlineData(0x89EDu, 0x008001EDu)]                              // setuid 04755: ModeSetuid, not 0o4000
    [InlineData(0x85EDu, 0x004001EDu)]                              // setgid 02755: ModeSetgid
    [InlineData(0x43FFu, 0x801001FFu)]                              // sticky dir 01777 (/tmp): ModeDir|ModeSticky
    public void Unix_modes_become_go_file_modes(uint unix, uint go) => Assert.Equal(go, PathStatHeader.GoFileMode(unix));

    [Theory]
    [InlineData(0L, 0u, "1970-01-01T00:00:00Z")]
    [InlineData(1_700_000_000L, 500_000_000u, "2023-11-14T22:13:20.5Z")]
    [InlineData(1_700_000_000L, 123_456_789u, "2023-11-14T22:13:20.123456789Z")]
    [InlineData(1_700_000_000L, 1_000u, "2023-11-14T22:13:20.000001Z")]
    public void Times_are_go_rfc3339_nano(long seconds, uint nanos, string expected) =>
        Assert.Equal(expected, PathStatHeader.GoTime(seconds, nanos));

    [Fact]
    public void The_header_is_base64_json_with_dockers_lowercase_keys()
    {
        var stat = new ContainerPathStat { Name = "passwd", Size = 42, Mode = 0x1A4, Mtime = "2023-11-14T22:13:20Z", LinkTarget = "" };
        var json = Encoding.UTF8.GetString(Convert.FromBase64String(PathStatHeader.Encode(stat)));
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(["name", "size", "mode", "mtime", "linkTarget"], doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("passwd", doc.RootElement.GetProperty("name").GetString());
        Assert.Equal(420u, doc.RootElement.GetProperty("mode").GetUInt32());
    }

    [Fact]
    public void A_directory_mode_survives_the_round_trip_as_an_unsigned_number()
    {
        var stat = new ContainerPathStat { Name = "etc", Mode = PathStatHeader.ModeDir | 0x1ED, LinkTarget = "/etc" };
        var back = PathStatHeader.Decode(PathStatHeader.Encode(stat));
        Assert.Equal(2147484141u, back.Mode);
        Assert.Equal("/etc", back.LinkTarget);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("bm90IGpzb24=")]          // "not json"
    public void A_bad_header_is_a_format_error(string header) =>
        Assert.Throws<FormatException>(() => PathStatHeader.Decode(header));
}
