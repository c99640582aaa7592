using Microsoft.IdentityModel.Tokens;

namespace Gateway.Identity;

/// <summary>Where an issuer's keys come from: a JWKS file, a JWKS URL, or OIDC discovery.</summary>
internal abstract class KeySetSource
{
    public abstract string Describe();

    /// <summary>Fetches the current key set. Throws on any failure; the caller keeps its last good keys.</summary>
    public abstract Task<JsonWebKeySet> FetchAsync(CancellationToken cancellationToken);
}
