using System.Globalization;

namespace Wharf.Engine.Runtime;

/// <summary>The numeric identity a container process runs as.</summary>
public sealed record ResolvedUser(uint Uid, uint Gid, IReadOnlyList<uint> AdditionalGids, string Home);

/// <summary>
/// Resolves `--user` ("name", "uid", "uid:gid", "name:group") and `--group-add` against the
/// container's own /etc/passwd and /etc/group, with the rules and messages of runc's user package
/// that Docker uses: unknown names fail, unknown numbers are used as they are, and without an
/// explicit group the user's supplementary groups come from /etc/group.
/// </summary>
public sealed class UserResolver(string rootfsPath)
{
    private const string NoPasswd = "no matching entries in passwd file";
    private const string NoGroup = "no matching entries in group file";

    private sealed record PasswdEntry(string Name, uint Uid, uint Gid, string Home);

    private sealed record GroupEntry(string Name, uint Gid, string[] Members);

    public ResolvedUser Resolve(string? userSpec, IEnumerable<string>? groupAdd = null)
    {
        userSpec ??= "";
        var (userArg, groupArg) = userSpec.IndexOf(':') is var i and >= 0 ? (userSpec[..i], userSpec[(i + 1)..]) : (userSpec, (string?)null);
        var passwd = ReadPasswd();
        var groups = new Lazy<List<GroupEntry>?>(ReadGroups);

        uint uid = 0, gid = 0;
        var home = "/";
        string? userName = null;
        var userNumeric = TryId(userArg, out var userId);
        if (userArg.Length == 0)
        {
            userNumeric = true;
            userId = 0;
        }
        var entry = passwd?.FirstOrDefault(p => userArg.Length > 0 && p.Name == userArg)
            ?? (userNumeric ? passwd?.FirstOrDefault(p => p.Uid == userId) : null);
        if (entry is not null)
        {
            uid = entry.Uid;
            gid = entry.Gid;
            home = entry.Home;
            userName = entry.Name;
        }
        else if (userNumeric)
        {
            uid = userId;
        }
        else
        {
            throw new BadRequestException($"unable to find user {userArg}: {NoPasswd}");
        }

        var sgids = new List<uint>();
        if (groupArg is not null)
        {
            var groupNumeric = TryId(groupArg, out var groupId);
            var g = groups.Value?.FirstOrDefault(x => x.Name == groupArg) ?? (groupNumeric ? groups.Value?.FirstOrDefault(x => x.Gid == groupId) : null);
            if (g is not null)
            {
                gid = g.Gid;
            }
            else if (groupNumeric && groupArg.Length > 0)
            {
                gid = groupId;
            }
            else
            {
                throw new BadRequestException($"unable to find group {groupArg}: {NoGroup}");
            }
        }
        else if (userName is not null)
        {
            sgids.AddRange((groups.Value ?? []).Where(x => x.Members.Contains(userName)).Select(x => x.Gid));
        }

        foreach (var add in groupAdd ?? [])
        {
            var numeric = TryId(add, out var addId);
            var g = groups.Value?.FirstOrDefault(x => x.Name == add) ?? (numeric ? groups.Value?.FirstOrDefault(x => x.Gid == addId) : null);
            if (g is not null)
            {
                sgids.Add(g.Gid);
            }
            else if (numeric)
            {
                sgids.Add(addId);
            }
            else
            {
                throw new BadRequestException($"Unable to find group {add}: {NoGroup}");
            }
        }

        var additional = new List<uint> { gid };
        additional.AddRange(sgids);
        return new ResolvedUser(uid, gid, additional, home);
    }

    private static bool TryId(string s, out uint id) =>
        uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id <= int.MaxValue;

    private List<PasswdEntry>? ReadPasswd()
    {
        var lines = ReadLines("/etc/passwd");
        if (lines is null) return null;
        var list = new List<PasswdEntry>();
        foreach (var f in lines)
        {
            if (f.Length < 7) continue;
            if (!TryId(f[2], out var uid)) continue;
            TryId(f[3], out var gid);
            list.Add(new PasswdEntry(f[0], uid, gid, f[5]));
        }
        return list;
    }

    private List<GroupEntry>? ReadGroups()
    {
        var lines = ReadLines("/etc/group");
        if (lines is null) return null;
        var list = new List<GroupEntry>();
        foreach (var f in lines)
        {
            if (f.Length < 3 || !TryId(f[2], out var gid)) continue;
            var members = f.Length > 3 ? f[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
            list.Add(new GroupEntry(f[0], gid, members));
        }
        return list;
    }

    private List<string[]>? ReadLines(string containerPath)
    {
        string host;
        try
        {
            host = RootfsPath.Resolve(rootfsPath, containerPath);
            if (!File.Exists(host)) return null;
            return File.ReadLines(host)
                .Select(l => l.Trim())
                .Where(l => l.Length > 0 && !l.StartsWith('#'))
                .Select(l => l.Split(':'))
                .ToList();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
