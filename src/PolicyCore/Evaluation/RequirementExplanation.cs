using PolicyCore.Model;

namespace PolicyCore.Evaluation;

/// <summary>
/// One route requirement for one request: the requirement, the rule id a decision carries when it denies
/// (<see cref="PolicyRequirement.DeciderId"/> for the request's route), whether the identity meets it and, if not, why.
/// </summary>
public sealed record RequirementExplanation(PolicyRequirement Requirement, string DeciderId, bool Met, string? FailedRequirement)
{
    public override string ToString() => Met ? $"{DeciderId}: met" : $"{DeciderId}: not met: {FailedRequirement}";
}
