using System.Collections.Frozen;
using PolicyCore.Model;

namespace PolicyCore.Compilation;

/// <summary>
/// Where to look for a request's candidate rules. Two independent method/path indexes: one per route id (rules naming
/// that route) and one for rules without <c>routes</c>. Each indexes by HTTP method, then by the first path segment
/// (ASCII case-insensitive, a superset for the case-sensitive allow patterns). A lookup returns two slots (route and
/// route-less), which the evaluator merges by load order. A rule is only left out of a cell when its method list or
/// path patterns could never match there, so the result equals a linear scan. Route requirements are looked up by
/// route id beside it (empty for a policy without <c>requirements</c>: no lookup at all).
/// </summary>
internal sealed class RuleIndex
{
    private readonly FrozenDictionary<string, MethodPathIndex> _byRoute;
    private readonly MethodPathIndex _anyRoute;
    private readonly FrozenDictionary<string, RouteRequirementSet> _requirements;

    private RuleIndex(
        FrozenDictionary<string, MethodPathIndex> byRoute, MethodPathIndex anyRoute, FrozenDictionary<string, RouteRequirementSet> requirements)
    {
        _byRoute = byRoute;
        _anyRoute = anyRoute;
        _requirements = requirements;
    }

    public int RouteCount => _byRoute.Count;

    /// <summary>The requirements (enforced and shadow, load order) of the request's route; empty when none or no route.</summary>
    public RouteRequirementSet Requirements(string? routeId)
        => _requirements.Count != 0 && routeId is not null && _requirements.TryGetValue(routeId, out var set) ? set : RouteRequirementSet.Empty;

    public static RuleIndex Build(CompiledRule[] rules, IReadOnlyList<RouteRequirement>? requirements = null)
    {
        var unrestricted = new List<CompiledRule>();
        var byRoute = new Dictionary<string, List<CompiledRule>>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            if (rule.Routes.Length == 0)
            {
                unrestricted.Add(rule);
            }

            foreach (var route in rule.Routes)
            {
                if (!byRoute.TryGetValue(route, out var list))
                {
                    byRoute.Add(route, list = []);
                }

                list.Add(rule);
            }
        }

        var built = new Dictionary<string, MethodPathIndex>(byRoute.Count, StringComparer.Ordinal);
        foreach (var (route, list) in byRoute)
        {
            built.Add(route, MethodPathIndex.Build(list));
        }

        var byRouteRequirements = new Dictionary<string, List<RouteRequirement>>(StringComparer.Ordinal);
        foreach (var requirement in requirements ?? [])
        {
            if (!byRouteRequirements.TryGetValue(requirement.RouteId, out var list))
            {
                byRouteRequirements.Add(requirement.RouteId, list = []);
            }

            list.Add(requirement);
        }

        var builtRequirements = new Dictionary<string, RouteRequirementSet>(StringComparer.Ordinal);
        foreach (var (route, list) in byRouteRequirements)
        {
            builtRequirements.Add(route, new RouteRequirementSet([.. list.OrderBy(r => r.Order)]));
        }

