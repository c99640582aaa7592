using System.Security.Cryptography;
using Gateway.Observability;
using Microsoft.Extensions.Logging;

namespace Gateway.Identity.ApiKeys;

/// <summary>
/// An API key → <see cref="WorkloadIdentity"/> (<c>auth_method: api_key</c>), or a reason. Order:
/// <list type="number">
/// <item>keys off or no store loaded → <see cref="AuthFailure.ApiKeysUnavailable"/>;</item>
/// <item>not the exact key shape (<see cref="ApiKeyFormat.IsWellFormed"/>) → <see cref="AuthFailure.ApiKeyInvalid"/>
/// (counted as <c>malformed</c>; the wire code is the same as an unknown key so a client learns nothing from it, and
/// <c>malformed_token</c> would describe a JWT);</item>
/// <item>the SHA-256 of the presented key is compared with <see cref="CryptographicOperations.FixedTimeEquals"/> against
/// the entry of its id — or, for an unknown id, against a dummy hash, so both cases do the same work — and an unknown
/// id or a wrong secret both give <see cref="AuthFailure.ApiKeyInvalid"/> (ids cannot be probed);</item>
/// <item>only once the secret matched: revoked, then expired, then route not allowed.</item>
/// </list>
/// Never logs a key or a hash. A refusal of a key whose secret matched (a client still using a retired key) is logged
/// with the key id, at most once a second per key.
/// </summary>
internal sealed partial class ApiKeyAuthenticator
{
    public const string Issuer = "api-key";
    public const string IssuerName = "api-keys";

    /// <summary>Compared against when the id is unknown: random, so it matches no key.</summary>
    private static readonly byte[] DummyHash = RandomNumberGenerator.GetBytes(ApiKeyHash.Length);

    private readonly ApiKeyStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<ApiKeyAuthenticator> _logger;
    private readonly Prometheus.Counter.Child _success;
    private readonly Prometheus.Counter.Child _malformed;
    private readonly Prometheus.Counter.Child _invalid;
    private readonly Prometheus.Counter.Child _revoked;
    private readonly Prometheus.Counter.Child _expired;
    private readonly Prometheus.Counter.Child _routeNotAllowed;
    private readonly Prometheus.Counter.Child _unavailable;

    public ApiKeyAuthenticator(ApiKeyStore store, GatewayMetrics metrics, ILogger<ApiKeyAuthenticator> logger, TimeProvider time)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _success = metrics.ApiKeyAuth.WithLabels("success");
        _malformed = metrics.ApiKeyAuth.WithLabels("malformed");
        _invalid = metrics.ApiKeyAuth.WithLabels(AuthFailure.ApiKeyInvalid.ToCode());
        _revoked = metrics.ApiKeyAuth.WithLabels(AuthFailure.ApiKeyRevoked.ToCode());
        _expired = metrics.ApiKeyAuth.WithLabels(AuthFailure.ApiKeyExpired.ToCode());
        _routeNotAllowed = metrics.ApiKeyAuth.WithLabels(AuthFailure.ApiKeyRouteNotAllowed.ToCode());
        _unavailable = metrics.ApiKeyAuth.WithLabels(AuthFailure.ApiKeysUnavailable.ToCode());
    }

    /// <summary>Checks a presented key for a request on <paramref name="routeId"/> (the matched YARP route; null
    /// is allowed only by a key whose routes are <c>*</c>). A success allocates nothing: the identity is the entry's.</summary>
    public AuthResult Authenticate(ReadOnlySpan<char> presentedKey, string? routeId)
    {
        var snapshot = _store.Current;
        if (snapshot is null)
        {
            _unavailable.Inc();
            return AuthResult.Fail(AuthFailure.ApiKeysUnavailable, IssuerName);
        }

        if (!ApiKeyFormat.IsWellFormed(presentedKey))
        {
            _malformed.Inc();
            return AuthResult.Fail(AuthFailure.ApiKeyInvalid, IssuerName);
        }

        Span<byte> hash = stackalloc byte[ApiKeyHash.Length];
        ApiKeyHash.Compute(presentedKey, hash);
        var found = snapshot.TryGet(ApiKeyFormat.IdOf(presentedKey), out var entry);
        // Always one fixed-time comparison, also for an unknown id; the result is used only after it ran.
        var matches = CryptographicOperations.FixedTimeEquals(found ? entry!.Hash : DummyHash, hash);
        if (!found || !matches)
        {
            _invalid.Inc();
            return AuthResult.Fail(AuthFailure.ApiKeyInvalid, IssuerName, ApiKeyHash.ShortHandle(hash));
        }

        var now = _time.GetUtcNow();
        var failure = entry!.Revoked is not null ? AuthFailure.ApiKeyRevoked
            : now >= entry.Expires ? AuthFailure.ApiKeyExpired
            : !entry.AllowsRoute(routeId) ? AuthFailure.ApiKeyRouteNotAllowed
            : AuthFailure.None;
        if (failure != AuthFailure.None)
        {
            (failure switch
            {
                AuthFailure.ApiKeyRevoked => _revoked,
                AuthFailure.ApiKeyExpired => _expired,
                _ => _routeNotAllowed,
            }).Inc();
            if (entry.Usage.MarkRefused(now))
            {
                Log.KeyRefused(_logger, entry.Id, entry.Owner, failure.ToCode());
            }

            return AuthResult.Fail(failure, IssuerName, entry.TokenHash);
        }

        entry.Usage.MarkUsed(now);
        _success.Inc();
        return new AuthResult(entry.Identity, AuthFailure.None, IssuerName, entry.TokenHash);
    }

    private static partial class Log
    {
        [LoggerMessage(Observability.EventIds.ApiKeyRefused, LogLevel.Warning,
            "API key {KeyId} (owner {Owner}) was presented with its correct secret and refused: {Reason}")]
        public static partial void KeyRefused(ILogger logger, string keyId, string owner, string reason);
    }
}
