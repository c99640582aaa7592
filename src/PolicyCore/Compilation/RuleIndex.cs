using System.Collections.Frozen;

namespace PolicyCore.Compilation;

/// <summary>
/// Route id → the rules that can apply on that route (rules naming it plus rules with no route restriction, in load
/// order). Requests without a route, or on a route no rule names, see only the unrestricted rules.
/// </summary>
internal sealed class RuleIndex
{
    private readonly FrozenDictionary<string, RuleBucket> _byRoute;
    private readonly RuleBucket _anyRoute;

    private RuleIndex(FrozenDictionary<string, RuleBucket> byRoute, RuleBucket anyRoute)
    {
        _byRoute = byRoute;
        _anyRoute = anyRoute;
    }

    public int RouteCount => _byRoute.Count;

    public static RuleIndex Build(CompiledRule[] rules)
    {
        var unrestricted = new List<CompiledRule>();
        var routeIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            if (rule.Routes.Length == 0)
            {
                unrestricted.Add(rule);
            }

            foreach (var route in rule.Routes)
            {
                routeIds.Add(route);
            }
        }

        var byRoute = new Dictionary<string, RuleBucket>(StringComparer.Ordinal);
        foreach (var routeId in routeIds)
        {
            var applicable = new List<CompiledRule>();
            foreach (var rule in rules)
            {
                if (rule.MatchesRoute(routeId))
                {
                    applicable.Add(rule);
                }
            }

            byRoute.Add(routeId, Split(applicable));
        }

        return new RuleIndex(byRoute.ToFrozenDictionary(StringComparer.Ordinal), Split(unrestricted));
    }

    public RuleBucket Find(string? routeId)
        => routeId is not null && _byRoute.TryGetValue(routeId, out var bucket) ? bucket : _anyRoute;

    private static RuleBucket Split(List<CompiledRule> rules)
    {
        var denies = new List<CompiledRule>();
        var allows = new List<CompiledRule>();
        foreach (var rule in rules)
        {
            (rule.Effect == Model.Effect.Deny ? denies : allows).Add(rule);
        }

        return denies.Count == 0 && allows.Count == 0 ? RuleBucket.Empty : new RuleBucket([.. denies], [.. allows]);
    }
}
