using Wharf.Api.Models;

namespace Wharf.Compose.Engine;

public sealed partial class ComposeEngine
{
    /// <summary>
    /// The registry credentials for an image as the compose file names it (null: anonymous). The CLI sets this from
    /// its credential store (config.json, credential helpers), so pull, pull_policy and push use a `wharf login`.
    /// </summary>
    public Func<string, AuthConfig?>? Credentials { get; init; }

    AuthConfig? AuthFor(string image) => Credentials?.Invoke(image);
}
