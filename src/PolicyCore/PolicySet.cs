using PolicyCore.Compilation;
using PolicyCore.Model;

namespace PolicyCore;

/// <summary>
/// A compiled, immutable policy snapshot: safe to share between threads and to swap atomically
/// (<c>Interlocked.Exchange</c>). Built only by <see cref="PolicyLoader"/>.
/// </summary>
public sealed class PolicySet
{
    private readonly string[] _ruleIds;
    private readonly Dictionary<string, PolicyRule> _byId;
    private readonly Dictionary<string, RuleCondition[][]> _roles;
    private readonly Dictionary<string, PolicyRequirement> _requirementsByDecider;

    internal PolicySet(
        long revision, string[] sourceFiles, CompiledRule[] rules, Dictionary<string, RuleCondition[][]>? roles = null,
        PolicyRequirement[]? requirements = null, RouteRequirement[]? routeRequirements = null)
    {
        Revision = revision;
        SourceFiles = Array.AsReadOnly(sourceFiles);
        CompiledRules = rules;
        Index = RuleIndex.Build(rules, routeRequirements);
        Requirements = Array.AsReadOnly(requirements ?? []);
        _requirementsByDecider = new Dictionary<string, PolicyRequirement>(StringComparer.Ordinal);
        foreach (var routeRequirement in routeRequirements ?? [])
        {
            _requirementsByDecider.TryAdd(routeRequirement.DeciderId, routeRequirement.Info);
            HasShadowRequirements |= routeRequirement.IsShadow;
        }

        _ruleIds = new string[rules.Length];
        var infos = new PolicyRule[rules.Length];
        _byId = new Dictionary<string, PolicyRule>(rules.Length, StringComparer.Ordinal);
        for (var i = 0; i < rules.Length; i++)
        {
            _ruleIds[i] = rules[i].Id;
            infos[i] = rules[i].Info;
            _byId.TryAdd(rules[i].Id, rules[i].Info);
            HasShadowRules |= rules[i].IsShadow;
        }

        RuleIds = Array.AsReadOnly(_ruleIds);
        Rules = Array.AsReadOnly(infos);
        _roles = roles ?? new Dictionary<string, RuleCondition[][]>(StringComparer.Ordinal);
        var roleNames = new List<string>(_roles.Keys);
        roleNames.Sort(StringComparer.Ordinal);
        RoleNames = roleNames.AsReadOnly();
    }

    /// <summary>The revision the caller gave when loading (e.g. a reload counter), for logs and audit.</summary>
    public long Revision { get; }

    public int RuleCount => CompiledRules.Length;

    /// <summary>The files this snapshot was compiled from, in load order.</summary>
    public IReadOnlyList<string> SourceFiles { get; }

    /// <summary>Rule ids in load order (files in the order given, rules in file order).</summary>
    public IReadOnlyList<string> RuleIds { get; }

    /// <summary>Every compiled rule in load order, with its source location, mode and what it matches.</summary>
    public IReadOnlyList<PolicyRule> Rules { get; }

    /// <summary>The names of every role defined by the loaded files, sorted.</summary>
    public IReadOnlyList<string> RoleNames { get; }

    /// <summary>True when some rule is in shadow mode.</summary>
    public bool HasShadowRules { get; }

    /// <summary>Every route requirement (top-level <c>requirements</c>) in load order.</summary>
    public IReadOnlyList<PolicyRequirement> Requirements { get; }

    /// <summary>True when some route requirement is in shadow mode.</summary>
    public bool HasShadowRequirements { get; }

    /// <summary>
    /// The route requirement a decision's rule id names (its <c>id</c>, or <c>requirement:ROUTE</c> for one without),
    /// or null. A decision with <see cref="DecisionReason.SenderConstraintRequired"/> names either such a requirement or
    /// an allow rule (<see cref="FindRule"/>).
    /// </summary>
    public PolicyRequirement? FindRequirement(string deciderId)
        => deciderId is not null && _requirementsByDecider.TryGetValue(deciderId, out var requirement) ? requirement : null;

    /// <summary>True when a rule with this id exists (ordinal).</summary>
    public bool ContainsRule(string ruleId) => Array.IndexOf(_ruleIds, ruleId) >= 0;

    /// <summary>The rule with this id, or null.</summary>
    public PolicyRule? FindRule(string ruleId) => ruleId is not null && _byId.TryGetValue(ruleId, out var rule) ? rule : null;

    /// <summary>
    /// The roles the identity holds in this request's context (grants are identity conditions, so only the identity
    /// matters; a grant that cannot be evaluated does not grant). For tools; allocates.
    /// </summary>
    public IReadOnlyList<string> RolesOf(PolicyIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var context = new RequestContext(identity, null, "", "GET", "/", DateTimeOffset.UnixEpoch);
        var result = new List<string>();
        foreach (var name in RoleNames)
        {
            if (RuleCondition.Any(_roles[name], context, identity) == Truth.True)
            {
                result.Add(name);
            }
        }

        return result;
    }

    internal CompiledRule[] CompiledRules { get; }

    internal RuleIndex Index { get; }
}
