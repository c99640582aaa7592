namespace PolicyCore.Model;

/// <summary>
/// A route requirement (top-level <c>requirements:</c>) as tools see it: every request on one of its routes must come
/// from an identity that meets <see cref="Requirements"/>, or it is denied before allow rules are consulted (a matching
/// deny rule still wins). Immutable; obtained from <see cref="PolicySet.Requirements"/>.
/// </summary>
public sealed class PolicyRequirement
{
    /// <summary>The prefix of the decision's rule id when the requirement has no <c>id</c>: <c>requirement:ROUTE</c>.</summary>
    public const string SyntheticIdPrefix = "requirement:";

    internal PolicyRequirement(
        string? id, string[] routes, string[] requirements, RuleMode mode, string? description, string file, int line, int column, int order)
    {
        Id = id;
        Routes = Array.AsReadOnly(routes);
        Requirements = Array.AsReadOnly(requirements);
        Mode = mode;
        Description = description;
        File = file;
        Line = line;
        Column = column;
        Order = order;
    }

    /// <summary>The <c>id</c> as written, or null (the decision then says <c>requirement:ROUTE</c>).</summary>
    public string? Id { get; }

    /// <summary>The route ids it applies to (never empty).</summary>
    public IReadOnlyList<string> Routes { get; }

    /// <summary>The requirement names, e.g. <c>sender_constrained</c>.</summary>
    public IReadOnlyList<string> Requirements { get; }

    /// <summary><see cref="RuleMode.Shadow"/> when the requirement or its file says <c>mode: shadow</c>: reported, never enforced.</summary>
    public RuleMode Mode { get; }

    public string? Description { get; }

    /// <summary>The file as given to the loader, and the 1-based line and column of the requirement's first key.</summary>
    public string File { get; }

    public int Line { get; }

    public int Column { get; }

    /// <summary>Position among the requirements in load order (files in the order given, entries in file order), from 0.</summary>
    public int Order { get; }

    /// <summary>The rule id a decision carries when this requirement denies a request on <paramref name="routeId"/>.</summary>
    public string DeciderId(string routeId) => Id ?? SyntheticIdPrefix + routeId;

    public override string ToString()
        => $"{Id ?? SyntheticIdPrefix + string.Join(",", Routes)} ({(Mode == RuleMode.Shadow ? "shadow " : "")}require [{string.Join(", ", Requirements)}] on [{string.Join(", ", Routes)}], {File}:{Line}:{Column})";
}
