using Wharf.Registry.Protocol;

namespace Wharf.Registry.Tests.Protocol;

public class PaginationTests
{
    static readonly string[] Tags = ["v3", "v1", "latest", "v2"];

    [Fact]
    public void Pages_are_sorted_and_continue_after_last()
    {
        var first = Pagination.Page(Tags, 2, null, out var more);
        Assert.Equal(["latest", "v1"], first);
        Assert.True(more);
        var second = Pagination.Page(Tags, 2, "v1", out more);
        Assert.Equal(["v2", "v3"], second);
        Assert.False(more);
    }

    [Fact]
    public void The_link_header_points_at_the_next_page() =>
        Assert.Equal("</v2/a/b/tags/list?n=2&last=v1>; rel=\"next\"", Pagination.NextLink("/v2/a/b/tags/list", 2, "v1"));

    [Theory]
    [InlineData("-1")]
    [InlineData("x")]
    public void A_bad_n_is_PAGINATION_NUMBER_INVALID(string n) =>
        Assert.Equal(ErrorCodes.PaginationNumberInvalid, Assert.Throws<RegistryException>(() => Pagination.ParseN(n)).Code);

    [Fact]
    public void N_zero_gives_an_empty_page()
    {
        Assert.Empty(Pagination.Page(Tags, Pagination.ParseN("0"), null, out _));
        Assert.Equal(Pagination.MaxPage, Pagination.ParseN(null));
    }
}
