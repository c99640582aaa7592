using PolicyCore.Model;

namespace PolicyCore.Compilation;

/// <summary>
/// One route requirement as the hot path reads it, for one of its routes: the rule id a decision carries (the
/// requirement's <c>id</c>, or <c>requirement:ROUTE</c> precomputed so a decision allocates nothing), its load order,
/// what it requires and whether it is a shadow requirement. Immutable.
/// </summary>
internal sealed class RouteRequirement(string routeId, int order, RequirementFlags requirements, bool isShadow, PolicyRequirement info)
{
    public string RouteId { get; } = routeId;

    public string DeciderId { get; } = info.DeciderId(routeId);

    /// <summary>Position among the requirements in load order.</summary>
    public int Order { get; } = order;

    public RequirementFlags Requirements { get; } = requirements;

    public bool IsShadow { get; } = isShadow;

    public PolicyRequirement Info { get; } = info;

    public override string ToString() => $"{DeciderId} ({Requirements}{(IsShadow ? ", shadow" : "")})";
}
