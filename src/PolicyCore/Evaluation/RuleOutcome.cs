namespace PolicyCore.Evaluation;

/// <summary>How one rule fared for one request.</summary>
public enum RuleOutcome : byte
{
    /// <summary>Every part of the rule held.</summary>
    Matched = 0,
    /// <summary>Some part (route, method, host, path or a condition) was false.</summary>
    NotMatched = 1,
    /// <summary>No part was false, but a condition could not be evaluated (missing claim, label...): the rule does not match.</summary>
    NotEvaluable = 2,
    /// <summary>
    /// Every part of the allow rule held, but the identity does not meet the rule's <c>require</c> (e.g. the credential
    /// is not sender-constrained): the rule does not match. When no other allow rule matches, the decision names this
    /// rule with <c>sender_constraint_required</c>.
    /// </summary>
    RequirementNotMet = 3,
}
