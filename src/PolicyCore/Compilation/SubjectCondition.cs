using PolicyCore.Model;

namespace PolicyCore.Compilation;

/// <summary><c>subjects</c>: the identity's subject matches any of the patterns.</summary>
internal sealed class SubjectCondition(IdentityPattern[] patterns) : RuleCondition
{
    public override bool Matches(RequestContext context, PolicyIdentity identity)
    {
        var subject = identity.Subject;
        foreach (var pattern in patterns)
        {
            if (pattern.Matches(subject))
            {
                return true;
            }
        }

        return false;
    }
}
