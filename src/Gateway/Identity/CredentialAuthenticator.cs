using System.Security.Cryptography.X509Certificates;
using Gateway.Configuration;
using Gateway.Identity.ApiKeys;
using Gateway.Identity.Dpop;
using Gateway.Identity.X509;
using Gateway.Pipeline;
using Microsoft.AspNetCore.Http;

namespace Gateway.Identity;

/// <summary>
/// The credential rules of one request, in one place:
/// <list type="number">
/// <item>Credentials are read strictly: one <c>Authorization</c> header (<c>Bearer</c>, <c>DPoP</c> or <c>ApiKey</c>
/// scheme) or one API-key header, never both; the TLS client certificate of the connection.</item>
/// <item>A listener with <c>ClientCertificate: required</c> refuses a request without a certificate.</item>
/// <item>A presented certificate must be a valid X.509-SVID of a trusted trust domain (validated once per TLS
/// connection) — except when it only serves as the key of a certificate-bound token (RFC 8705 allows self-signed).</item>
/// <item>A token bound to a certificate (<c>cnf.x5t#S256</c>) needs that certificate on this connection; a token bound
/// to a DPoP key (<c>cnf.jkt</c>) needs the <c>DPoP</c> scheme and a fresh proof made with that key.</item>
/// <item>Certificate and token together follow <see cref="MtlsOptions.WhenBoth"/>.</item>
/// </list>
/// Every check fails closed with its own reason code.
/// </summary>
internal sealed class CredentialAuthenticator
{
    private readonly JwtAuthenticator _jwt;
    private readonly ApiKeyAuthenticator _apiKeys;
    private readonly TrustBundleStore _bundles;
    private readonly SvidValidator _svids;
    private readonly LearnedIntermediates _learned = new();
    private readonly DpopProofValidator _dpop;
    private readonly DpopNonces _nonces;
    private readonly TimeProvider _time;
    private readonly string _apiKeyHeader;
    private readonly string _whenBoth;
    private readonly string _dpopChallenge;
    private readonly DpopOrigins? _dpopOrigins;

    public CredentialAuthenticator(JwtAuthenticator jwt, ApiKeyAuthenticator apiKeys, TrustBundleStore bundles, SvidValidator svids,
        DpopProofValidator dpop, DpopNonces nonces, GatewayOptions options, TimeProvider time)
    {
        _jwt = jwt;
        _apiKeys = apiKeys;
        _bundles = bundles;
        _svids = svids;
        _dpop = dpop;
        _nonces = nonces;
        _time = time;
        _apiKeyHeader = options.ApiKeys.Header;
        _whenBoth = options.Mtls.WhenBoth;
        _dpopChallenge = "DPoP algs=\"" + dpop.Algorithms + "\"";
        _dpopOrigins = DpopOrigins.Create(options.Dpop.Origins);
    }

    public string CurrentDpopNonce() => _nonces.Current();

    /// <summary>The <c>WWW-Authenticate</c> value of a 401: the scheme the client used, the error and the reason code.</summary>
    public string Challenge(CredentialKind kind, AuthFailure failure, string code) => kind switch
    {
        CredentialKind.Dpop => failure switch
        {
            AuthFailure.DpopNonceRequired => $"{_dpopChallenge}, error=\"use_dpop_nonce\", error_description=\"{code}\"",
            AuthFailure.DpopProofMissing or AuthFailure.DpopProofInvalid or AuthFailure.DpopMethodMismatch or AuthFailure.DpopUrlMismatch
                or AuthFailure.DpopProofExpired or AuthFailure.DpopAccessTokenMismatch or AuthFailure.DpopKeyMismatch or AuthFailure.DpopReplay
                => $"{_dpopChallenge}, error=\"invalid_dpop_proof\", error_description=\"{code}\"",
            _ => $"{_dpopChallenge}, error=\"invalid_token\", error_description=\"{code}\"",
        },
        CredentialKind.ApiKey => $"ApiKey realm=\"gateway\", error=\"invalid_key\", error_description=\"{code}\"",
        _ => $"Bearer realm=\"gateway\", error=\"invalid_token\", error_description=\"{code}\"",
    };

