using PolicyCore.Model;

namespace PolicyCore.Compilation;

/// <summary>
/// <c>trust_domains</c>, <c>issuers</c>, <c>auth_methods</c>: one identity attribute equals any of the values
/// (a missing attribute never matches).
/// </summary>
internal sealed class StringSetCondition(IdentityAttribute attribute, string[] values, StringComparison comparison) : RuleCondition
{
    public IdentityAttribute Attribute { get; } = attribute;

    public override bool Matches(RequestContext context, PolicyIdentity identity)
    {
        var actual = Attribute switch
        {
            IdentityAttribute.TrustDomain => identity.TrustDomain,
            IdentityAttribute.Issuer => identity.Issuer,
            IdentityAttribute.AuthMethod => identity.AuthMethod,
            _ => null,
        };

        if (actual is null)
        {
            return false;
        }

        foreach (var value in values)
        {
            if (string.Equals(actual, value, comparison))
            {
                return true;
            }
        }

        return false;
    }
}
