using Microsoft.IdentityModel.Tokens;

namespace Gateway.Identity;

/// <summary>One verification key of an issuer, validated before install.</summary>
internal sealed class IssuerKey
{
    public IssuerKey(string? keyId, string fingerprint, SecurityKey? securityKey, NSec.Cryptography.PublicKey? ed25519)
    {
        KeyId = keyId;
        Fingerprint = fingerprint;
        SecurityKey = securityKey;
        Ed25519 = ed25519;
    }

    public string? KeyId { get; }
    /// <summary>A hash of the public key material: a cached token stays valid only while this exact key is published.</summary>
    public string Fingerprint { get; }
    /// <summary>RSA or EC key, verified by Microsoft.IdentityModel.</summary>
    public SecurityKey? SecurityKey { get; }
    /// <summary>Ed25519 key, verified with NSec (Microsoft.IdentityModel drops OKP keys).</summary>
    public NSec.Cryptography.PublicKey? Ed25519 { get; }
}
