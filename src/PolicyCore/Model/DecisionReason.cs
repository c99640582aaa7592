namespace PolicyCore.Model;

/// <summary>
/// Stable reason codes for a policy decision. The wire form (<see cref="DecisionReasonExtensions.ToCode"/>)
/// is snake_case and never changes once published.
/// </summary>
public enum DecisionReason : byte
{
    /// <summary>An allow rule matched and no deny rule did.</summary>
    AllowedByRule = 0,
    /// <summary>No rule matched: default deny.</summary>
    NoMatchingRule = 1,
    /// <summary>A deny rule matched (deny overrides allow).</summary>
    DeniedByRule = 2,
    /// <summary>No policy snapshot is loaded, or evaluation failed: fail closed.</summary>
    PolicyUnavailable = 3,
    /// <summary>
    /// The route, or the only allow rules that would have matched, require a sender-constrained credential (bound to
    /// its holder: mTLS client certificate, certificate-bound or DPoP token) and the caller presented a plain bearer
    /// credential. The rule id is the requirement (a route requirement) or the first such allow rule.
    /// </summary>
    SenderConstraintRequired = 4,
}

public static class DecisionReasonExtensions
{
    public static string ToCode(this DecisionReason reason) => reason switch
    {
        DecisionReason.AllowedByRule => "allowed_by_rule",
        DecisionReason.NoMatchingRule => "no_matching_rule",
        DecisionReason.DeniedByRule => "denied_by_rule",
        DecisionReason.PolicyUnavailable => "policy_unavailable",
        DecisionReason.SenderConstraintRequired => "sender_constraint_required",
        _ => "policy_unavailable",
    };
}
