namespace Wharf.Compose.Loading;

/// <summary>What a compose key may hold; the validator checks a tree against these.</summary>
public enum ShapeKind
{
    Any,
    String,
    Int,
    Number,
    Bool,
    /// <summary>A string or a list of strings (command, dns).</summary>
    StringOrList,
    /// <summary>A list of "k=v" strings or a map of scalars (environment, labels).</summary>
    ListOrMap,
    /// <summary>A map with known keys (<see cref="Shape.Props"/>).</summary>
    Object,
    /// <summary>A map whose values all have <see cref="Shape.Item"/>'s shape; null values allowed.</summary>
    MapOf,
    /// <summary>A list whose items have <see cref="Shape.Item"/>'s shape.</summary>
    List,
    /// <summary>A string or an object (ports, volumes, build, extends).</summary>
    StringOrObject,
    /// <summary>A list of names or a map of name → object (depends_on, networks).</summary>
    ListOrMapOf,
    /// <summary>A bool or an object (external: {name}).</summary>
    BoolOrObject,
    /// <summary>An int or an object (ulimits).</summary>
    IntOrObject,
}

/// <summary>One node of the compose schema.</summary>
public sealed class Shape
{
    public ShapeKind Kind { get; init; }
    public Dictionary<string, Shape>? Props { get; init; }
    public Shape? Item { get; init; }

    public static readonly Shape Any = new() { Kind = ShapeKind.Any };
    public static readonly Shape Str = new() { Kind = ShapeKind.String };
    public static readonly Shape Int = new() { Kind = ShapeKind.Int };
    public static readonly Shape Num = new() { Kind = ShapeKind.Number };
    public static readonly Shape Bool = new() { Kind = ShapeKind.Bool };
    public static readonly Shape StrOrList = new() { Kind = ShapeKind.StringOrList };
    public static readonly Shape ListOrMap = new() { Kind = ShapeKind.ListOrMap };
    public static readonly Shape StrList = new() { Kind = ShapeKind.List, Item = Str };

    public static Shape Obj(params (string Key, Shape Shape)[] props) =>
        new() { Kind = ShapeKind.Object, Props = props.ToDictionary(p => p.Key, p => p.Shape, StringComparer.Ordinal) };

    public static Shape StrOrObj(Shape obj) => new() { Kind = ShapeKind.StringOrObject, Props = obj.Props };

    public static Shape ListOf(Shape item) => new() { Kind = ShapeKind.List, Item = item };

    public static Shape MapOf(Shape item) => new() { Kind = ShapeKind.MapOf, Item = item };
}
