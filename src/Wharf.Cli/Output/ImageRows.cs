using System.Globalization;
using System.Text.Json.Nodes;
using Wharf.Api.Models;
using Wharf.Cli.Parsing;

namespace Wharf.Cli.Output;

/// <summary>docker's image formatter: rows of `images` and `history` with its field names and headers.</summary>
public static class ImageRows
{
    public const string DefaultTable = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";
    public const string DefaultTableWithDigest = "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";
    public const string QuietFormat = "{{.ID}}";

    public const string HistoryTable = "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";

    public static JsonObject ImageHeader() => new()
    {
        ["Containers"] = "CONTAINERS",
        ["CreatedAt"] = "CREATED AT",
        ["CreatedSince"] = "CREATED",
        ["Digest"] = "DIGEST",
        ["ID"] = "IMAGE ID",
        ["Repository"] = "REPOSITORY",
        ["SharedSize"] = "SHARED SIZE",
        ["Size"] = "SIZE",
        ["Tag"] = "TAG",
        ["UniqueSize"] = "UNIQUE SIZE",
        ["VirtualSize"] = "VIRTUAL SIZE",
    };

    public static JsonObject HistoryHeader(bool human = true) => new()
    {
        ["Comment"] = "COMMENT",
        ["CreatedAt"] = "CREATED AT",
        ["CreatedBy"] = "CREATED BY",
        ["CreatedSince"] = human ? "CREATED" : "CREATED AT",
        ["ID"] = "IMAGE",
        ["Size"] = "SIZE",
    };

    /// <summary>formatter.NewImageFormat.</summary>
    public static string ImageFormat(string? source, bool quiet, bool digests)
    {
        if (string.IsNullOrEmpty(source) || source == Formatter.TableKey)
            return quiet ? QuietFormat : digests ? DefaultTableWithDigest : DefaultTable;
        if (source == "raw")
            return quiet ? "image_id: {{.ID}}\n" :
                digests ? "repository: {{ .Repository }}\ntag: {{.Tag}}\ndigest: {{.Digest}}\nimage_id: {{.ID}}\ncreated_at: {{.CreatedAt}}\nvirtual_size: {{.Size}}\n"
                        : "repository: {{ .Repository }}\ntag: {{.Tag}}\nimage_id: {{.ID}}\ncreated_at: {{.CreatedAt}}\nvirtual_size: {{.Size}}\n";
        return source;
    }

    static bool IsDangling(ImageSummary img) =>
        (img.RepoTags.Count == 0 && img.RepoDigests.Count == 0) ||
        (img.RepoTags is ["<none>:<none>"] && img.RepoDigests is ["<none>@<none>"]);

    /// <summary>One row per repository:tag (and per digest with <paramref name="digests"/>), as docker's imageFormat.</summary>
    public static List<JsonObject> Build(IEnumerable<ImageSummary> images, bool trunc, bool digests, DateTimeOffset now)
    {
        var rows = new List<JsonObject>();
        foreach (var img in images)
        {
            if (IsDangling(img))
            {
                rows.Add(Row(img, "<none>", "<none>", "<none>", trunc, now));
                continue;
            }
            var repoTags = new List<(string Repo, List<string> Tags)>();
            var repoDigests = new List<(string Repo, List<string> Digests)>();
            foreach (var rt in img.RepoTags)
            {
                var (repo, tag) = ImageReference.SplitTag(ImageReference.SplitDigest(rt).Repo);
                if (tag is null) continue;
                repo = ImageReference.Familiar(repo);
                var entry = repoTags.FindIndex(e => e.Repo == repo);
                if (entry < 0) repoTags.Add((repo, [tag]));
                else repoTags[entry].Tags.Add(tag);
            }
            foreach (var rd in img.RepoDigests)
            {
                var (repo, digest) = ImageReference.SplitDigest(rd);
                if (digest is null) continue;
                repo = ImageReference.Familiar(ImageReference.SplitTag(repo).Repo);
                var entry = repoDigests.FindIndex(e => e.Repo == repo);
                if (entry < 0) repoDigests.Add((repo, [digest]));
                else repoDigests[entry].Digests.Add(digest);
            }
            foreach (var (repo, tags) in repoTags)
            {
                var idx = repoDigests.FindIndex(e => e.Repo == repo);
                List<string> ds = idx >= 0 ? repoDigests[idx].Digests : [];
                if (idx >= 0) repoDigests.RemoveAt(idx);
                if (!digests) ds = [];
                foreach (var tag in tags)
                {
                    if (ds.Count == 0)
                    {
                        rows.Add(Row(img, repo, tag, "<none>", trunc, now));
                        continue;
                    }
                    foreach (var d in ds) rows.Add(Row(img, repo, tag, d, trunc, now));
                }
            }
            foreach (var (repo, ds) in repoDigests)
            {
                if (digests)
                    foreach (var d in ds) rows.Add(Row(img, repo, "<none>", d, trunc, now));
                else rows.Add(Row(img, repo, "<none>", "", trunc, now));
            }
        }
        return rows;
    }

