using Wharf.Api.Models;
using Wharf.Engine.Images;
using Wharf.Engine.Logs;

namespace Wharf.Engine.Containers;

public sealed partial class ContainerService
{
    /// <summary>GET /containers/json; <paramref name="size"/> adds SizeRw and SizeRootFs (a walk of each upper dir).</summary>
    public List<ContainerSummary> List(bool all, int? limit, Dictionary<string, List<string>> filters, bool size = false)
    {
        var ordered = _containers.Values.OrderByDescending(c => c.Doc.Created).ToList();
        // `before` and `since` also apply to stopped containers, as in Docker.
        all |= filters.ContainsKey("before") || filters.ContainsKey("since");
        var list = ordered.Where(c => all || c.State.Running || limit is > 0).ToList();
        foreach (var value in filters.GetValueOrDefault("health") ?? [])
        {
            if (!HealthRules.FilterValues.Contains(value))
                throw new BadRequestException($"invalid filter 'health={value}': invalid value for health ({value}): must be one of {string.Join(", ", HealthRules.FilterValues)}");
        }
        foreach (var (key, values) in filters)
        {
            list = key switch
            {
                "status" => list.Where(c => values.Contains(c.State.Status)).ToList(),
                "name" => list.Where(c => values.Any(v => FilterRegexMatch(v, c.Name))).ToList(),
                "id" => list.Where(c => values.Any(v => c.Id.StartsWith(v, StringComparison.Ordinal))).ToList(),
                "label" => list.Where(c => values.All(v => ImageService.LabelMatch(c.Doc.Config?.Labels, v))).ToList(),
                "ancestor" => list.Where(c => values.Any(v => _images.TryResolveId(v, out _) == c.Doc.Image)).ToList(),
                "exited" => list.Where(c => c.State.Status == "exited" && values.Contains(c.State.ExitCode.ToString())).ToList(),
                "before" => list.Where(c => values.All(v => string.CompareOrdinal(c.Doc.Created, Get(v).Doc.Created) < 0)).ToList(),
                "since" => list.Where(c => values.All(v => string.CompareOrdinal(c.Doc.Created, Get(v).Doc.Created) > 0)).ToList(),
                "volume" => list.Where(c => values.Any(v => c.Doc.Mounts.Any(m => m.Name == v || m.Source == v || m.Destination == v))).ToList(),
                "network" => list.Where(c => values.Any(v => NetworkNames(c).Contains(v))).ToList(),
                "publish" or "expose" => list.Where(c => values.Any(v => PortMatch(c, v, key == "publish"))).ToList(),
                "is-task" => list.Where(_ => values.Any(v => v == "false")).ToList(),
                "health" => list.Where(c => values.Contains(c.State.Health?.Status ?? HealthRules.None)).ToList(),
                _ => throw new BadRequestException($"invalid filter '{key}'"),
            };
        }
        if (limit is > 0) list = list.Take(limit.Value).ToList();
        return list.Select(c => Summary(c, size)).ToList();
    }

