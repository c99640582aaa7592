using PolicyCore.Model;

namespace Gateway.Identity;

/// <summary>A verified workload identity: the only thing policy and upstreams learn about the caller.</summary>
public sealed class WorkloadIdentity
{
    public WorkloadIdentity(string id, string issuer, string issuerName, string authMethod, SpiffeId? spiffe,
        string? tokenId, string tokenHash, DateTimeOffset expires, IReadOnlyDictionary<string, string[]> claims)
    {
        Id = id;
        Issuer = issuer;
        IssuerName = issuerName;
        AuthMethod = authMethod;
        Spiffe = spiffe;
        TokenId = tokenId;
        TokenHash = tokenHash;
        Expires = expires;
        Policy = new PolicyIdentity(id, issuer, authMethod, spiffe?.ToString(), spiffe?.TrustDomain, claims);
    }

    /// <summary>The identity id: the SPIFFE id when the subject is one, else the subject.</summary>
    public string Id { get; }
    public string Issuer { get; }
    public string IssuerName { get; }
    public string AuthMethod { get; }
    public SpiffeId? Spiffe { get; }
    /// <summary>The token's <c>jti</c>, if any.</summary>
    public string? TokenId { get; }
    /// <summary>A short hash of the token for audit (never the token).</summary>
    public string TokenHash { get; }
    public DateTimeOffset Expires { get; }
    /// <summary>The identity as policy sees it.</summary>
    public PolicyIdentity Policy { get; }
}
