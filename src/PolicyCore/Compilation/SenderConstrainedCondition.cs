using PolicyCore.Model;

namespace PolicyCore.Compilation;

/// <summary>
/// <c>sender_constrained: true|false</c>: whether the credential is bound to its holder (mTLS client certificate,
/// certificate-bound or DPoP token). Always known (the gateway sets it for every identity), so never an error.
/// </summary>
internal sealed class SenderConstrainedCondition(bool expected) : RuleCondition
{
    public override Truth Evaluate(RequestContext context, PolicyIdentity identity)
        => identity.SenderConstrained == expected ? Truth.True : Truth.False;

    public override string Describe() => expected ? "sender_constrained: true" : "sender_constrained: false";
}