    /// <summary>Docker's filter match: the value is a regular expression (RE2 there; .NET's syntax covers the
    /// common cases), searched in the name without its slash; a value that does not compile matches nothing.</summary>
    private static bool FilterRegexMatch(string pattern, string name)
    {
        try { return System.Text.RegularExpressions.Regex.IsMatch(name, pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromMilliseconds(100)); }
        catch (ArgumentException) { return false; }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException) { return false; }
    }

    private static IEnumerable<string> NetworkNames(Container c)
    {
        if (c.Doc.NetworkSettings?.Networks is { Count: > 0 } nets) return nets.Keys;
        var mode = c.Doc.HostConfig?.NetworkMode;
        return [mode is null or "" or "default" ? "bridge" : mode];
    }

    /// <summary>`publish=80`, `publish=8080/udp`, `expose=80-90/tcp`: the container port (expose) or the host port (publish).</summary>
    private static bool PortMatch(Container c, string filter, bool published)
    {
        var (range, proto) = filter.Split('/') is [var r, var p] ? (r, p) : (filter, "tcp");
        var bounds = range.Split('-');
        if (!int.TryParse(bounds[0], out var lo) || !int.TryParse(bounds[^1], out var hi) || bounds.Length > 2 || lo > hi)
            throw new BadRequestException($"invalid filter: {(published ? "publish" : "expose")}={filter}");
        if (published)
            return (c.Doc.HostConfig?.PortBindings ?? []).Any(kv => kv.Key.EndsWith("/" + proto, StringComparison.Ordinal)
                && (kv.Value ?? []).Any(b => int.TryParse(b.HostPort, out var hp) && hp >= lo && hp <= hi));
        return (c.Doc.Config?.ExposedPorts ?? []).Keys.Any(k => k.Split('/') is [var port, var pr] && pr == proto
            && int.TryParse(port, out var n) && n >= lo && n <= hi);
    }

    /// <summary>Bytes in the container's writable layer: its upper directory, without descending into other filesystems.</summary>
    public long SizeRw(Container c)
    {
        var upper = Path.Combine(Dir(c.Id), "upper");
        if (!Directory.Exists(upper)) return 0;
        long total = 0;
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        foreach (var f in new DirectoryInfo(upper).EnumerateFiles("*", options)) total += f.Length;
        return total;
    }

    private long ImageSize(Container c) => _images.TryResolveId(c.Doc.Image, out _) is { } id ? _images.Resolve(id).Size : 0;

    private ContainerSummary Summary(Container c, bool size)
    {
        var summary = Summary(c);
        if (size)
        {
            summary.SizeRw = SizeRw(c);
            summary.SizeRootFs = summary.SizeRw + ImageSize(c);
        }
        return summary;
    }

    internal ContainerSummary Summary(Container c) => new()
    {
        Id = c.Id,
        Names = ["/" + c.Name],
        Image = c.Doc.Config?.Image ?? c.Doc.Image,
        ImageID = c.Doc.Image,
        Command = string.Join(' ', new[] { c.Doc.Path }.Concat(c.Doc.Args)),
        Created = DateTimeOffset.TryParse(c.Doc.Created, out var t) ? t.ToUnixTimeSeconds() : 0,
        Labels = c.Doc.Config?.Labels ?? [],
        State = c.State.Status,
        Status = StatusText(c.State),
        HostConfig = new ContainerSummaryHostConfig { NetworkMode = c.Doc.HostConfig?.NetworkMode ?? "default" },
        Ports = Networking.NetworkService.PortSummary(c.Doc),
        Mounts = c.Doc.Mounts,
        NetworkSettings = new ContainerSummaryNetworkSettings { Networks = c.Doc.NetworkSettings?.Networks ?? [] },
    };

    /// <summary>Docker's status column: "Up 3 seconds", "Up 3 seconds (healthy)", "Exited (0) 2 minutes ago", "Created".</summary>
    public static string StatusText(ContainerState s)
    {
        static string Ago(string rfc) => DateTimeOffset.TryParse(rfc, out var t) ? HumanDuration(DateTimeOffset.UtcNow - t) : "";
        return s.Status switch
        {
            "running" or "paused" => "Up " + Ago(s.StartedAt) + (s.Paused ? " (Paused)" : s.Health is { } h ? $" ({HealthRules.Describe(h)})" : ""),
            "exited" => $"Exited ({s.ExitCode}) {Ago(s.FinishedAt)} ago",
            "restarting" => $"Restarting ({s.ExitCode}) {Ago(s.FinishedAt)} ago",
            "created" => "Created",
            var other => other,
        };
    }

    /// <summary>go-units HumanDuration.</summary>
    public static string HumanDuration(TimeSpan d)
    {
        var seconds = (int)d.TotalSeconds;
        if (seconds < 1) return "Less than a second";
        if (seconds == 1) return "1 second";
        if (seconds < 60) return $"{seconds} seconds";
        var minutes = (int)d.TotalMinutes;
        if (minutes == 1) return "About a minute";
        if (minutes < 60) return $"{minutes} minutes";
        var hours = (int)Math.Round(d.TotalHours);
        if (hours == 1) return "About an hour";
        if (hours < 48) return $"{hours} hours";
        if (hours < 24 * 7 * 2) return $"{hours / 24} days";
        if (hours < 24 * 30 * 2) return $"{hours / 24 / 7} weeks";
        if (hours < 24 * 365 * 2) return $"{hours / 24 / 30} months";
        return $"{(int)(d.TotalDays / 365)} years";
    }

    /// <summary>GET /containers/{id}/json.</summary>
    public ContainerInspectResponse Inspect(string idOrName) => Get(idOrName).Doc;

    /// <summary>GET /containers/{id}/logs as records; the endpoint frames them.</summary>
    public IAsyncEnumerable<LogRecord> LogsAsync(string idOrName, LogReadOptions options, CancellationToken ct)
    {
        var c = Get(idOrName);
        var driver = c.Doc.HostConfig?.LogConfig?.Type ?? "json-file";
        if (driver == "none" || string.IsNullOrEmpty(c.Doc.LogPath))
            throw new BadRequestException("configured logging driver does not support reading");
        if (options.Follow) options.StopFollowing = c.State.Running ? c.Exited.Task : Task.CompletedTask;
        RotatedLogReader reader = driver == "local" ? new LocalLogReader(c.Doc.LogPath) : new JsonFileLogReader(c.Doc.LogPath);
        return reader.ReadAsync(options, ct);
    }
}
