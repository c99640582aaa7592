using PolicyCore.Model;

namespace PolicyCore.Evaluation;

/// <summary>One rule's outcome for one request: matched, or the first part that failed (or could not be evaluated).</summary>
public sealed record RuleExplanation(PolicyRule Rule, RuleOutcome Outcome, string? FailedCondition)
{
    public bool Matched => Outcome == RuleOutcome.Matched;

    public override string ToString()
        => Outcome == RuleOutcome.Matched ? $"{Rule.Id}: matched" : $"{Rule.Id}: {(Outcome == RuleOutcome.NotEvaluable ? "not evaluable" : "no match")}: {FailedCondition}";
}