    /// <summary>`system df -v` shows each image once, under its first tag.</summary>
    public static JsonObject FirstTagRow(ImageSummary img, DateTimeOffset now)
    {
        string repo = "<none>", tag = "<none>";
        if (img.RepoTags.Count > 0 && !IsDangling(img))
        {
            var (r, t) = ImageReference.SplitTag(img.RepoTags[0]);
            if (t is not null)
            {
                repo = ImageReference.Familiar(r);
                tag = t;
            }
        }
        return Row(img, repo, tag, "<none>", true, now);
    }

    static JsonObject Row(ImageSummary img, string repo, string tag, string digest, bool trunc, DateTimeOffset now)
    {
        var created = DateTimeOffset.FromUnixTimeSeconds(img.Created);
        return new JsonObject
        {
            ["Containers"] = img.Containers == -1 ? "N/A" : img.Containers.ToString(CultureInfo.InvariantCulture),
            ["CreatedAt"] = GoTime.String(created),
            ["CreatedSince"] = HumanUnits.Ago(created, now),
            ["Digest"] = digest,
            ["ID"] = trunc ? Commands.Common.TruncateId(img.Id) : img.Id,
            ["Repository"] = repo,
            ["SharedSize"] = img.SharedSize == -1 ? "N/A" : HumanUnits.HumanSizeWithPrecision(img.SharedSize, 3),
            ["Size"] = HumanUnits.HumanSizeWithPrecision(img.Size, 3),
            ["Tag"] = tag,
            ["UniqueSize"] = img.SharedSize == -1 ? "N/A" : HumanUnits.HumanSizeWithPrecision(img.Size - img.SharedSize, 3),
            ["VirtualSize"] = HumanUnits.HumanSizeWithPrecision(img.VirtualSize, 3),
        };
    }

    /// <summary>docker's historyContext rows.</summary>
    public static List<JsonObject> History(IEnumerable<ImageHistoryItem> items, bool trunc, bool human, DateTimeOffset now)
    {
        var rows = new List<JsonObject>();
        foreach (var h in items)
        {
            var created = DateTimeOffset.FromUnixTimeSeconds(h.Created);
            var createdAt = GoTime.Rfc3339(created);
            var createdBy = h.CreatedBy.Replace('\t', ' ');
            rows.Add(new JsonObject
            {
                ["Comment"] = h.Comment,
                ["CreatedAt"] = createdAt,
                ["CreatedBy"] = trunc ? Commands.Common.Ellipsis(createdBy, 45) : createdBy,
                ["CreatedSince"] = human ? HumanUnits.Ago(created, now) : createdAt,
                ["ID"] = trunc ? Commands.Common.TruncateId(h.Id) : h.Id,
                ["Size"] = human ? HumanUnits.HumanSizeWithPrecision(h.Size, 3) : h.Size.ToString(CultureInfo.InvariantCulture),
            });
        }
        return rows;
    }
}
