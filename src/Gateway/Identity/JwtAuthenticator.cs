using System.Collections.Frozen;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Identity;

/// <summary>
/// Bearer JWT → <see cref="WorkloadIdentity"/>. Order of checks: size, cache, shape, algorithm allow-list, issuer,
/// key, signature + audience + issuer (Microsoft.IdentityModel's <see cref="JsonWebTokenHandler"/>, or NSec for
/// Ed25519), then lifetime, maximum lifetime, required claims, subject and SPIFFE trust domain. A token only reaches
/// the lifetime checks once its signature verified, so a forger learns nothing from the reason code.
/// </summary>
internal sealed class JwtAuthenticator
{
    public const string AuthMethod = "jwt";

    private volatile FrozenDictionary<string, IssuerRuntime> _issuers;
    private readonly TokenCache _cache;
    private readonly TimeProvider _time;
    private readonly int _maxTokenLength;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public JwtAuthenticator(IEnumerable<IssuerRuntime> issuers, TokenCache cache, TimeProvider time, int maxTokenLength)
    {
        _issuers = issuers.ToFrozenDictionary(i => i.Issuer, StringComparer.Ordinal);
        _cache = cache;
        _time = time;
        _maxTokenLength = maxTokenLength;
    }

    public IEnumerable<IssuerRuntime> Issuers => _issuers.Values;

    /// <summary>Swaps the trusted issuers (config reload). Cached tokens are dropped: an issuer that left, or whose
    /// checks changed, must not keep vouching through the cache.</summary>
    public void ReplaceIssuers(IEnumerable<IssuerRuntime> issuers)
    {
        _issuers = issuers.ToFrozenDictionary(i => i.Issuer, StringComparer.Ordinal);
        _cache.Clear();
    }

    public ValueTask<AuthResult> AuthenticateAsync(string token) => AuthenticateAsync(token.AsMemory());

    /// <summary>The token as a slice of the header it came in: a cache hit reads it in place (no copy of a token of a
    /// kilobyte or more per request); only a miss, which validates in full, makes a string of it.</summary>
    public ValueTask<AuthResult> AuthenticateAsync(ReadOnlyMemory<char> token)
    {
        if (token.Length > _maxTokenLength)
        {
            return ValueTask.FromResult(AuthResult.Fail(AuthFailure.TokenTooLarge));
        }

        var hash = TokenHash.Compute(token.Span);
        if (_cache.TryGet(hash, out var cached))
        {
            return ValueTask.FromResult(new AuthResult(cached, AuthFailure.None, cached!.IssuerName, cached.TokenHash));
        }

        if (_cache.TryGetExpired(hash, out var expired))
        {
            // Answered from the list only while it still holds: the issuer that verified the token is still the one
            // configured (a reload may have changed its skew or name) and the clock is still past exp + skew (it may
            // have been stepped back). Otherwise the token is validated in full again.
            if (_issuers.TryGetValue(expired.Issuer.Issuer, out var current) && ReferenceEquals(current, expired.Issuer)
                && _time.GetUtcNow() > expired.Expires + current.ClockSkew)
            {
                _cache.ExpiredAnswered();
                return ValueTask.FromResult(AuthResult.Fail(AuthFailure.TokenExpired, current.Name, expired.TokenHash));
            }

            _cache.ForgetExpired(hash);
        }

        return ValidateAsync(token.ToString(), hash);
    }

