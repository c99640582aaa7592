using PolicyCore.Model;

namespace Gateway.Identity;

/// <summary>A verified workload identity: the only thing policy and upstreams learn about the caller.</summary>
public sealed class WorkloadIdentity
{
    public WorkloadIdentity(string id, string issuer, string issuerName, string authMethod, SpiffeId? spiffe,
        string? tokenId, string tokenHash, DateTimeOffset expires, IReadOnlyDictionary<string, string[]> claims,
        string? certificateThumbprint = null, string? dpopKeyThumbprint = null)
    {
        Id = id;
        Issuer = issuer;
        IssuerName = issuerName;
        AuthMethod = authMethod;
        Spiffe = spiffe;
        TokenId = tokenId;
        TokenHash = tokenHash;
        Expires = expires;
        CertificateThumbprint = certificateThumbprint;
        DpopKeyThumbprint = dpopKeyThumbprint;
        Binding = authMethod == MtlsAuthMethod ? IdentityBinding.Certificate
            : dpopKeyThumbprint is not null ? IdentityBinding.Dpop
            : certificateThumbprint is not null ? IdentityBinding.CertificateBoundToken
            : IdentityBinding.None;
        // A SPIFFE subject is the id itself: one string, not a second copy per cached identity.
        var spiffeText = spiffe?.ToString();
        Policy = new PolicyIdentity(id, issuer, authMethod, spiffeText == id ? id : spiffeText, spiffe?.TrustDomain, claims,
            senderConstrained: Binding != IdentityBinding.None);
    }

    public const string MtlsAuthMethod = "mtls";
    public const string ApiKeyAuthMethod = "api_key";

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
    /// <summary>The token's <c>cnf.x5t#S256</c> (base64url SHA-256 of the client certificate it is bound to), or null.</summary>
    public string? CertificateThumbprint { get; }
    /// <summary>The token's <c>cnf.jkt</c> (RFC 7638 thumbprint of the DPoP key it is bound to), or null.</summary>
    public string? DpopKeyThumbprint { get; }
    /// <summary>How the credential is tied to its holder. Anything but <see cref="IdentityBinding.None"/> means a
    /// copy of the credential alone is useless: the request also proved possession of a private key (the binding is
    /// checked on every request before the identity is used).</summary>
    public IdentityBinding Binding { get; }
    /// <summary>The identity as policy sees it.</summary>
    public PolicyIdentity Policy { get; }
}
