namespace PolicyCore.Model;

/// <summary>
/// A compiled rule as tools see it (CLI explain/reach/who/diff, audit): identity, source location and what it matches.
/// Immutable; obtained from <see cref="PolicySet.Rules"/>. The hot path does not read this type.
/// </summary>
public sealed class PolicyRule
{
    internal PolicyRule(
        string id, Effect effect, RuleMode mode, string? description, string file, int line, int column, int order,
        string[] routes, string[] methods, string[] hosts, string[] paths,
        IReadOnlyDictionary<string, IReadOnlyList<string>> labels, string[] roles, string[] identities, string[] conditions,
        RuleObligations? obligations, string[]? requirements = null)
    {
        Requirements = Array.AsReadOnly(requirements ?? []);
        Id = id;
        Effect = effect;
        Mode = mode;
        Description = description;
        File = file;
        Line = line;
        Column = column;
        Order = order;
        Routes = Array.AsReadOnly(routes);
        Methods = Array.AsReadOnly(methods);
        Hosts = Array.AsReadOnly(hosts);
        Paths = Array.AsReadOnly(paths);
        Labels = labels;
        Roles = Array.AsReadOnly(roles);
        Identities = Array.AsReadOnly(identities);
        Conditions = Array.AsReadOnly(conditions);
        Obligations = obligations;
    }

    public string Id { get; }

    public Effect Effect { get; }

    /// <summary><see cref="RuleMode.Shadow"/> when the rule or its file says <c>mode: shadow</c>.</summary>
    public RuleMode Mode { get; }

    public string? Description { get; }

    /// <summary>The file as given to the loader, and the 1-based line and column of the rule's first key.</summary>
    public string File { get; }

    public int Line { get; }

    public int Column { get; }

    /// <summary>Position in load order (files in the order given, rules in file order), from 0.</summary>
    public int Order { get; }

    /// <summary><c>match.routes</c>; empty = any route (and requests without a route).</summary>
    public IReadOnlyList<string> Routes { get; }

    /// <summary><c>match.methods</c>, upper-cased; empty = any.</summary>
    public IReadOnlyList<string> Methods { get; }

    /// <summary><c>match.hosts</c> patterns as written; empty = any.</summary>
    public IReadOnlyList<string> Hosts { get; }

    /// <summary><c>match.paths</c> patterns as written; empty = any. (Deny rules compare literals ignoring ASCII case.)</summary>
    public IReadOnlyList<string> Paths { get; }

    /// <summary><c>match.labels</c>: label name → accepted values; empty = any route labels.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Labels { get; }

    /// <summary>Roles named directly in <c>when.roles</c> (not those inside <c>not</c>/<c>any</c>/<c>all</c>).</summary>
    public IReadOnlyList<string> Roles { get; }

    /// <summary>Identity aliases named directly in <c>when.identities</c>.</summary>
    public IReadOnlyList<string> Identities { get; }

    /// <summary>Every compiled condition (match labels first, then <c>when</c>), in evaluation order, as readable text.</summary>
    public IReadOnlyList<string> Conditions { get; }

    /// <summary>Obligations of an allow rule, or null.</summary>
    public RuleObligations? Obligations { get; }

    /// <summary>
    /// <c>require</c> of an allow rule (e.g. <c>sender_constrained</c>); empty = none. The rule matches only identities
    /// that meet every one; otherwise its outcome is <see cref="Evaluation.RuleOutcome.RequirementNotMet"/>.
    /// </summary>
    public IReadOnlyList<string> Requirements { get; }

    public override string ToString() => $"{Id} ({(Mode == RuleMode.Shadow ? "shadow " : "")}{(Effect == Effect.Allow ? "allow" : "deny")}, {File}:{Line}:{Column})";
}
