using PolicyCore.Evaluation;
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
        RuleCondition[] conditions,
        RuleMode mode = RuleMode.Enforce,
        RuleObligations? obligations = null,
        PolicyRule? info = null,
        RequirementFlags requirements = RequirementFlags.None)
    {
        Requirements = requirements;
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
        Mode = mode;
        Obligations = obligations;
        Info = info ?? new PolicyRule(
            id, effect, mode, null, file, line, column, order, routes, methods, [.. hosts.Select(h => h.Text)],
            [.. paths.Select(p => p.Text)], new Dictionary<string, IReadOnlyList<string>>(), [], [],
            [.. conditions.Select(c => c.Describe())], obligations, RequirementNames.ToNames(requirements));
    }

    public string Id { get; }

    public Effect Effect { get; }

    public RuleMode Mode { get; }

    public bool IsShadow => Mode == RuleMode.Shadow;

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

    public RuleObligations? Obligations { get; }

    /// <summary><c>require</c> (allow rules only): what the identity must meet, beyond the rule's match and conditions.</summary>
    public RequirementFlags Requirements { get; }

    /// <summary>The public view for tools.</summary>
    public PolicyRule Info { get; }

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

    /// <summary>Everything but the route: cheap request checks first, then conditions (Kleene AND).</summary>
    public Truth Evaluate(RequestContext context, PolicyIdentity identity)
    {
        if (Methods.Length != 0 && !MatchesMethod(context.Method))
        {
            return Truth.False;
        }

        if (Hosts.Length != 0 && !MatchesHost(context.Host))
        {
            return Truth.False;
        }

        if (Paths.Length != 0 && !MatchesPath(context.Path))
        {
            return Truth.False;
        }

        return RuleCondition.All(Conditions, context, identity);
    }

    /// <summary>True only when the rule matches (an unevaluable rule does not).</summary>
    public bool Matches(RequestContext context, PolicyIdentity identity) => Evaluate(context, identity) == Truth.True;

    /// <summary>
    /// For explanations: the outcome and, unless matched, the first part that failed (or could not be evaluated, or the
    /// requirement the identity does not meet — checked last, as the evaluator does).
    /// </summary>
    public (RuleOutcome Outcome, string? Failed) Explain(RequestContext context, PolicyIdentity? identity)
    {
        var (truth, failed) = ExplainMatch(context, identity);
        if (truth == Truth.True && identity is not null && (Requirements & ~RequirementNames.Met(identity)) is var unmet and not RequirementFlags.None)
        {
            return (RuleOutcome.RequirementNotMet, $"require: {RuleCondition.List(RequirementNames.ToNames(Requirements))}: {RequirementNames.DescribeUnmet(unmet)}");
        }

        return truth switch
        {
            Truth.True => (RuleOutcome.Matched, null),
            Truth.Error => (RuleOutcome.NotEvaluable, failed),
            _ => (RuleOutcome.NotMatched, failed),
        };
    }

    private (Truth Outcome, string? Failed) ExplainMatch(RequestContext context, PolicyIdentity? identity)
    {
        if (!MatchesRoute(context.RouteId))
        {
            return (Truth.False, context.RouteId is null
                ? $"match.routes: the request has no route; the rule needs {RuleCondition.List(Routes)}"
                : $"match.routes: '{context.RouteId}' is not one of {RuleCondition.List(Routes)}");
        }

        if (Methods.Length != 0 && !MatchesMethod(context.Method))
        {
            return (Truth.False, $"match.methods: '{context.Method}' is not one of {RuleCondition.List(Methods)}");
        }

        if (Hosts.Length != 0 && !MatchesHost(context.Host))
        {
            return (Truth.False, $"match.hosts: '{context.Host}' matches none of {RuleCondition.List(Hosts.Select(h => h.Text))}");
        }

        if (Paths.Length != 0 && !MatchesPath(context.Path))
        {
            return (Truth.False, $"match.paths: '{context.Path}' matches none of {RuleCondition.List(Paths.Select(p => p.Text))}");
        }

        if (identity is null)
        {
            return (Truth.False, "the request is anonymous: no rule matches it");
        }

        string? firstError = null;
        foreach (var condition in Conditions)
        {
            var truth = condition.Evaluate(context, identity);
            if (truth == Truth.False)
            {
                return (Truth.False, condition.Describe());
            }

            if (truth == Truth.Error)
            {
                firstError ??= condition.Describe() + " (cannot be evaluated)";
            }
        }

        return firstError is null ? (Truth.True, null) : (Truth.Error, firstError);
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
