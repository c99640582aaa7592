using PolicyCore.Model;

namespace PolicyCore.Compilation;

/// <summary><c>subjects</c>: the identity's subject matches any of the patterns.</summary>
internal sealed class SubjectCondition(IdentityPattern[] patterns) : RuleCondition
{
    public override Truth Evaluate(RequestContext context, PolicyIdentity identity)
    {
        var subject = identity.Subject;
        if (subject is null)
        {
            return Truth.Error;
        }

        foreach (var pattern in patterns)
        {
            if (pattern.Matches(subject))
            {
                return Truth.True;
            }
        }

        return Truth.False;
    }

    public override string Describe() => "subjects: " + List(patterns.Select(p => p.Text));
}
