using Wharf.Compose.Yaml;

namespace Wharf.Compose.Model;

/// <summary>Service dependencies: cycle detection and the order to start (dependencies first) or stop in.</summary>
public static class DependencyGraph
{
    public static void CheckCycles(ComposeProject project)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new List<string>();
        void Visit(ServiceConfig s)
        {
            state[s.Name] = 1;
            stack.Add(s.Name);
            foreach (var d in s.Dependencies())
            {
                if (project.Service(d) is not { } dep) continue;
                var st = state.GetValueOrDefault(d);
                if (st == 1)
                {
                    var cycle = stack.Skip(stack.IndexOf(d)).Append(d);
                    throw new ComposeFileException($"{project.ConfigFiles[0]}: dependency cycle detected: {string.Join(" -> ", cycle)}");
                }
                if (st == 0) Visit(dep);
            }
            stack.RemoveAt(stack.Count - 1);
            state[s.Name] = 2;
        }
        foreach (var s in project.Services) if (state.GetValueOrDefault(s.Name) == 0) Visit(s);
    }

    /// <summary>The services in an order where each comes after what it depends on.</summary>
    public static List<ServiceConfig> StartOrder(ComposeProject project, IEnumerable<ServiceConfig> services)
    {
        var result = new List<ServiceConfig>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var wanted = services.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        void Visit(ServiceConfig s)
        {
            if (!seen.Add(s.Name)) return;
            foreach (var d in s.Dependencies()) if (project.Service(d) is { } dep && wanted.Contains(d)) Visit(dep);
            result.Add(s);
        }
        foreach (var s in project.Services.Where(s => wanted.Contains(s.Name))) Visit(s);
        return result;
    }

    /// <summary>The services and, transitively, everything they depend on.</summary>
    public static List<ServiceConfig> WithDependencies(ComposeProject project, IEnumerable<ServiceConfig> services)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        void Add(ServiceConfig s)
        {
            if (!set.Add(s.Name)) return;
            foreach (var d in s.Dependencies()) if (project.Service(d) is { } dep) Add(dep);
        }
        foreach (var s in services) Add(s);
        return project.Services.Where(s => set.Contains(s.Name)).ToList();
    }
}
