using PolicyCore.Model;

namespace PolicyCore.Compilation;

/// <summary>
/// <c>trust_domains</c>, <c>issuers</c>, <c>auth_methods</c>: one identity attribute equals any of the values
/// (a missing attribute cannot be evaluated).
/// </summary>
internal sealed class StringSetCondition(IdentityAttribute attribute, string[] values, StringComparison comparison) : RuleCondition
{
    public IdentityAttribute Attribute { get; } = attribute;

    public override Truth Evaluate(RequestContext context, PolicyIdentity identity)
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
            return Truth.Error;
        }

        foreach (var value in values)
        {
            if (string.Equals(actual, value, comparison))
            {
                return Truth.True;
            }
        }

        return Truth.False;
    }

    public override string Describe() => Attribute switch
    {
        IdentityAttribute.TrustDomain => "trust_domains: ",
        IdentityAttribute.Issuer => "issuers: ",
        _ => "auth_methods: ",
    } + List(values);
}