    public async ValueTask<(AuthResult Result, CredentialKind Kind)> AuthenticateAsync(HttpContext context, string? routeId)
    {
        var request = context.Request;
        var tls = TlsConnectionState.Of(context);
        var mode = tls?.Mode;
        var certificate = mode is "required" or "optional" ? context.Connection.ClientCertificate : null;

        // 1. What did the client present?
        var authorization = request.Headers.Authorization;
        var apiKeyHeader = request.Headers[_apiKeyHeader];
        if (authorization.Count > 1)
        {
            return (AuthResult.Fail(AuthFailure.MalformedToken), CredentialKind.Bearer);
        }

        if (apiKeyHeader.Count > 1 || (authorization.Count == 1 && apiKeyHeader.Count == 1))
        {
            return (AuthResult.Fail(AuthFailure.AmbiguousCredentials), CredentialKind.ApiKey);
        }

        var kind = CredentialKind.Certificate;
        // The credential stays a slice of its header: a token is read in place, never copied per request.
        ReadOnlyMemory<char> credential = default;
        var presented = false;
        if (authorization.Count == 1)
        {
            if (!TryParseAuthorization(authorization[0], out kind, out credential))
            {
                return (AuthResult.Fail(AuthFailure.MalformedToken), CredentialKind.Bearer);
            }

            presented = true;
        }
        else if (apiKeyHeader.Count == 1)
        {
            kind = CredentialKind.ApiKey;
            credential = (apiKeyHeader[0] ?? "").AsMemory().Trim(' ');
            if (credential.IsEmpty)
            {
                return (AuthResult.Fail(AuthFailure.ApiKeyInvalid), kind);
            }

            presented = true;
        }

        // 2. The connection's certificate, when the listener asks for one.
        if (mode == "required" && certificate is null)
        {
            return (AuthResult.Fail(AuthFailure.ClientCertificateRequired), kind == CredentialKind.Certificate ? CredentialKind.Bearer : kind);
        }

        var svid = certificate is null ? null : ValidateCertificate(tls!, certificate);

        if (!presented)
        {
            if (svid is null)
            {
                return (AuthResult.Fail(AuthFailure.TokenMissing), CredentialKind.Bearer);
            }

            return svid.Identity is null
                ? (AuthResult.Fail(svid.Failure, tokenHash: svid.ShortThumbprint), CredentialKind.Certificate)
                : (new AuthResult(svid.Identity, AuthFailure.None, svid.Identity.IssuerName, svid.ShortThumbprint), CredentialKind.Certificate);
        }

        // 3. The credential itself.
        AuthResult result;
        if (kind == CredentialKind.ApiKey)
        {
            if (request.Headers.ContainsKey("DPoP"))
            {
                return (AuthResult.Fail(AuthFailure.AmbiguousCredentials), kind);
            }

            result = _apiKeys.Authenticate(credential.Span, routeId);
        }
        else
        {
            result = await _jwt.AuthenticateAsync(credential).ConfigureAwait(false);
        }

        if (!result.Succeeded)
        {
            return (result, kind);
        }

        var identity = result.Identity!;

        // 4. Sender constraints: a bound token is only as good as the proof of possession that comes with it.
        if (kind == CredentialKind.Dpop)
        {
            if (identity.DpopKeyThumbprint is null)
            {
                return (AuthResult.Fail(AuthFailure.DpopTokenNotBound, result.IssuerName, result.TokenHash), kind);
            }

            var target = DpopTarget.FromRequest(request);
            if (_dpopOrigins is not null && !_dpopOrigins.Contains(target))
            {
                // The Host is the client's to choose: a proof is only good for the gateway's own origins.
                return (AuthResult.Fail(AuthFailure.DpopUrlMismatch, result.IssuerName, result.TokenHash), kind);
            }

            var failure = await _dpop.ValidateAsync(request.Headers["DPoP"], request.Method, target, credential.Span,
                identity.DpopKeyThumbprint, context.RequestAborted).ConfigureAwait(false);
            if (failure != AuthFailure.None)
            {
                return (AuthResult.Fail(failure, result.IssuerName, result.TokenHash), kind);
            }
        }
        else if (identity.DpopKeyThumbprint is not null)
        {
            // RFC 9449 §7.1: a DPoP-bound token sent as a bearer token is refused, proof or not.
            return (AuthResult.Fail(AuthFailure.DpopBoundTokenAsBearer, result.IssuerName, result.TokenHash), kind);
        }

        if (identity.CertificateThumbprint is not null)
        {
            if (certificate is null)
            {
                return (AuthResult.Fail(AuthFailure.CertificateBindingMissing, result.IssuerName, result.TokenHash), kind);
            }

            // Both thumbprints are public (one is in the token, the other hashes the certificate sent in clear).
            if (!string.Equals(identity.CertificateThumbprint, svid!.Thumbprint, StringComparison.Ordinal))
            {
                return (AuthResult.Fail(AuthFailure.CertificateBindingMismatch, result.IssuerName, result.TokenHash), kind);
            }

            // Bound to this very certificate: the certificate is the token's key here, not a second identity.
            return (result, kind);
        }

        if (svid is null)
        {
            return (result, kind);
        }

        // 5. A certificate and an unbound credential: both must hold, and the config says whose identity counts.
        if (svid.Identity is null)
        {
            return (AuthResult.Fail(svid.Failure, result.IssuerName, result.TokenHash), kind);
        }

        return _whenBoth switch
        {
            "token" => (result, kind),
            "certificate" => (new AuthResult(svid.Identity, AuthFailure.None, svid.Identity.IssuerName, svid.ShortThumbprint), CredentialKind.Certificate),
            _ => string.Equals(identity.Id, svid.Identity.Id, StringComparison.Ordinal)
                ? (result, kind)
                : (AuthResult.Fail(AuthFailure.IdentityMismatch, result.IssuerName, result.TokenHash), kind),
        };
    }

