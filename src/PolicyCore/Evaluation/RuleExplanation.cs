using PolicyCore.Model;

namespace PolicyCore.Evaluation;

/// <summary>One rule's outcome for one request: matched, or the first part that failed (or could not be evaluated, or the unmet <c>require</c>).</summary>
public sealed record RuleExplanation(PolicyRule Rule, RuleOutcome Outcome, string? FailedCondition)
{
    public bool Matched => Outcome == RuleOutcome.Matched;

    public override string ToString()
        => Outcome switch
        {
            RuleOutcome.Matched => $"{Rule.Id}: matched",
            RuleOutcome.NotEvaluable => $"{Rule.Id}: not evaluable: {FailedCondition}",
            RuleOutcome.RequirementNotMet => $"{Rule.Id}: matched, but requirement not met: {FailedCondition}",
            _ => $"{Rule.Id}: no match: {FailedCondition}",
        };
}
