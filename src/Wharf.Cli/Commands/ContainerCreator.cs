using Wharf.Api.Client;
using Wharf.Cli.Containers;
using Wharf.Cli.Output;
using Wharf.Cli.Parsing;

namespace Wharf.Cli.Commands;

/// <summary>
/// docker's createContainer: the --cidfile guard, the image reference, --pull, the console size, the create call with
/// "Unable to find image ... locally" and a pull when the image is missing, warnings, and the cidfile write.
/// </summary>
internal static class ContainerCreator
{
    public static async Task<string> CreateAsync(CommandContext ctx, CreateSpec spec)
    {
        var request = spec.Request;
        var hc = spec.HostConfig;
        using var cid = CidFile.Open(hc.ContainerIDFile);

        if (!ImageReference.TryParse(request.Image ?? "", out var reference, out var refError) && !IsImageId(request.Image))
            throw new CliException(refError);
        // TagNameOnly: a name without tag or digest means :latest.
        var tagged = reference is null ? null : reference with { Tag = reference.Digest is null ? reference.Tag ?? "latest" : reference.Tag };

        if (spec.UseApiSocket) BindApiSocket(ctx, hc);

        string? platform = null;
        if (spec.Platform is { } p)
        {
            try { platform = PlatformSpec.Normalize(p); }
            catch (FormatException e) { throw new CliException(e.Message); }
        }

        if (spec.Pull == "always" && tagged is not null) await PullAsync(ctx, tagged, spec, platform).ConfigureAwait(false);

        if (ctx.App.Console.Terminal.OutputSize() is { } size) hc.ConsoleSize = [size.Rows, size.Cols];

        Wharf.Api.Models.ContainerCreateResponse response;
        try
        {
            response = await ctx.Client.CreateContainerAsync(request, spec.Name, platform, ctx.Cancel).ConfigureAwait(false);
        }
        catch (WharfApiException e) when (e.StatusCode == 404 && tagged is not null && spec.Pull == "missing")
        {
            if (!spec.Quiet) ctx.Err.Write($"Unable to find image '{Familiar(tagged)}' locally\n");
            await PullAsync(ctx, tagged, spec, platform).ConfigureAwait(false);
            response = await ctx.Client.CreateContainerAsync(request, spec.Name, platform, ctx.Cancel).ConfigureAwait(false);
        }
        foreach (var w in response.Warnings) ctx.Err.Write("WARNING: " + w + "\n");
        cid.Write(response.Id);
        return response.Id;
    }

    /// <summary>--use-api-socket: the daemon's unix socket at /var/run/docker.sock, where clients in the container look.</summary>
    static void BindApiSocket(CommandContext ctx, Wharf.Api.Models.HostConfig hc)
    {
        var host = DaemonHost.Parse(ctx.App.Options.ResolveHost());
        if (!host.IsUnix)
            throw new CliException($"flag --use-api-socket can only be used with unix sockets: wharf endpoint {host.Original} incompatible");
        (hc.Mounts ??= []).Add(new Wharf.Api.Models.Mount
        {
            Type = "bind", Source = host.Address, Target = "/var/run/docker.sock", BindOptions = new Wharf.Api.Models.MountBindOptions(),
        });
    }

    static bool IsImageId(string? image) =>
        image is { Length: 64 } && image.All(Uri.IsHexDigit) ||
        image is { Length: 71 } && image.StartsWith("sha256:", StringComparison.Ordinal) && image[7..].All(Uri.IsHexDigit);

    static string Familiar(ImageReference r)
    {
        var s = ImageReference.Familiar(r.Name);
        if (r.Tag is not null) s += ":" + r.Tag;
        if (r.Digest is not null) s += "@" + r.Digest;
        return s;
    }

    /// <summary>Pulls with the daemon's progress on stderr (nothing with --quiet).</summary>
    static async Task PullAsync(CommandContext ctx, ImageReference image, CreateSpec spec, string? platform)
    {
        var name = ImageReference.Normalize(image.Name);
        var stream = ctx.Client.PullImageAsync(image.Digest is null ? name : name + "@" + image.Digest, image.Tag, platform,
            RegistryClientCommands.AuthFor(ctx, name), ctx.Cancel);
        var output = spec.Quiet ? TextWriter.Null : ctx.Err;
        await ProgressDisplay.DisplayAsync(stream, output, ctx.Console.ErrIsTerminal, ctx.Cancel).ConfigureAwait(false);
    }

    /// <summary>--cidfile: refused when it exists, created before the container, removed again if no ID was written.</summary>
    sealed class CidFile : IDisposable
    {
        readonly string? _path;
        readonly FileStream? _file;
        bool _written;

        CidFile(string? path, FileStream? file)
        {
            _path = path;
            _file = file;
        }

        public static CidFile Open(string? path)
        {
            if (string.IsNullOrEmpty(path)) return new CidFile(null, null);
            if (File.Exists(path) || Directory.Exists(path))
                throw new CliException("container ID file found, make sure the other container isn't running or delete " + path);
            try
            {
                return new CidFile(path, new FileStream(path, FileMode.CreateNew, FileAccess.Write));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"failed to create the container ID file: open {path}: {ErrnoText(e)}");
            }
        }

        static string ErrnoText(Exception e) => e switch
        {
            DirectoryNotFoundException => "no such file or directory",
            UnauthorizedAccessException => "permission denied",
            _ => e.Message,
        };

        public void Write(string id)
        {
            if (_file is null) return;
            var bytes = System.Text.Encoding.ASCII.GetBytes(id);
            _file.Write(bytes);
            _file.Flush();
            _written = true;
        }

        public void Dispose()
        {
            if (_file is null) return;
            _file.Dispose();
            if (!_written)
            {
                try { File.Delete(_path!); }
                catch (IOException) { }
            }
        }
    }
}
