using System.Collections.Frozen;
using Gateway.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Identity;

/// <summary>One trusted issuer as the hot path reads it: its checks, prebuilt, and its key manager.</summary>
internal sealed class IssuerRuntime
{
    /// <summary>
    /// Most keys a token that names none (no <c>kid</c>) is tried against: an issuer's current, next and previous key.
    /// Each try is a signature verification on the request's thread, and a forged token costs every one of them, so an
    /// issuer that publishes more keys of the token's type must name the key; such a token is refused
    /// (<see cref="AuthFailure.KeyIdRequired"/>) without a single verification.
    /// </summary>
    public const int MaxKeysWithoutKid = 3;

    private readonly Lock _gate = new();
    private KeyParameters? _parameters;
    private KeyParameters? _previous;

    public IssuerRuntime(IssuerOptions options, IssuerKeyManager keys)
    {
        Options = options;
        Name = options.Name;
        Issuer = options.Issuer;
        Audiences = options.Audiences.ToArray();
        Algorithms = (options.Algorithms.Count == 0 ? GatewayConfigLoader.DefaultAlgorithms : options.Algorithms)
            .ToFrozenSet(StringComparer.Ordinal);
        ClockSkew = options.ClockSkew;
        MaxLifetime = options.MaxTokenLifetime;
        RequiredClaims = options.RequiredClaims.ToArray();
        TrustDomains = options.TrustDomains.ToFrozenSet(StringComparer.Ordinal);
        Keys = keys;
        EdDsaParameters = Base();
        EdDsaParameters.SignatureValidator = static (token, _) => new JsonWebToken(token);
        keys.Preparing = set => For(set);
        if (keys.Current is { } installed)
        {
            For(installed);
        }
    }

    /// <summary>What the user wrote, to tell on reload whether this issuer changed.</summary>
    public IssuerOptions Options { get; }

    public string Name { get; }
    public string Issuer { get; }
    public string[] Audiences { get; }
    public FrozenSet<string> Algorithms { get; }
    public TimeSpan ClockSkew { get; }
    public TimeSpan MaxLifetime { get; }
    public string[] RequiredClaims { get; }
    public FrozenSet<string> TrustDomains { get; }
    public IssuerKeyManager Keys { get; }

    /// <summary>Parameters for tokens whose Ed25519 signature the gateway has already verified with NSec.</summary>
    public TokenValidationParameters EdDsaParameters { get; }

    /// <summary>Validation parameters that verify with exactly this key: a token that names a key (<c>kid</c>) is
    /// checked against that key alone, never against the issuer's others (built once per key set).</summary>
    public TokenValidationParameters ParametersFor(IssuerKeySet keys, IssuerKey key) => For(keys).ByKey[key];

    /// <summary>The keys a token of this algorithm that names no key may have been signed with: the issuer's keys of
    /// the algorithm's type (RSA for RS*/PS*, the curve for ES*, Ed25519 for EdDSA). Empty when none fits.</summary>
    public IssuerKey[] CandidatesWithoutKid(IssuerKeySet keys, string alg)
        => For(keys).WithoutKid.TryGetValue(alg, out var c) ? c.Keys : [];

    /// <summary>Validation parameters for a token without <c>kid</c>: its candidates, tried in turn; null when there
    /// are more than <see cref="MaxKeysWithoutKid"/> (or none) and the token must be refused unverified.</summary>
    public TokenValidationParameters? ParametersWithoutKid(IssuerKeySet keys, string alg)
        => For(keys).WithoutKid.TryGetValue(alg, out var c) ? c.Parameters : null;

    /// <summary>Whether the validation parameters of this key set are built (they are built when the key manager
    /// installs it, so a request never builds them; for tests).</summary>
    internal bool IsPrepared(IssuerKeySet keys)
        => (Volatile.Read(ref _parameters) is { } p && ReferenceEquals(p.Keys, keys))
           || (Volatile.Read(ref _previous) is { } q && ReferenceEquals(q.Keys, keys));

