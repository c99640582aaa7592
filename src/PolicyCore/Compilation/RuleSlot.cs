namespace PolicyCore.Compilation;

/// <summary>
/// The rules that can apply to one (route, method, first path segment) cell, split by effect and mode, each in load
/// order. Replaces the v1 per-route bucket.
/// </summary>
internal sealed class RuleSlot
{
    public static readonly RuleSlot Empty = new([], [], [], []);

    public RuleSlot(CompiledRule[] denies, CompiledRule[] allows, CompiledRule[] shadowDenies, CompiledRule[] shadowAllows)
    {
        Denies = denies;
        Allows = allows;
        ShadowDenies = shadowDenies;
        ShadowAllows = shadowAllows;
        HasShadow = shadowDenies.Length != 0 || shadowAllows.Length != 0;
    }

    public CompiledRule[] Denies { get; }

    public CompiledRule[] Allows { get; }

    public CompiledRule[] ShadowDenies { get; }

    public CompiledRule[] ShadowAllows { get; }

    public bool HasShadow { get; }

    public int Count => Denies.Length + Allows.Length + ShadowDenies.Length + ShadowAllows.Length;

    public static RuleSlot Create(List<CompiledRule> rules)
    {
        if (rules.Count == 0)
        {
            return Empty;
        }

        var denies = new List<CompiledRule>();
        var allows = new List<CompiledRule>();
        var shadowDenies = new List<CompiledRule>();
        var shadowAllows = new List<CompiledRule>();
        foreach (var rule in rules)
        {
            var deny = rule.Effect == Model.Effect.Deny;
            (rule.IsShadow ? (deny ? shadowDenies : shadowAllows) : (deny ? denies : allows)).Add(rule);
        }

        return new RuleSlot([.. denies], [.. allows], [.. shadowDenies], [.. shadowAllows]);
    }
}
