using Wharf.Engine.Runtime;
using static Wharf.Engine.Tests.Runtime.SpecTestSupport;

namespace Wharf.Engine.Tests.Runtime;

public class UserResolverTests
{
    [Theory]
    [InlineData("", 0u, 0u, "0")]
    [InlineData("root", 0u, 0u, "0")]
    [InlineData("app", 1000u, 1000u, "1000,29,44")]
    [InlineData("1000", 1000u, 1000u, "1000,29,44")]
    [InlineData("1000:50", 1000u, 50u, "50")]
    [InlineData("app:staff", 1000u, 50u, "50")]
    [InlineData("app:0", 1000u, 0u, "0")]
    [InlineData("4242", 4242u, 0u, "0")]
    [InlineData("4242:4343", 4242u, 4343u, "4343")]
    [InlineData("nobody", 65534u, 65534u, "65534")]
    public void ResolvesFromTheRootfs(string spec, uint uid, uint gid, string gids)
    {
        using var rootfs = new FakeRootfs();
        var u = new UserResolver(rootfs.Path).Resolve(spec);
        Assert.Equal(uid, u.Uid);
        Assert.Equal(gid, u.Gid);
        Assert.Equal(gids, string.Join(',', u.AdditionalGids));
    }

    [Fact]
    public void UnknownNamesFailWithRuncsMessages()
    {
        using var rootfs = new FakeRootfs();
        var r = new UserResolver(rootfs.Path);
        Assert.Equal("unable to find user nosuch: no matching entries in passwd file", Assert.Throws<BadRequestException>(() => r.Resolve("nosuch")).Message);
        Assert.Equal("unable to find group nosuch: no matching entries in group file", Assert.Throws<BadRequestException>(() => r.Resolve("app:nosuch")).Message);
        Assert.Equal("Unable to find group nosuch: no matching entries in group file", Assert.Throws<BadRequestException>(() => r.Resolve("app", ["nosuch"])).Message);
    }

    [Fact]
    public void GroupAddByNameAndNumber()
    {
        using var rootfs = new FakeRootfs();
        var u = new UserResolver(rootfs.Path).Resolve("1000:1000", ["staff", "777", "audio"]);
        Assert.Equal([1000u, 50u, 777u, 29u], u.AdditionalGids);
    }

    [Fact]
    public void MissingPasswdAllowsNumbersOnly()
    {
        using var rootfs = new FakeRootfs();
        File.Delete(Path.Combine(rootfs.Path, "etc/passwd"));
        File.Delete(Path.Combine(rootfs.Path, "etc/group"));
        var r = new UserResolver(rootfs.Path);
        Assert.Equal(0u, r.Resolve("").Uid);
        Assert.Equal(123u, r.Resolve("123:45").Uid);
        Assert.Throws<BadRequestException>(() => r.Resolve("app"));
    }

    [Fact]
    public void SymlinkedPasswdStaysInsideTheRootfs()
    {
        using var rootfs = new FakeRootfs();
        var passwd = Path.Combine(rootfs.Path, "etc/passwd");
        File.Move(passwd, Path.Combine(rootfs.Path, "etc/passwd.real"));
        // An absolute link resolves inside the rootfs, not on the host.
        File.CreateSymbolicLink(passwd, "/etc/passwd.real");
        Assert.Equal(1000u, new UserResolver(rootfs.Path).Resolve("app").Uid);
        File.Delete(passwd);
        File.CreateSymbolicLink(passwd, "../../../../../../etc/passwd.real");
        Assert.Equal(1000u, new UserResolver(rootfs.Path).Resolve("app").Uid);
    }

    [Fact]
    public void BuilderSetsTheProcessUser()
    {
        var user = Spec(c => c.User = "app", h => h.GroupAdd = ["staff"]).Process!.User;
        Assert.Equal(1000u, user.Uid);
        Assert.Equal(1000u, user.Gid);
        Assert.Equal([1000u, 29u, 44u, 50u], user.AdditionalGids);
        Assert.Equal("unable to find user nosuch: no matching entries in passwd file", Error(c => c.User = "nosuch"));
    }
}
