using PolicyCore.Model;

namespace PolicyCore.Evaluation;

/// <summary>
/// The result of <see cref="PolicyEvaluator.Explain"/>: the decision, every rule's outcome in load order, and the route
/// requirements of the request's route.
/// </summary>
public sealed class PolicyExplanation
{
    internal PolicyExplanation(Decision decision, List<RuleExplanation> rules, List<RequirementExplanation>? requirements = null)
    {
        Decision = decision;
        Requirements = (requirements ?? []).AsReadOnly();
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

    /// <summary>The route requirements naming the request's route (enforced and shadow, load order), each met or not.</summary>
    public IReadOnlyList<RequirementExplanation> Requirements { get; }
}
