using Wharf.Api.Models;
using Wharf.Engine.Images;
using Wharf.Engine.Logs;

namespace Wharf.Engine.Containers;

public sealed partial class ContainerService
{
    /// <summary>GET /containers/json.</summary>
    public List<ContainerSummary> List(bool all, int? limit, Dictionary<string, List<string>> filters)
    {
        var list = _containers.Values.OrderByDescending(c => c.Doc.Created).Where(c => all || c.State.Running || limit is > 0).ToList();
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
                "name" => list.Where(c => values.Any(v => c.Name.Contains(v.TrimStart('/'), StringComparison.Ordinal))).ToList(),
                "id" => list.Where(c => values.Any(v => c.Id.StartsWith(v, StringComparison.Ordinal))).ToList(),
                "label" => list.Where(c => values.All(v => ImageService.LabelMatch(c.Doc.Config?.Labels, v))).ToList(),
                "ancestor" => list.Where(c => values.Any(v => _images.TryResolveId(v, out _) == c.Doc.Image)).ToList(),
                "exited" => list.Where(c => c.State.Status == "exited" && values.Contains(c.State.ExitCode.ToString())).ToList(),
                "health" => list.Where(c => values.Contains(c.State.Health?.Status ?? HealthRules.None)).ToList(),
                _ => throw new BadRequestException($"invalid filter '{key}'"),
            };
        }
        if (limit is > 0) list = list.Take(limit.Value).ToList();
        return list.Select(Summary).ToList();
    }

    private ContainerSummary Summary(Container c) => new()
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
    };

    /// <summary>Docker's status column: "Up 3 seconds", "Up 3 seconds (healthy)", "Exited (0) 2 minutes ago", "Created".</summary>
    public static string StatusText(ContainerState s)
    {
        static string Ago(string rfc) => DateTimeOffset.TryParse(rfc, out var t) ? HumanDuration(DateTimeOffset.UtcNow - t) : "";
        return s.Status switch
        {
            "running" or "paused" => "Up " + Ago(s.StartedAt) + (s.Paused ? " (Paused)" : s.Health is { } h ? $" ({HealthRules.Describe(h)})" : ""),
            "exited" => $"Exited ({s.ExitCode}) {Ago(s.FinishedAt)} ago",
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
