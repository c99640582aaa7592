using PolicyCore.Model;

namespace PolicyCore.Evaluation;

/// <summary>The result of <see cref="PolicyEvaluator.Explain"/>: the decision and every rule's outcome, in load order.</summary>
public sealed class PolicyExplanation
{
    internal PolicyExplanation(Decision decision, List<RuleExplanation> rules)
    {
        Decision = decision;
        Rules = rules.AsReadOnly();
        var matched = new List<RuleExplanation>();
        foreach (var rule in rules)
        {
            if (rule.Matched)
            {
                matched.Add(rule);
            }
        }

        Matched = matched.AsReadOnly();
    }

    /// <summary>Exactly what <see cref="PolicyEvaluator.Evaluate"/> returns for the same inputs.</summary>
    public Decision Decision { get; }

    /// <summary>Every rule of the policy, in load order (enforced and shadow).</summary>
    public IReadOnlyList<RuleExplanation> Rules { get; }

    /// <summary>The rules that matched (enforced and shadow), in load order.</summary>
    public IReadOnlyList<RuleExplanation> Matched { get; }
}
