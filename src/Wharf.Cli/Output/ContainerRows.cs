using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Wharf.Api.Models;
using Wharf.Cli.Commands;
using Wharf.Cli.Parsing;
using Wharf.Cli.Templates;

namespace Wharf.Cli.Output;

/// <summary>docker's container formatter: `ps` rows with its field names, headers, ports column and table formats.</summary>
public static class ContainerRows
{
    public const string DefaultTable = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";
    public const string QuietFormat = "{{.ID}}";

    public static JsonObject Header() => new()
    {
        ["ID"] = "CONTAINER ID",
        ["Names"] = "NAMES",
        ["Image"] = "IMAGE",
        ["Command"] = "COMMAND",
        ["CreatedAt"] = "CREATED AT",
        ["RunningFor"] = "CREATED",
        ["Ports"] = "PORTS",
        ["State"] = "STATE",
        ["Status"] = "STATUS",
        ["Size"] = "SIZE",
        ["Labels"] = "LABELS",
        ["Mounts"] = "MOUNTS",
        ["LocalVolumes"] = "LOCAL VOLUMES",
        ["Networks"] = "NETWORKS",
        ["Platform"] = "PLATFORM",
    };

    // The labels behind each row, for {{.Label "key"}}, kept beside the row so {{json .}} shows only docker's fields.
    static readonly ConditionalWeakTable<JsonObject, Dictionary<string, string>> LabelsOf = new();

    /// <summary>{{.Label "key"}}: one label's value, "" when absent.</summary>
    public static readonly IReadOnlyDictionary<string, TemplateMethod> Methods = new Dictionary<string, TemplateMethod>
    {
        ["Label"] = new("Label", 1, (row, args) =>
            LabelsOf.TryGetValue(row, out var labels) && labels.TryGetValue(args[0], out var v) ? v : ""),
    };

    /// <summary>formatter.NewContainerFormat.</summary>
    public static string Format(string? source, bool quiet, bool size)
    {
        if (string.IsNullOrEmpty(source) || source == Formatter.TableKey)
            return quiet ? QuietFormat : size ? DefaultTable + "\t{{.Size}}" : DefaultTable;
        if (source == "raw")
        {
            if (quiet) return "container_id: {{.ID}}";
            var raw = "container_id: {{.ID}}\nimage: {{.Image}}\ncommand: {{.Command}}\ncreated_at: {{.CreatedAt}}\n" +
                      "state: {{- pad .State 1 0}}\nstatus: {{- pad .Status 1 0}}\nnames: {{.Names}}\nlabels: {{- pad .Labels 1 0}}\n" +
                      "ports: {{- pad .Ports 1 0}}\n";
            return size ? raw + "size: {{.Size}}\\n" : raw;
        }
        return quiet ? QuietFormat : source;
    }

    /// <summary>Whether a custom format shows sizes (docker then asks the daemon for them).</summary>
    public static bool UsesSize(string format)
    {
        var t = Formatter.PreFormat(format);
        // As the docker CLI: only a template that reads .Size asks for sizes; `{{json .}}` does not (the
        // docker CLI's size probe is a method that marshalling never calls), so its Size is "0B".
        return t.Contains(".Size", StringComparison.Ordinal);
    }

    public static List<JsonObject> Build(IEnumerable<ContainerSummary> containers, bool trunc, DateTimeOffset now) =>
        containers.Select(c => Row(c, trunc, now)).ToList();

