using Wharf.Registry.Protocol;

namespace Wharf.Registry.Tests.Protocol;

public class ByteRangeTests
{
    [Theory]
    [InlineData("bytes=0-9", 0, 9)]
    [InlineData("bytes=10-", 10, 99)]
    [InlineData("bytes=-10", 90, 99)]
    [InlineData("bytes=50-500", 50, 99)]
    public void Request_ranges_are_clamped_to_the_blob(string header, long first, long last)
    {
        Assert.True(ByteRange.TryParseRequest(header, 100, out var r));
        Assert.Equal(new ByteRange(first, last), r);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("items=0-1")]
    [InlineData("bytes=0-1,5-6")]
    [InlineData("bytes=5-1")]
    public void Unusable_range_headers_serve_the_whole_blob(string? header)
    {
        Assert.True(ByteRange.TryParseRequest(header, 100, out var r));
        Assert.Null(r);
    }

    [Theory]
    [InlineData("bytes=100-")]
    [InlineData("bytes=200-300")]
    [InlineData("bytes=-0")]
    public void Ranges_past_the_end_cannot_be_satisfied(string header) => Assert.False(ByteRange.TryParseRequest(header, 100, out _));

    [Theory]
    [InlineData("0-99", 0, 99)]
    [InlineData("100-199", 100, 199)]
    [InlineData("bytes 5-9/*", 5, 9)]
    public void Chunk_content_ranges_parse(string header, long first, long last)
    {
        Assert.True(ByteRange.TryParseContentRange(header, out var r));
        Assert.Equal(new ByteRange(first, last), r);
    }

    [Theory]
    [InlineData("9-5")]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("")]
    public void Bad_chunk_ranges_are_refused(string header) => Assert.False(ByteRange.TryParseContentRange(header, out _));

    [Fact]
    public void Upload_progress_is_inclusive()
    {
        Assert.Equal("0-0", ByteRange.UploadProgress(0));
        Assert.Equal("0-9", ByteRange.UploadProgress(10));
    }
}
