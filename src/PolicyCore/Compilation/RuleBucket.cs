namespace PolicyCore.Compilation;

/// <summary>The rules that can apply to one route, split by effect, each in load order.</summary>
internal sealed class RuleBucket(CompiledRule[] denies, CompiledRule[] allows)
{
    public static readonly RuleBucket Empty = new([], []);

    public CompiledRule[] Denies { get; } = denies;

    public CompiledRule[] Allows { get; } = allows;
}
