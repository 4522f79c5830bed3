using System.Text;
using Wharf.Api.Client;
using Wharf.Api.Models;
using Wharf.Cli.Containers;
using Wharf.Cli.Output;
using Wharf.Cli.Parsing;
using Wharf.Cli.Registry;

namespace Wharf.Cli.Commands;

/// <summary>pull, push, login and logout.</summary>
internal static class RegistryClientCommands
{
    // ------------------------------------------------------------------ pull

    public static CommandDef Pull(string use) => new CommandDef(use, "Download an image from a registry")
    {
        AliasesLine = "wharf image pull, wharf pull",
        Args = ArgsRule.Exact(1),
        Run = PullAsync,
    }
        .Flag(new FlagDef("all-tags", 'a', FlagType.Bool, "Download all tagged images in the repository"))
        .Flag(new FlagDef("disable-content-trust", null, FlagType.Bool, "Skip image verification", "true"))
        .Flag(Common.PlatformFlag("Set platform if server is multi-platform capable"))
        .Flag(new FlagDef("quiet", 'q', FlagType.Bool, "Suppress verbose output"));

    static async Task<int> PullAsync(CommandContext ctx)
    {
        var (reference, name) = ParseImage(ctx.Args[0]);
        bool all = ctx.Flags.GetBool("all-tags");
        if (all && (reference.Tag is not null || reference.Digest is not null)) throw new CliException("tag can't be used with --all-tags/-a");
        string? platform = null;
        if (ctx.Flags.GetString("platform") is { Length: > 0 } p)
        {
            try { platform = PlatformSpec.Normalize(p); }
            catch (FormatException e) { throw new CliException(e.Message); }
        }
        var tag = all ? null : reference.Digest ?? reference.Tag ?? "latest";
        var auth = AuthFor(ctx, name);
        var stream = ctx.Client.PullImageAsync(name, tag, platform, auth, ctx.Cancel);
        bool quiet = ctx.Flags.GetBool("quiet");
        await ProgressDisplay.DisplayAsync(stream, quiet ? TextWriter.Null : ctx.Out, ctx.Console.OutIsTerminal, ctx.Cancel).ConfigureAwait(false);
        ctx.Out.Write(all ? name + "\n" : name + (reference.Digest is not null ? "@" + reference.Digest : ":" + tag) + "\n");
        return 0;
    }

    // ------------------------------------------------------------------ push

    public static CommandDef Push(string use) => new CommandDef(use, "Upload an image to a registry")
    {
        AliasesLine = "wharf image push, wharf push",
        Args = ArgsRule.Exact(1),
        Run = PushAsync,
    }
        .Flag(new FlagDef("all-tags", 'a', FlagType.Bool, "Push all tags of an image to the repository"))
        .Flag(new FlagDef("disable-content-trust", null, FlagType.Bool, "Skip image signing", "true"))
        .Flag(new FlagDef("quiet", 'q', FlagType.Bool, "Suppress verbose output"));

    static async Task<int> PushAsync(CommandContext ctx)
    {
        var (reference, name) = ParseImage(ctx.Args[0]);
        bool all = ctx.Flags.GetBool("all-tags");
        if (reference.Digest is not null) throw new CliException("cannot push a digest reference");
        if (all && reference.Tag is not null) throw new CliException("tag can't be used with --all-tags/-a");
        // As docker 20.10+: a name without a tag pushes :latest, -a every tag.
        var tag = all ? null : reference.Tag ?? "latest";
        var auth = AuthFor(ctx, name);
        var stream = ctx.Client.PushImageAsync(name, tag, auth, ctx.Cancel);
        bool quiet = ctx.Flags.GetBool("quiet");
        await ProgressDisplay.DisplayAsync(stream, quiet ? TextWriter.Null : ctx.Out, ctx.Console.OutIsTerminal, ctx.Cancel).ConfigureAwait(false);
        if (quiet) ctx.Out.Write(ImageReference.Familiar(name) + (tag is null ? "" : ":" + tag) + "\n");
        return 0;
    }

    // ------------------------------------------------------------------ login, logout

    public static CommandDef Login() => new CommandDef("login [OPTIONS] [SERVER]", "Authenticate to a registry")
    {
        Args = ArgsRule.AtMost(1),
        Run = LoginAsync,
    }
        .Flag(new FlagDef("username", 'u', FlagType.String, "Username"))
        .Flag(new FlagDef("password", 'p', FlagType.String, "Password or Personal Access Token (PAT)"))
        .Flag(new FlagDef("password-stdin", null, FlagType.Bool, "Take the Password or Personal Access Token (PAT) from stdin"));

