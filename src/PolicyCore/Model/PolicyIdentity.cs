namespace PolicyCore.Model;

/// <summary>
/// The verified identity as policy sees it. Built by the gateway after authentication; never from
/// unverified input.
/// </summary>
public sealed class PolicyIdentity
{
    public PolicyIdentity(
        string subject,
        string? issuer,
        string authMethod,
        string? spiffeId,
        string? trustDomain,
        IReadOnlyDictionary<string, string[]>? claims,
        bool senderConstrained = false)
    {
        SenderConstrained = senderConstrained;
        Subject = subject;
        Issuer = issuer;
        AuthMethod = authMethod;
        SpiffeId = spiffeId;
        TrustDomain = trustDomain;
        Claims = claims ?? EmptyClaims;
    }

    private static readonly IReadOnlyDictionary<string, string[]> EmptyClaims = new Dictionary<string, string[]>();

    /// <summary>The identity id: the SPIFFE id when there is one, else the token subject.</summary>
    public string Subject { get; }
    public string? Issuer { get; }
    /// <summary>How the identity was proven: <c>jwt</c>, <c>mtls</c>, <c>api_key</c>.</summary>
    public string AuthMethod { get; }
    public string? SpiffeId { get; }
    public string? TrustDomain { get; }
    /// <summary>True when the credential is bound to its holder (mTLS certificate, certificate-bound or DPoP token):
    /// a copy of it alone would not have been accepted.</summary>
    public bool SenderConstrained { get; }
    /// <summary>Claim values as strings; array claims hold every element, scalar claims one value.
    /// A space-separated <c>scope</c> claim is split into its scopes.</summary>
    public IReadOnlyDictionary<string, string[]> Claims { get; }
}