    static JsonObject Row(ContainerSummary c, bool trunc, DateTimeOffset now)
    {
        var created = DateTimeOffset.FromUnixTimeSeconds(c.Created);
        var srw = HumanUnits.HumanSizeWithPrecision(c.SizeRw ?? 0, 3);
        var rootFs = c.SizeRootFs ?? 0;
        var row = new JsonObject
        {
            ["Command"] = GoQuoteString(trunc ? Common.Ellipsis(c.Command, 20) : c.Command),
            ["CreatedAt"] = GoTime.String(created),
            ["ID"] = trunc ? Common.TruncateId(c.Id) : c.Id,
            ["Image"] = Image(c, trunc),
            ["Labels"] = string.Join(",", c.Labels.Select(kv => kv.Key + "=" + kv.Value).Order(StringComparer.Ordinal)),
            ["LocalVolumes"] = c.Mounts.Count(m => m.Driver == "local").ToString(CultureInfo.InvariantCulture),
            ["Mounts"] = string.Join(",", c.Mounts.Select(m =>
            {
                var name = string.IsNullOrEmpty(m.Name) ? m.Source ?? "" : m.Name;
                return trunc ? Common.Ellipsis(name, 15) : name;
            })),
            ["Names"] = Names(c.Names, trunc),
            ["Networks"] = string.Join(",", c.NetworkSettings.Networks.Keys.Order(StringComparer.Ordinal)),
            ["Platform"] = null,
            ["Ports"] = DisplayablePorts(c.Ports),
            ["RunningFor"] = HumanUnits.Ago(created, now),
            ["Size"] = rootFs > 0 ? $"{srw} (virtual {HumanUnits.HumanSizeWithPrecision(rootFs, 3)})" : srw,
            ["State"] = c.State,
            ["Status"] = c.Status,
        };
        LabelsOf.AddOrUpdate(row, c.Labels);
        return row;
    }

    static string GoQuoteString(string s) => Templates.GoQuote.Quote(s);

    static string Names(IReadOnlyList<string> names, bool trunc)
    {
        var stripped = names.Select(n => n.StartsWith('/') ? n[1..] : n).ToList();
        if (!trunc) return string.Join(",", stripped);
        // Truncated: only the first name that is not a legacy link ("/other/alias").
        return stripped.FirstOrDefault(n => !n.Contains('/')) ?? "";
    }

    static string Image(ContainerSummary c, bool trunc)
    {
        if (c.Image.Length == 0) return "<no image>";
        if (!trunc) return c.Image;
        if (Common.TruncateId(c.ImageID) == Common.TruncateId(c.Image)) return Common.TruncateId(c.ImageID);
        if (!ImageReference.TryParse(c.Image, out var r, out _) || r is null) return c.Image;
        var name = ImageReference.Familiar(r.Name);
        return r.Tag is not null ? name + ":" + r.Tag : name;
    }

    /// <summary>formatter.DisplayablePorts: consecutive ports grouped into ranges, host mappings last.</summary>
    public static string DisplayablePorts(IEnumerable<ContainerPort> ports)
    {
        var sorted = ports.OrderBy(p => p.PrivatePort).ThenBy(p => p.IP ?? "", StringComparer.Ordinal)
            .ThenBy(p => p.PublicPort).ThenBy(p => p.Type, StringComparer.Ordinal).ToList();
        var groups = new Dictionary<string, (int First, int Last)>(StringComparer.Ordinal);
        var keys = new List<string>();
        var result = new List<string>();
        var hostMappings = new List<string>();
        foreach (var port in sorted)
        {
            var current = port.PrivatePort;
            var key = port.Type;
            if (!string.IsNullOrEmpty(port.IP))
            {
                if (port.PublicPort != current)
                {
                    hostMappings.Add($"{JoinHostPort(port.IP, port.PublicPort.ToString(CultureInfo.InvariantCulture))}->{port.PrivatePort}/{port.Type}");
                    continue;
                }
                key = port.IP + "/" + port.Type;
            }
            if (!groups.TryGetValue(key, out var g))
            {
                groups[key] = (current, current);
                keys.Add(key);
                continue;
            }
            if (current == g.Last + 1)
            {
                groups[key] = (g.First, current);
                continue;
            }
            result.Add(FormGroup(key, g.First, g.Last));
            groups[key] = (current, current);
        }
        foreach (var key in keys) result.Add(FormGroup(key, groups[key].First, groups[key].Last));
        result.AddRange(hostMappings);
        return string.Join(", ", result);
    }

    static string FormGroup(string key, int start, int last)
    {
        var parts = key.Split('/');
        var type = parts[0];
        var ip = "";
        if (parts.Length > 1)
        {
            ip = parts[0];
            type = parts[1];
        }
        var group = start.ToString(CultureInfo.InvariantCulture);
        if (start != last) group += "-" + last.ToString(CultureInfo.InvariantCulture);
        if (ip.Length > 0) group = $"{JoinHostPort(ip, group)}->{group}";
        return group + "/" + type;
    }

    static string JoinHostPort(string host, string port) => host.Contains(':') ? $"[{host}]:{port}" : $"{host}:{port}";
}
