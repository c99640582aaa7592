using PolicyCore.Model;

namespace PolicyCore.Compilation;

/// <summary>
/// A rule as the hot path reads it: pre-parsed patterns, upper-cased methods, compiled conditions. Immutable.
/// Empty arrays mean "any". The route restriction is applied by the <see cref="RuleIndex"/>, not here.
/// </summary>
internal sealed class CompiledRule
{
    public CompiledRule(
        string id,
        Effect effect,
        int order,
        string file,
        int line,
        int column,
        string[] routes,
        string[] methods,
        HostPattern[] hosts,
        PathPattern[] paths,
        RuleCondition[] conditions)
    {
        Id = id;
        Effect = effect;
        Order = order;
        File = file;
        Line = line;
        Column = column;
        Routes = routes;
        Methods = methods;
        Hosts = hosts;
        Paths = paths;
        Conditions = conditions;
    }

    public string Id { get; }

    public Effect Effect { get; }

    /// <summary>Position in load order (files in the order given, rules in file order).</summary>
    public int Order { get; }

    public string File { get; }

    public int Line { get; }

    public int Column { get; }

    public string[] Routes { get; }

    public string[] Methods { get; }

    public HostPattern[] Hosts { get; }

    public PathPattern[] Paths { get; }

    public RuleCondition[] Conditions { get; }

    /// <summary>True when the request's route is allowed by this rule (empty list = any route; no route = only those).</summary>
    public bool MatchesRoute(string? routeId)
    {
        if (Routes.Length == 0)
        {
            return true;
        }

        if (routeId is null)
        {
            return false;
        }

        foreach (var route in Routes)
        {
            if (string.Equals(route, routeId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Everything but the route: cheap request checks first, then identity conditions.</summary>
    public bool Matches(RequestContext context, PolicyIdentity identity)
    {
        if (Methods.Length != 0 && !MatchesMethod(context.Method))
        {
            return false;
        }

        if (Hosts.Length != 0 && !MatchesHost(context.Host))
        {
            return false;
        }

        if (Paths.Length != 0 && !MatchesPath(context.Path))
        {
            return false;
        }

        foreach (var condition in Conditions)
        {
            if (!condition.Matches(context, identity))
            {
                return false;
            }
        }

        return true;
    }

    private bool MatchesMethod(string? method)
    {
        foreach (var candidate in Methods)
        {
            if (string.Equals(candidate, method, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private bool MatchesHost(string? host)
    {
        foreach (var pattern in Hosts)
        {
            if (pattern.Matches(host))
            {
                return true;
            }
        }

        return false;
    }

    private bool MatchesPath(string? path)
    {
        foreach (var pattern in Paths)
        {
            if (pattern.Matches(path))
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString() => $"{Id} ({Effect}, {File}:{Line}:{Column})";
}