    private async ValueTask<AuthResult> ValidateAsync(string token, TokenHash hash)
    {
        var shortHash = hash.ToShortString();
        JsonWebToken jwt;
        try
        {
            if (!IsCompactJws(token))
            {
                return AuthResult.Fail(AuthFailure.MalformedToken, tokenHash: shortHash);
            }

            jwt = new JsonWebToken(token);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenMalformedException or FormatException or System.Text.Json.JsonException)
        {
            return AuthResult.Fail(AuthFailure.MalformedToken, tokenHash: shortHash);
        }

        string alg, iss;
        try
        {
            alg = jwt.Alg;
            iss = jwt.Issuer;
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException or FormatException or InvalidOperationException)
        {
            return AuthResult.Fail(AuthFailure.MalformedToken, tokenHash: shortHash);
        }

        if (jwt.TryGetHeaderValue<object>("crit", out _))
        {
            // RFC 7515 §4.1.11: a critical extension the gateway does not implement means the token must be refused.
            return AuthResult.Fail(AuthFailure.MalformedToken, tokenHash: shortHash);
        }

        if (string.IsNullOrEmpty(iss) || !_issuers.TryGetValue(iss, out var issuer))
        {
            return AuthResult.Fail(AuthFailure.InvalidIssuer, tokenHash: shortHash);
        }

        if (string.IsNullOrEmpty(alg) || !issuer.Algorithms.Contains(alg))
        {
            return AuthResult.Fail(AuthFailure.AlgorithmNotAllowed, issuer.Name, shortHash);
        }

        var keys = issuer.Keys.Current;
        if (keys is null)
        {
            issuer.Keys.RequestRefresh();
            return AuthResult.Fail(AuthFailure.KeysUnavailable, issuer.Name, shortHash);
        }

        var kid = string.IsNullOrEmpty(jwt.Kid) ? null : jwt.Kid;
        IssuerKey? key = null;
        if (kid is not null && !keys.ByKeyId.TryGetValue(kid, out key))
        {
            // A key we have never seen: maybe just published. Refresh in the background (rate-limited) and refuse now.
            issuer.Keys.RequestRefresh();
            return AuthResult.Fail(AuthFailure.UnknownKey, issuer.Name, shortHash);
        }

        // A token that names its key is verified with that key alone. One that names none is tried against the
        // issuer's keys of its type, at most IssuerRuntime.MaxKeysWithoutKid of them: a forged token must not cost
        // one verification per published key.
        IssuerKey[]? candidates = null;
        if (key is null)
        {
            candidates = issuer.CandidatesWithoutKid(keys, alg);
            if (candidates.Length == 0)
            {
                return AuthResult.Fail(AuthFailure.UnknownKey, issuer.Name, shortHash);
            }

            if (candidates.Length > IssuerRuntime.MaxKeysWithoutKid)
            {
                return AuthResult.Fail(AuthFailure.KeyIdRequired, issuer.Name, shortHash);
            }
        }

        TokenValidationResult result;
        if (alg == "EdDSA")
        {
            key = VerifyEd25519(token, key, candidates);
            if (key is null)
            {
                return AuthResult.Fail(AuthFailure.InvalidSignature, issuer.Name, shortHash);
            }

            result = await _handler.ValidateTokenAsync(jwt, issuer.EdDsaParameters).ConfigureAwait(false);
        }
        else
        {
            if (key is not null && key.SecurityKey is null)
            {
                return AuthResult.Fail(AuthFailure.InvalidSignature, issuer.Name, shortHash);
            }

            var parameters = key is not null ? issuer.ParametersFor(keys, key) : issuer.ParametersWithoutKid(keys, alg)!;
            result = await _handler.ValidateTokenAsync(jwt, parameters).ConfigureAwait(false);
        }

        if (!result.IsValid)
        {
            var refused = Map(result.Exception);
            // Without a kid, "no key matched" means none of the candidates verified the signature.
            return AuthResult.Fail(candidates is not null && refused == AuthFailure.UnknownKey ? AuthFailure.InvalidSignature : refused,
                issuer.Name, shortHash);
        }

        key ??= FindKey(keys, (result.SecurityToken as JsonWebToken)?.SigningKey ?? jwt.SigningKey);
        if (key is null)
        {
            return AuthResult.Fail(AuthFailure.InvalidSignature, issuer.Name, shortHash);
        }

        var failure = CheckClaims(jwt, issuer, out var identity, out var expires, shortHash);
        if (failure != AuthFailure.None)
        {
            if (failure == AuthFailure.TokenExpired)
            {
                // Verified, and expired for good: the same token again is refused without another signature check.
                _cache.AddExpired(hash, new TokenCache.ExpiredToken(issuer, expires, shortHash));
            }

            return AuthResult.Fail(failure, issuer.Name, shortHash);
        }

        _cache.Add(hash, identity!, issuer.Keys, key.KeyId, key.Fingerprint);
        return new AuthResult(identity, AuthFailure.None, issuer.Name, shortHash);
    }

