namespace PolicyCore.Model;

/// <summary>
/// The outcome of one evaluation: effect, deciding rule (null when none) and reason code; plus what shadow rules
/// would have decided, the deciding allow rule's obligations, and whether some examined rule could not be evaluated.
/// A value type: producing one allocates nothing.
/// </summary>
public readonly record struct Decision(Effect Effect, string? RuleId, DecisionReason Reason)
{
    public bool IsAllowed => Effect == Effect.Allow;

    /// <summary>
    /// The effect the policy would have had if every shadow rule were enforced — set only when a shadow rule would
    /// then be the deciding rule (otherwise null: shadow rules change nothing for this request).
    /// </summary>
    public Effect? ShadowEffect { get; init; }

    /// <summary>The shadow rule that would have decided (see <see cref="ShadowEffect"/>), or null.</summary>
    public string? ShadowRuleId { get; init; }

    /// <summary>True when shadow rules would flip the effect of this decision ("would deny" / "would allow").</summary>
    public bool ShadowFlipsEffect => ShadowEffect is { } shadow && shadow != Effect;

    /// <summary>The obligations of the deciding allow rule; null for a deny or a rule without obligations.</summary>
    public RuleObligations? Obligations { get; init; }

    /// <summary>
    /// How many of the examined enforced rules could not be evaluated (missing claim, label, SPIFFE segment, wrong claim
    /// shape, no header access) and therefore did not match. Examined: deny rules in load order up to the first match;
    /// when no deny matched, also allow rules up to the first match. Rules the index rules out are never counted.
    /// </summary>
    public int UnevaluableRuleCount { get; init; }

    /// <summary>The first examined rule that could not be evaluated, or null (see <see cref="UnevaluableRuleCount"/>).</summary>
    public string? UnevaluableRuleId { get; init; }

    public static readonly Decision NoMatch = new(Effect.Deny, null, DecisionReason.NoMatchingRule);
    public static readonly Decision Unavailable = new(Effect.Deny, null, DecisionReason.PolicyUnavailable);
}