    static async Task<int> LoginAsync(CommandContext ctx)
    {
        var host = ctx.Args.Count > 0 ? CredentialStore.HostOf(ctx.Args[0]) : "docker.io";
        var user = ctx.Flags.GetString("username");
        var password = ctx.Flags.GetString("password");
        if (ctx.Flags.GetBool("password-stdin"))
        {
            if (!string.IsNullOrEmpty(password)) throw new CliException("--password and --password-stdin are mutually exclusive");
            if (string.IsNullOrEmpty(user)) throw new CliException("Must provide --username with --password-stdin");
            using var reader = new StreamReader(ctx.Console.InStream, Encoding.UTF8, false, 4096, leaveOpen: true);
            password = (await reader.ReadToEndAsync(ctx.Cancel).ConfigureAwait(false)).TrimEnd('\n', '\r');
        }
        else if (!string.IsNullOrEmpty(password))
        {
            ctx.Err.Write("WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n");
        }
        if (string.IsNullOrEmpty(user) || string.IsNullOrEmpty(password))
        {
            if (!ctx.Console.InIsTerminal) throw new CliException("Cannot perform an interactive login from a non TTY device");
            if (string.IsNullOrEmpty(user))
            {
                ctx.Out.Write("Username: ");
                await ctx.Out.FlushAsync(ctx.Cancel).ConfigureAwait(false);
                user = ReadLine(ctx, echo: true);
            }
            if (string.IsNullOrEmpty(password))
            {
                ctx.Out.Write("Password: ");
                await ctx.Out.FlushAsync(ctx.Cancel).ConfigureAwait(false);
                password = ReadLine(ctx, echo: false);
                ctx.Out.Write("\n");
            }
        }
        if (string.IsNullOrEmpty(user)) throw new CliException("Username is required");
        if (string.IsNullOrEmpty(password)) throw new CliException("Password is required");
        var server = CredentialStore.KeyFor(host);
        var response = await ctx.Client.LoginAsync(new AuthConfig { Username = user, Password = password, ServerAddress = server }, ctx.Cancel)
            .ConfigureAwait(false);
        var store = Credentials(ctx);
        CredentialHelper? helper;
        try { helper = store.Save(host, user, password); }
        catch (FormatException e) { throw new CliException(e.Message); }
        if (helper is null) ctx.Err.Write($"WARNING! Your credentials are stored unencrypted in '{store.ConfigPath}'.\n");
        ctx.Out.Write((string.IsNullOrEmpty(response.Status) ? "Login Succeeded" : response.Status) + "\n");
        return 0;
    }

    public static CommandDef Logout() => new CommandDef("logout [SERVER]", "Log out from a registry")
    {
        Args = ArgsRule.AtMost(1),
        Run = LogoutAsync,
    };

    static Task<int> LogoutAsync(CommandContext ctx)
    {
        var host = ctx.Args.Count > 0 ? CredentialStore.HostOf(ctx.Args[0]) : "docker.io";
        var server = CredentialStore.KeyFor(host);
        bool removed;
        try { removed = Credentials(ctx).Remove(host); }
        catch (FormatException e) { throw new CliException(e.Message); }
        if (removed) ctx.Out.Write($"Removing login credentials for {server}\n");
        else ctx.Out.Write($"Not logged in to {server}\n");
        return Task.FromResult(0);
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>The credentials the user stored for the registry of an image (null: anonymous).</summary>
    public static CredentialStore Credentials(CommandContext ctx)
    {
        try { return CredentialStore.ForUser(ctx.App.Options.ConfigDir); }
        catch (FormatException e) { throw new CliException(e.Message); }
    }

    public static AuthConfig? AuthFor(CommandContext ctx, string normalizedName)
    {
        try { return Credentials(ctx).Get(CredentialStore.HostOfImage(normalizedName)); }
        catch (FormatException e) { throw new CliException(e.Message); }
    }

    static (ImageReference Reference, string NormalizedName) ParseImage(string text)
    {
        if (!ImageReference.TryParse(text, out var r, out var error)) throw new CliException(error);
        return (r!, ImageReference.Normalize(r!.Name));
    }

    static string ReadLine(CommandContext ctx, bool echo)
    {
        using var raw = echo ? null : ctx.Console.Terminal.MakeStdinRaw();
        var sb = new StringBuilder();
        var one = new byte[1];
        while (ctx.Console.InStream.Read(one, 0, 1) == 1)
        {
            if (one[0] is (byte)'\n' or (byte)'\r') break;
            if (one[0] == 3) throw new OperationCanceledException();
            if (one[0] is 127 or 8) { if (sb.Length > 0) sb.Length--; continue; }
            sb.Append((char)one[0]);
        }
        return sb.ToString();
    }
}