    /// <summary>A NumericDate claim as a time, clamped to what <see cref="DateTimeOffset"/> holds (year 9999).</summary>
    private static DateTimeOffset FromUnixSeconds(long seconds) => DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));

    /// <param name="expires">The token's <c>exp</c> (default when it has none).</param>
    private AuthFailure CheckClaims(JsonWebToken jwt, IssuerRuntime issuer, out WorkloadIdentity? identity, out DateTimeOffset expires,
        string shortHash)
    {
        identity = null;
        expires = default;
        var now = _time.GetUtcNow();
        if (!jwt.TryGetPayloadValue<long>("exp", out var expSeconds))
        {
            return AuthFailure.MissingRequiredClaim;
        }

        var exp = expires = FromUnixSeconds(expSeconds);
        if (now > exp + issuer.ClockSkew)
        {
            return AuthFailure.TokenExpired;
        }

        DateTimeOffset? nbf = jwt.TryGetPayloadValue<long>("nbf", out var nbfSeconds) ? FromUnixSeconds(nbfSeconds) : null;
        DateTimeOffset? iat = jwt.TryGetPayloadValue<long>("iat", out var iatSeconds) ? FromUnixSeconds(iatSeconds) : null;
        if ((nbf is not null && now + issuer.ClockSkew < nbf) || (iat is not null && now + issuer.ClockSkew < iat))
        {
            return AuthFailure.TokenNotYetValid;
        }

        // Lifetime: from issuance (or not-before) to expiry; without either, from now. A long-lived token is refused
        // even when validly signed: it is the kind that leaks and stays useful.
        var start = iat ?? nbf ?? now;
        if (exp - start > issuer.MaxLifetime)
        {
            return AuthFailure.TokenLifetimeExceedsLimit;
        }

        foreach (var claim in issuer.RequiredClaims)
        {
            if (!jwt.TryGetPayloadValue<object>(claim, out var v) || v is null)
            {
                return AuthFailure.MissingRequiredClaim;
            }
        }

        var sub = jwt.TryGetPayloadValue<string>("sub", out var s) ? s : null;
        if (string.IsNullOrEmpty(sub) || sub.Length > 2048 || !IsVisibleAscii(sub))
        {
            // The subject is forwarded in a header and written to logs: no whitespace, no control characters, no
            // non-ASCII (a leading space would hide "spiffe:" from the trust-domain check below).
            return AuthFailure.InvalidSubject;
        }

        SpiffeId? spiffe = null;
        if (sub.StartsWith("spiffe:", StringComparison.OrdinalIgnoreCase))
        {
            if (!SpiffeId.TryParse(sub, out var id))
            {
                return AuthFailure.InvalidSubject;
            }

            if (!issuer.TrustDomains.TryGetValue(id.TrustDomain, out var trustDomain))
            {
                return AuthFailure.TrustDomainNotAllowed;
            }

            spiffe = id with { TrustDomain = trustDomain }; // the configured instance: cached identities share it
        }

        string? jti = null;
        if (jwt.TryGetPayloadValue<object>("jti", out var rawJti) && rawJti is not null)
        {
            // Forwarded in a header and audited: a short string of visible ASCII, or the token is refused.
            if (rawJti is not string j || j.Length == 0 || j.Length > 256 || !IsVisibleAscii(j))
            {
                return AuthFailure.InvalidClaim;
            }

            jti = j;
        }
        if (!TryReadConfirmation(jwt, out var x5t, out var jkt))
        {
            return AuthFailure.InvalidClaim;
        }

        identity = new WorkloadIdentity(sub, issuer.Issuer, issuer.Name, AuthMethod, spiffe, jti, shortHash, exp, ClaimsOf(jwt, issuer, sub),
            certificateThumbprint: x5t, dpopKeyThumbprint: jkt);
        return AuthFailure.None;
    }

    /// <summary>
    /// The token's confirmation claim (RFC 7800): <c>x5t#S256</c> binds it to a TLS client certificate (RFC 8705),
    /// <c>jkt</c> to a DPoP key (RFC 9449). Either is a SHA-256 in base64url (43 characters). A confirmation the gateway
    /// cannot enforce (another member, both at once, a wrong shape) refuses the token: its issuer meant it to be bound,
    /// and accepting it as a bearer token would undo that.
    /// </summary>
    private static bool TryReadConfirmation(JsonWebToken jwt, out string? x5t, out string? jkt)
    {
        x5t = null;
        jkt = null;
        if (!jwt.TryGetClaim("cnf", out var claim))
        {
            return true;
        }

        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(claim.Value);
            if (doc.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                return false;
            }

            foreach (var member in doc.RootElement.EnumerateObject())
            {
                if (member.Value.ValueKind != System.Text.Json.JsonValueKind.String || !IsSha256Base64Url(member.Value.GetString()!))
                {
                    return false;
                }

                switch (member.Name)
                {
                    case "x5t#S256" when x5t is null: x5t = member.Value.GetString(); break;
                    case "jkt" when jkt is null: jkt = member.Value.GetString(); break;
                    default: return false;
                }
            }
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }

        return (x5t is null || jkt is null) && (x5t is not null || jkt is not null);
    }

    private static bool IsSha256Base64Url(string s)
    {
        if (s.Length != 43)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsVisibleAscii(string s)
    {
        foreach (var c in s)
        {
            if (c < 0x21 || c > 0x7E)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The token's claims for policy, kept small because a cached identity holds them for the token's life:
    /// well-known names, the issuer, the configured audiences and the subject are shared instances, not second copies
    /// parsed from every token (1,829 → 1,321 bytes per cached identity for a typical service token).
    /// </summary>
    private static ClaimSet ClaimsOf(JsonWebToken jwt, IssuerRuntime issuer, string sub)
    {
        var map = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var c in jwt.Claims)
        {
            if (c.ValueType == "JSON" || c.ValueType == JsonClaimValueTypes.Json || c.ValueType == JsonClaimValueTypes.JsonArray)
            {
                continue; // nested objects are not policy-visible in v1
            }

            if (!map.TryGetValue(c.Type, out var list))
            {
                map[ClaimSet.Name(c.Type)] = list = new List<string>(1);
            }

            if (c.Type == "scope" || c.Type == "scp")
            {
                list.AddRange(c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            }
            else
            {
                list.Add(Shared(c.Type, c.Value, issuer, sub));
            }
        }

        return new ClaimSet([.. map.Keys], [.. map.Values.Select(v => v.ToArray())]);
    }

    private static string Shared(string type, string value, IssuerRuntime issuer, string sub)
    {
        switch (type)
        {
            case "iss" when value == issuer.Issuer:
                return issuer.Issuer;
            case "sub" when value == sub:
                return sub;
            case "aud":
                foreach (var audience in issuer.Audiences)
                {
                    if (value == audience)
                    {
                        return audience;
                    }
                }

                return value;
            default:
                return value;
        }
    }

    private static IssuerKey? FindKey(IssuerKeySet keys, SecurityKey? used)
    {
        if (used is null)
        {
            return null;
        }

        foreach (var k in keys.All)
        {
            if (ReferenceEquals(k.SecurityKey, used))
            {
                return k;
            }
        }

        return null;
    }

    private static IssuerKey? VerifyEd25519(string token, IssuerKey? key, IssuerKey[]? candidates)
    {
        var lastDot = token.LastIndexOf('.');
        byte[] signature;
        try
        {
            signature = Base64UrlEncoder.DecodeBytes(token[(lastDot + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }

        var data = Encoding.ASCII.GetBytes(token[..lastDot]);
        if (key is not null)
        {
            return key.Ed25519 is not null && NSec.Cryptography.SignatureAlgorithm.Ed25519.Verify(key.Ed25519, data, signature) ? key : null;
        }

        foreach (var k in candidates ?? [])
        {
            if (k.Ed25519 is not null && NSec.Cryptography.SignatureAlgorithm.Ed25519.Verify(k.Ed25519, data, signature))
            {
                return k;
            }
        }

        return null;
    }

    /// <summary>Three base64url parts, header and payload non-empty (JWE is refused here). An empty signature passes
    /// the shape check so that an unsigned token is refused by the algorithm check with its own reason.</summary>
    private static bool IsCompactJws(string token)
    {
        var parts = 0;
        var partLength = 0;
        foreach (var c in token)
        {
            if (c == '.')
            {
                if (partLength == 0 || parts == 2)
                {
                    return false;
                }

                parts++;
                partLength = 0;
                continue;
            }

            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
            {
                return false;
            }

            partLength++;
        }

        return parts == 2;
    }

    private static AuthFailure Map(Exception? ex) => ex switch
    {
        SecurityTokenInvalidAudienceException => AuthFailure.InvalidAudience,
        SecurityTokenInvalidIssuerException => AuthFailure.InvalidIssuer,
        SecurityTokenSignatureKeyNotFoundException => AuthFailure.UnknownKey,
        SecurityTokenInvalidAlgorithmException => AuthFailure.AlgorithmNotAllowed,
        SecurityTokenInvalidSignatureException => AuthFailure.InvalidSignature,
        SecurityTokenExpiredException => AuthFailure.TokenExpired,
        SecurityTokenNotYetValidException => AuthFailure.TokenNotYetValid,
        SecurityTokenMalformedException => AuthFailure.MalformedToken,
        _ => AuthFailure.InvalidSignature,
    };

}
