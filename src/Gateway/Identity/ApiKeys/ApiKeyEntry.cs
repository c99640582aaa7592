using System.Collections.Frozen;

namespace Gateway.Identity.ApiKeys;

/// <summary>
/// One key of a loaded store: everything but the key itself. Immutable, except its <see cref="Usage"/> times. The
/// identity a successful match yields is built once, here, so a request allocates none.
/// </summary>
internal sealed class ApiKeyEntry
{
    public const string AllRoutes = "*";

    private readonly byte[] _hash;
    private readonly FrozenSet<string> _routeSet;

    public ApiKeyEntry(string id, byte[] hash, string owner, IReadOnlyList<string> routes, IReadOnlyList<string> roles,
        DateTimeOffset created, DateTimeOffset expires, DateTimeOffset? revoked, ApiKeyUsage usage)
    {
        if (hash.Length != ApiKeyHash.Length)
        {
            throw new ArgumentException("an API key hash has 32 bytes", nameof(hash));
        }

        Id = id;
        _hash = hash;
        Owner = owner;
        Routes = routes;
        Roles = roles;
        Created = created;
        Expires = expires;
        Revoked = revoked;
        Usage = usage;
        AllowsEveryRoute = routes.Contains(AllRoutes);
        _routeSet = routes.ToFrozenSet(StringComparer.Ordinal);
        TokenHash = ApiKeyHash.ShortHandle(hash);

        var claims = new Dictionary<string, string[]>(StringComparer.Ordinal) { ["api_key_id"] = [id] };
        if (roles.Count > 0)
        {
            claims["roles"] = [.. roles];
        }

        Identity = new WorkloadIdentity(owner, ApiKeyAuthenticator.Issuer, ApiKeyAuthenticator.IssuerName,
            WorkloadIdentity.ApiKeyAuthMethod, SpiffeId.TryParse(owner, out var spiffe) ? spiffe : null,
            tokenId: id, tokenHash: TokenHash, expires: expires, claims: claims.ToFrozenDictionary(StringComparer.Ordinal));
    }

    public string Id { get; }
    public string Owner { get; }
    /// <summary>Route ids the key may be used on; <c>*</c> (written explicitly) is every route.</summary>
    public IReadOnlyList<string> Routes { get; }
    public IReadOnlyList<string> Roles { get; }
    public DateTimeOffset Created { get; }
    public DateTimeOffset Expires { get; }
    public DateTimeOffset? Revoked { get; }
    public bool AllowsEveryRoute { get; }
    /// <summary>The audit handle of the key (see <see cref="ApiKeyHash.ShortHandle"/>).</summary>
    public string TokenHash { get; }
    /// <summary>The identity a request with this key gets; the same instance every time.</summary>
    public WorkloadIdentity Identity { get; }
    public ApiKeyUsage Usage { get; }

    /// <summary>The SHA-256 of the key. Compare only with <see cref="System.Security.Cryptography.CryptographicOperations.FixedTimeEquals"/>;
    /// never log or show it.</summary>
    public ReadOnlySpan<byte> Hash => _hash;

    /// <summary>A request on no route at all is allowed only by <c>*</c>.</summary>
    public bool AllowsRoute(string? routeId) => AllowsEveryRoute || (routeId is not null && _routeSet.Contains(routeId));

    public ApiKeyStatus StatusAt(DateTimeOffset now)
        => Revoked is not null ? ApiKeyStatus.Revoked : now >= Expires ? ApiKeyStatus.Expired : ApiKeyStatus.Active;
}
