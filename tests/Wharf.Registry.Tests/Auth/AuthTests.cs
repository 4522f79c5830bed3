using Wharf.Registry.Auth;

namespace Wharf.Registry.Tests.Auth;

public class AuthTests
{
    // Made with `htpasswd -nbB alice s3cret` and `htpasswd -nbB -C 4 bob hunter2`.
    internal const string File = """
        # users
        alice:$2y$05$m.CMu.VRF1WnQn6D5JoumuocK7hBUeJyfWLqWCvn5h56JrUP5PXhy
        bob:$2y$04$z2iE.6HshHJv.kQ6Hz/9YOsRSwGHxlt11jJyB6LSx8qRoyNZp5pnK
        """;

    static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Htpasswd_bcrypt_entries_verify()
    {
        var h = Htpasswd.Parse(File);
        Assert.Equal(2, h.Count);
        Assert.True(h.Verify("alice", "s3cret"));
        Assert.True(h.Verify("alice", "s3cret"));
        Assert.True(h.Verify("bob", "hunter2"));
        Assert.False(h.Verify("alice", "hunter2"));
        Assert.False(h.Verify("mallory", "s3cret"));
    }

    [Theory]
    [InlineData("carol:$apr1$rnEvHiuu$4upO4AVUMWwK49qu6lx3d.")]
    [InlineData("carol:plaintext")]
    [InlineData("no-colon")]
    [InlineData("")]
    public void Htpasswd_without_bcrypt_is_refused_at_load(string text) => Assert.Throws<FormatException>(() => Htpasswd.Parse(text));

    [Fact]
    public void Scopes_parse_names_with_ports()
    {
        var scopes = Scope.ParseAll(["repository:a/b:pull,push repository:localhost:5000/x:pull", "registry:catalog:*", "junk"]);
        Assert.Equal(["repository:a/b:pull,push", "repository:localhost:5000/x:pull", "registry:catalog:*"], scopes.Select(s => s.ToString()));
    }

    [Fact]
    public void Tokens_carry_their_scopes_and_expire()
    {
        var svc = new TokenService("svc", TimeSpan.FromMinutes(5));
        var token = svc.Issue("alice", TokenService.Grant(Scope.ParseAll(["repository:a:pull,push"])), Now);
        var claims = svc.Validate(token, Now.AddMinutes(1))!;
        Assert.Equal("alice", claims.Subject);
        Assert.True(claims.Allows("repository", "a", "push"));
        Assert.False(claims.Allows("repository", "b", "pull"));
        Assert.False(claims.Allows("repository", "a", "delete"));
        Assert.Null(svc.Validate(token, Now.AddMinutes(6)));
    }

    [Fact]
    public void Tokens_of_another_key_or_tampered_are_refused()
    {
        var svc = new TokenService("svc", TimeSpan.FromMinutes(5));
        var token = svc.Issue("alice", [new Scope("repository", "a", ["pull"])], Now);
        Assert.Null(new TokenService("svc", TimeSpan.FromMinutes(5)).Validate(token, Now));
        var forged = System.Buffers.Text.Base64Url.EncodeToString("""{"sub":"x","aud":"svc","exp":9999999999,"access":[{"type":"repository","name":"a","actions":["*"]}]}"""u8) + token[token.IndexOf('.')..];
        Assert.Null(svc.Validate(forged, Now));
        Assert.Null(svc.Validate("garbage", Now));
    }

    [Fact]
    public void Grants_drop_unknown_types_and_actions() =>
        Assert.Equal(["repository:a:pull", "registry:catalog:*"],
            TokenService.Grant(Scope.ParseAll(["repository:a:pull,admin", "registry:catalog:*", "registry:other:*", "weird:x:y"])).Select(s => s.ToString()));

    [Fact]
    public void Access_control_challenges_with_the_scope_it_needs()
    {
        var tokens = new TokenService("svc", TimeSpan.FromMinutes(5));
        var ac = new AccessControl(Htpasswd.Parse(File), tokens);
        var need = RequiredAccess.Repository("a", "pull", "push");
        var anon = ac.Check(null, need, "http://h/token", Now)!;
        Assert.Equal("Bearer realm=\"http://h/token\",service=\"svc\",scope=\"repository:a:pull,push\"", anon.Challenge);
        Assert.NotNull(ac.Check("Basic " + TokenService.EncodeBasic("alice", "wrong"), need, "r", Now));
        Assert.Null(ac.Check("Basic " + TokenService.EncodeBasic("alice", "s3cret"), need, "r", Now));

        var pullOnly = tokens.Issue("alice", [new Scope("repository", "a", ["pull"])], Now);
        var denied = ac.Check("Bearer " + pullOnly, need, "r", Now)!;
        Assert.Contains("error=\"insufficient_scope\"", denied.Challenge);
        Assert.Null(ac.Check("Bearer " + pullOnly, RequiredAccess.Repository("a", "pull"), "r", Now));
        Assert.Null(ac.Check("Bearer " + pullOnly, RequiredAccess.Base, "r", Now));
        Assert.Contains("invalid_token", ac.Check("Bearer x.y", need, "r", Now)!.Challenge);
    }

    [Fact]
    public void Without_htpasswd_everything_is_allowed() =>
        Assert.Null(new AccessControl(null, new TokenService("svc", TimeSpan.FromMinutes(5))).Check(null, RequiredAccess.Catalog, "r", Now));
}