    /// <summary><c>Bearer</c>, <c>DPoP</c> or <c>ApiKey</c> (any case), one space, a credential without spaces.</summary>
    private static bool TryParseAuthorization(string? value, out CredentialKind kind, out ReadOnlyMemory<char> credential)
    {
        kind = CredentialKind.Bearer;
        credential = default;
        if (value is null)
        {
            return false;
        }

        var space = value.IndexOf(' ');
        if (space <= 0)
        {
            return false;
        }

        var scheme = value.AsSpan(0, space);
        if (scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            kind = CredentialKind.Bearer;
        }
        else if (scheme.Equals("DPoP", StringComparison.OrdinalIgnoreCase))
        {
            kind = CredentialKind.Dpop;
        }
        else if (scheme.Equals("ApiKey", StringComparison.OrdinalIgnoreCase))
        {
            kind = CredentialKind.ApiKey;
        }
        else
        {
            return false;
        }

        var t = value.AsMemory(space + 1).Trim(' ');
        if (t.Length == 0 || t.Span.IndexOf(' ') >= 0)
        {
            return false;
        }

        credential = t;
        return true;
    }

    /// <summary>The certificates the client sent with its own, parsed; malformed ones are skipped. Null when none.</summary>
    private static X509Certificate2[]? ParsePresented(IReadOnlyList<byte[]>? raw)
    {
        if (raw is null)
        {
            return null;
        }

        var parsed = new List<X509Certificate2>(raw.Count);
        foreach (var der in raw)
        {
            try
            {
                parsed.Add(X509CertificateLoader.LoadCertificate(der));
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                // Not a certificate: not a candidate.
            }
        }

        return parsed.Count == 0 ? null : parsed.ToArray();
    }

    /// <summary>Validates the connection's client certificate once per TLS connection (the certificate of a
    /// connection never changes) and again when the trust bundles change; expiry is checked on every request.</summary>
    private CertificateOutcome ValidateCertificate(TlsConnectionState connection, X509Certificate2 certificate)
    {
        var bundles = _bundles.Current;
        if (connection.Validated is CertificateOutcome cached && ReferenceEquals(cached.Certificate, certificate) && cached.Revision == bundles.Revision)
        {
            if (cached.Identity is not null && _time.GetUtcNow() >= cached.Identity.Expires)
            {
                return cached with { Identity = null, Failure = AuthFailure.CertificateExpired };
            }

            return cached;
        }

        var thumbprint = SvidValidator.ThumbprintS256(certificate);
        var shortThumbprint = thumbprint[..16];
        // The intermediates the client sent, else those earlier clients' valid chains went through (a resumed TLS
        // session does not carry the chain): untrusted candidates either way; the validator keeps those that name the
        // leaf's trust domain, and the chain must end at that domain's roots.
        var presented = ParsePresented(connection.PresentedIntermediates);
        var result = _svids.Validate(certificate, bundles, (IReadOnlyList<X509Certificate2>?)presented ?? _learned.For(bundles.Revision));
        if (result.IsValid && presented is not null && result.CandidatesUsed is { } used)
        {
            _learned.Learn(bundles.Revision, result.Id.TrustDomain, used);
        }

        if (presented is not null)
        {
            foreach (var c in presented)
            {
                if (result.CandidatesUsed?.Any(u => ReferenceEquals(u, c)) != true)
                {
                    c.Dispose(); // the learned ones live on
                }
            }
        }

        WorkloadIdentity? identity = null;
        if (result.Failure == AuthFailure.None)
        {
            var id = result.Id;
            identity = new WorkloadIdentity(id.ToString(), "spiffe://" + id.TrustDomain, "x509-svid", WorkloadIdentity.MtlsAuthMethod,
                id, tokenId: null, shortThumbprint, result.NotAfter, EmptyClaims);
        }

        var outcome = new CertificateOutcome(certificate, bundles.Revision, thumbprint, shortThumbprint, identity, result.Failure);
        connection.Validated = outcome;
        return outcome;
    }

    private static readonly IReadOnlyDictionary<string, string[]> EmptyClaims = new Dictionary<string, string[]>();

    private sealed record CertificateOutcome(X509Certificate2 Certificate, long Revision, string Thumbprint, string ShortThumbprint,
        WorkloadIdentity? Identity, AuthFailure Failure);
}
