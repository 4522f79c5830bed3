using Wharf.Api.Models;
using Wharf.Compose.Engine;
using Wharf.Compose.Model;
using Wharf.Compose.Yaml;

namespace Wharf.Compose.Loading;

/// <summary>The compose short syntaxes for ports and volumes, for command-line flags (run -p, run -v).</summary>
public static class ShortSyntax
{
    static readonly SourceMark CommandLine = new("command line", 0, 0);

    public static List<PortConfig> Ports(string text) => ModelBuilder.Ports(new ScalarNode(text) { Mark = CommandLine }, "--publish").ToList();

    public static Mount Volume(ComposeProject project, string text) =>
        ContainerSpec.Mount(project, ModelBuilder.VolumeMountOf(project, new ScalarNode(text) { Mark = CommandLine }, "--volume"));
}