        return new RuleIndex(
            built.ToFrozenDictionary(StringComparer.Ordinal), MethodPathIndex.Build(unrestricted), builtRequirements.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>The candidate slots: rules of the request's route, and rules without routes.</summary>
    public void Find(RequestContext context, out RuleSlot routed, out RuleSlot unrouted)
    {
        var routeId = context.RouteId;
        routed = routeId is not null && _byRoute.TryGetValue(routeId, out var index)
            ? index.Find(context.Method, context.Path)
            : RuleSlot.Empty;
        unrouted = _anyRoute.Find(context.Method, context.Path);
    }

    /// <summary>A method → first segment → slot index over one set of rules.</summary>
    private sealed class MethodPathIndex
    {
        private readonly FrozenDictionary<string, SegmentIndex> _byMethod;
        private readonly SegmentIndex _anyMethod;

        private MethodPathIndex(FrozenDictionary<string, SegmentIndex> byMethod, SegmentIndex anyMethod)
        {
            _byMethod = byMethod;
            _anyMethod = anyMethod;
        }

        public static MethodPathIndex Build(List<CompiledRule> rules)
        {
            var methods = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var anyMethod = new List<CompiledRule>();
            foreach (var rule in rules)
            {
                if (rule.Methods.Length == 0)
                {
                    anyMethod.Add(rule);
                }

                methods.UnionWith(rule.Methods);
            }

            var byMethod = new Dictionary<string, SegmentIndex>(StringComparer.OrdinalIgnoreCase);
            foreach (var method in methods)
            {
                var applicable = new List<CompiledRule>();
                foreach (var rule in rules)
                {
                    if (rule.Methods.Length == 0 || Array.Exists(rule.Methods, m => string.Equals(m, method, StringComparison.OrdinalIgnoreCase)))
                    {
                        applicable.Add(rule);
                    }
                }

                byMethod.Add(method, SegmentIndex.Build(applicable));
            }

            return new MethodPathIndex(byMethod.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), SegmentIndex.Build(anyMethod));
        }

        public RuleSlot Find(string? method, string? path)
        {
            var segments = method is not null && _byMethod.TryGetValue(method, out var index) ? index : _anyMethod;
            return segments.Find(path);
        }
    }

    /// <summary>First path segment → slot; rules whose patterns do not all start with a literal are in every slot.</summary>
    private sealed class SegmentIndex
    {
        private readonly FrozenDictionary<string, RuleSlot> _bySegment;
        private readonly FrozenDictionary<string, RuleSlot>.AlternateLookup<ReadOnlySpan<char>> _lookup;
        private readonly RuleSlot _other;

        private SegmentIndex(FrozenDictionary<string, RuleSlot> bySegment, RuleSlot other)
        {
            _bySegment = bySegment;
            _lookup = bySegment.GetAlternateLookup<ReadOnlySpan<char>>();
            _other = other;
        }

        public static SegmentIndex Build(List<CompiledRule> rules)
        {
            var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var other = new List<CompiledRule>();
            foreach (var rule in rules)
            {
                var first = FirstSegments(rule);
                if (first is null)
                {
                    other.Add(rule);
                }
                else
                {
                    keys.UnionWith(first);
                }
            }

            var bySegment = new Dictionary<string, RuleSlot>(StringComparer.OrdinalIgnoreCase);
            foreach (var key in keys)
            {
                var applicable = new List<CompiledRule>();
                foreach (var rule in rules)
                {
                    var first = FirstSegments(rule);
                    if (first is null || first.Contains(key, StringComparer.OrdinalIgnoreCase))
                    {
                        applicable.Add(rule);
                    }
                }

                bySegment.Add(key, RuleSlot.Create(applicable));
            }

            return new SegmentIndex(bySegment.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), RuleSlot.Create(other));
        }

        /// <summary>The literal first segments of every path pattern, or null when some pattern (or no pattern) accepts any.</summary>
        private static string[]? FirstSegments(CompiledRule rule)
        {
            if (rule.Paths.Length == 0)
            {
                return null;
            }

            var result = new string[rule.Paths.Length];
            for (var i = 0; i < result.Length; i++)
            {
                var literal = rule.Paths[i].FirstLiteral;
                if (literal is null)
                {
                    return null;
                }

                result[i] = literal;
            }

            return result;
        }

        public RuleSlot Find(string? path)
        {
            if (_bySegment.Count == 0 || path is null || path.Length == 0 || path[0] != '/')
            {
                return _other;
            }

            var rest = path.AsSpan(1);
            var slash = rest.IndexOf('/');
            var segment = slash < 0 ? rest : rest[..slash];
            return _lookup.TryGetValue(segment, out var slot) ? slot : _other;
        }
    }
}