    private KeyParameters For(IssuerKeySet keys)
    {
        var p = Volatile.Read(ref _parameters);
        if (p is not null && ReferenceEquals(p.Keys, keys))
        {
            return p;
        }

        // Requests that read the key set just before a refresh installed the next one still use it for a moment: the
        // previous set's parameters are kept, so they are not rebuilt (on a request) while the new set is prepared.
        var previous = Volatile.Read(ref _previous);
        if (previous is not null && ReferenceEquals(previous.Keys, keys))
        {
            return previous;
        }

        var built = new KeyParameters(this, keys);
        lock (_gate)
        {
            Volatile.Write(ref _previous, Volatile.Read(ref _parameters));
            Volatile.Write(ref _parameters, built);
        }

        return built;
    }

    /// <summary>Everything the hot path needs for one key set, built when the key manager installs the set (and, should
    /// a request ever see a set before that, on its first use).</summary>
    private sealed class KeyParameters
    {
        public KeyParameters(IssuerRuntime issuer, IssuerKeySet keys)
        {
            Keys = keys;
            var algorithms = issuer.Algorithms.Where(a => a != "EdDSA").ToArray();
            var byKey = new Dictionary<IssuerKey, TokenValidationParameters>(ReferenceEqualityComparer.Instance);
            foreach (var key in keys.All)
            {
                if (key.SecurityKey is not null)
                {
                    byKey[key] = issuer.Parameters([key.SecurityKey], algorithms);
                }
            }

            var withoutKid = new Dictionary<string, (IssuerKey[], TokenValidationParameters?)>(StringComparer.Ordinal);
            foreach (var alg in issuer.Algorithms)
            {
                var candidates = Array.FindAll(keys.All, k => Fits(k, alg));
                var parameters = candidates.Length is 0 or > MaxKeysWithoutKid || alg == "EdDSA"
                    ? null
                    : issuer.Parameters(candidates.Select(k => k.SecurityKey!).ToArray(), algorithms);
                withoutKid[alg] = (candidates, parameters);
            }

            ByKey = byKey.ToFrozenDictionary(ReferenceEqualityComparer.Instance);
            WithoutKid = withoutKid.ToFrozenDictionary(StringComparer.Ordinal);
        }

        public IssuerKeySet Keys { get; }
        public FrozenDictionary<IssuerKey, TokenValidationParameters> ByKey { get; }
        public FrozenDictionary<string, (IssuerKey[] Keys, TokenValidationParameters? Parameters)> WithoutKid { get; }

        private static bool Fits(IssuerKey key, string alg) => alg switch
        {
            "EdDSA" => key.Ed25519 is not null,
            "RS256" or "RS384" or "RS512" or "PS256" or "PS384" or "PS512" => key.SecurityKey is RsaSecurityKey,
            "ES256" => key.SecurityKey is ECDsaSecurityKey { KeySize: 256 },
            "ES384" => key.SecurityKey is ECDsaSecurityKey { KeySize: 384 },
            "ES512" => key.SecurityKey is ECDsaSecurityKey { KeySize: 521 },
            _ => false,
        };
    }

    private TokenValidationParameters Parameters(SecurityKey[] keys, string[] algorithms)
    {
        var tvp = Base();
        tvp.IssuerSigningKeys = keys;
        tvp.ValidAlgorithms = algorithms;
        tvp.TryAllIssuerSigningKeys = true;
        return tvp;
    }

    private TokenValidationParameters Base() => new()
    {
        ValidIssuer = Issuer,
        ValidateIssuer = true,
        ValidAudiences = Audiences,
        ValidateAudience = true,
        // Lifetime is checked by the gateway itself, with its TimeProvider and its own reason codes.
        ValidateLifetime = false,
        RequireExpirationTime = false,
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = false,
        SaveSigninToken = false,
        ValidateTokenReplay = false,
        ClockSkew = ClockSkew,
    };
}
