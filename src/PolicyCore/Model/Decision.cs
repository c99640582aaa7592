namespace PolicyCore.Model;

/// <summary>The outcome of one evaluation: effect, deciding rule (null when none) and reason code.</summary>
public readonly record struct Decision(Effect Effect, string? RuleId, DecisionReason Reason)
{
    public bool IsAllowed => Effect == Effect.Allow;

    public static readonly Decision NoMatch = new(Effect.Deny, null, DecisionReason.NoMatchingRule);
    public static readonly Decision Unavailable = new(Effect.Deny, null, DecisionReason.PolicyUnavailable);
}
