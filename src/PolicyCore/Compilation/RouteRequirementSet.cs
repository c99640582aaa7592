namespace PolicyCore.Compilation;

/// <summary>The requirements naming one route, in load order (enforced and shadow). Immutable.</summary>
internal sealed class RouteRequirementSet
{
    public static readonly RouteRequirementSet Empty = new([]);

    public RouteRequirementSet(RouteRequirement[] entries)
    {
        Entries = entries;
        HasShadow = Array.Exists(entries, e => e.IsShadow);
    }

    public RouteRequirement[] Entries { get; }

    public bool HasShadow { get; }

    /// <summary>The first requirement (load order) the identity does not meet; shadow ones only when asked. Allocation-free.</summary>
    public RouteRequirement? FirstUnmet(RequirementFlags met, bool includeShadow)
    {
        foreach (var requirement in Entries)
        {
            if ((includeShadow || !requirement.IsShadow) && (requirement.Requirements & ~met) != RequirementFlags.None)
            {
                return requirement;
            }
        }

        return null;
    }
}
