using System.Buffers;
using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.Configuration;
using Microsoft.Extensions.Primitives;

namespace Gateway.Identity.Dpop;

/// <summary>
/// Validates the DPoP proof of a request that carries a DPoP-bound access token (RFC 9449 §4.3, §7.1). Checks run
/// cheapest first, and nothing about the request is compared before the signature verified, so a forger learns
/// nothing but <see cref="AuthFailure.DpopProofInvalid"/>:
/// <list type="number">
/// <item>exactly one <c>DPoP</c> header, at most <see cref="MaxProofLength"/> characters, a compact JWS (three
/// base64url parts; a JWE has five);</item>
/// <item>header: a JSON object, <c>typ</c> exactly <c>dpop+jwt</c>, <c>alg</c> asymmetric and allowed, no
/// <c>crit</c>, and a public <c>jwk</c> of the type and size the algorithm needs (<see cref="DpopProofKey"/>);</item>
/// <item>payload: <c>jti htm htu iat</c> present and well-typed (<see cref="DpopClaims"/>);</item>
/// <item>the signature, with the embedded key;</item>
/// <item><c>htm</c> = the method (case-sensitive), <c>htu</c> = the received URI (<see cref="HtuMatcher"/>),
/// <c>iat</c> within [now − lifetime − skew, now + skew], the server nonce, <c>ath</c> = base64url(SHA-256(token)),
/// the key's RFC 7638 thumbprint = the token's <c>cnf.jkt</c> (both compared in constant time);</item>
/// <item>last, once everything else passed: the <c>jti</c>, scoped by the key's thumbprint, is registered in the
/// replay store until iat + lifetime + 2 × skew; seen before → replay; store unavailable → refused (fail closed).</item>
/// </list>
/// Nothing is logged here: the caller logs the reason code, never the proof or the token.
/// </summary>
internal sealed class DpopProofValidator : IDisposable
{
    /// <summary>Longest <c>DPoP</c> header accepted (an RSA-8192 proof fits; typical ES256 proofs are ~600).</summary>
    public const int MaxProofLength = 8 * 1024;

    public const string ProofType = "dpop+jwt";

    internal static readonly SearchValues<byte> Base64UrlBytes =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"u8);

    private static readonly JsonDocumentOptions HeaderOptions = new() { MaxDepth = 16, AllowDuplicateProperties = false };

    private readonly IDpopReplayStore _replay;
    private readonly DpopKeyCache _keys;
    private readonly DpopNonces _nonces;
    private readonly TimeProvider _time;
    private readonly int _allowed;
    private readonly long _lifetimeMs;
    private readonly long _skewMs;
    private readonly TimeSpan _replayLifetime;
    private readonly bool _requireNonce;

    public DpopProofValidator(DpopOptions options, IDpopReplayStore replay, DpopNonces nonces, TimeProvider time, int keyCacheSize = 10_000)
    {
        _replay = replay;
        _keys = new DpopKeyCache(keyCacheSize);
        _nonces = nonces;
        _time = time;
        _requireNonce = options.RequireNonce;
        _lifetimeMs = (long)options.ProofLifetime.TotalMilliseconds;
        _skewMs = (long)options.ClockSkew.TotalMilliseconds;
        _replayLifetime = options.ProofLifetime + options.ClockSkew + options.ClockSkew;
        var names = new List<string>(options.Algorithms.Count);
        foreach (var name in options.Algorithms)
        {
            // Names that are not asymmetric JWS algorithms this class implements (none, HS256, typos) allow nothing.
            var alg = DpopAlgorithms.Parse(name);
            if (alg != DpopAlgorithm.Unknown && (_allowed & (1 << (int)alg)) == 0)
            {
                _allowed |= 1 << (int)alg;
                names.Add(name);
            }
        }

        Algorithms = string.Join(' ', names);
    }

    /// <summary>The algorithms actually accepted, space-separated: the <c>algs</c> parameter of a
    /// <c>WWW-Authenticate: DPoP</c> challenge (RFC 9449 §7.1). Configured names this class cannot use are not in it.</summary>
    public string Algorithms { get; }

    /// <param name="proofHeader">Every value of the request's <c>DPoP</c> header.</param>
    /// <param name="method">The request method, as received (<c>GET</c>; <c>get</c> is another method).</param>
    /// <param name="target">The URI the gateway received (<see cref="DpopTarget.FromRequest"/>).</param>
    /// <param name="accessToken">The access token of the <c>Authorization: DPoP</c> header.</param>
    /// <param name="expectedJkt">The token's <c>cnf.jkt</c>.</param>
    /// <returns><see cref="AuthFailure.None"/> when the proof is valid and used for the first time.</returns>
    public ValueTask<AuthFailure> ValidateAsync(StringValues proofHeader, string method, DpopTarget target, ReadOnlySpan<char> accessToken,
        string expectedJkt, CancellationToken ct)
    {
        var failure = Check(proofHeader, method, target, accessToken, expectedJkt, out var replayKey, out var expires);
        if (failure != AuthFailure.None)
        {
            return new ValueTask<AuthFailure>(failure);
        }

        ValueTask<ReplayCheck> pending;
        try
        {
            pending = _replay.TryRegisterAsync(replayKey!, expires, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new ValueTask<AuthFailure>(AuthFailure.ReplayCacheUnavailable); // fail closed
        }

        return pending.IsCompletedSuccessfully ? new ValueTask<AuthFailure>(Map(pending.Result)) : AwaitReplayAsync(pending);
    }

    private static async ValueTask<AuthFailure> AwaitReplayAsync(ValueTask<ReplayCheck> pending)
    {
        try
        {
            return Map(await pending.ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return AuthFailure.ReplayCacheUnavailable; // fail closed
        }
    }

    private static AuthFailure Map(ReplayCheck check) => check switch
    {
        ReplayCheck.Registered => AuthFailure.None,
        ReplayCheck.Replayed => AuthFailure.DpopReplay,
        _ => AuthFailure.ReplayCacheUnavailable,
    };

    private AuthFailure Check(StringValues proofHeader, string method, in DpopTarget target, ReadOnlySpan<char> accessToken,
        string expectedJkt, out string? replayKey, out DateTimeOffset expires)
    {
        replayKey = null;
        expires = default;
        if (proofHeader.Count == 0)
        {
            return AuthFailure.DpopProofMissing;
        }

        if (proofHeader.Count > 1)
        {
            return AuthFailure.DpopProofInvalid; // RFC 9449 §4.3 step 1: not more than one DPoP header
        }

        var proof = proofHeader[0];
        if (string.IsNullOrEmpty(proof))
        {
            return AuthFailure.DpopProofMissing;
        }

        if (proof.Length > MaxProofLength || !TrySplit(proof, out var dot1, out var dot2))
        {
            return AuthFailure.DpopProofInvalid;
        }

        // One buffer for the ASCII signing input and the three decoded parts (each at most 3/4 of its characters).
        var rented = ArrayPool<byte>.Shared.Rent(proof.Length * 2);
        try
        {
            return CheckJws(proof, dot1, dot2, rented, method, target, accessToken, expectedJkt, out replayKey, out expires);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }

    private AuthFailure CheckJws(string proof, int dot1, int dot2, byte[] buffer, string method, in DpopTarget target,
        ReadOnlySpan<char> accessToken, string expectedJkt, out string? replayKey, out DateTimeOffset expires)
    {
        replayKey = null;
        expires = default;
        var chars = proof.AsSpan();
        var input = buffer.AsSpan(0, dot2);
        Ascii.FromUtf16(chars[..dot2], input, out _); // TrySplit checked every character is base64url or '.'
        var offset = dot2;
        if (!TryDecode(chars[..dot1], buffer.AsSpan(offset), out var headerLength))
        {
            return AuthFailure.DpopProofInvalid;
        }

        var header = buffer.AsMemory(offset, headerLength);
        offset += headerLength;
        if (!TryDecode(chars[(dot1 + 1)..dot2], buffer.AsSpan(offset), out var payloadLength))
        {
            return AuthFailure.DpopProofInvalid;
        }

        var payload = buffer.AsSpan(offset, payloadLength);
        offset += payloadLength;
        if (!TryDecode(chars[(dot2 + 1)..], buffer.AsSpan(offset), out var signatureLength))
        {
            return AuthFailure.DpopProofInvalid;
        }

        var signature = buffer.AsSpan(offset, signatureLength);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header, HeaderOptions);
        }
        catch (JsonException)
        {
            return AuthFailure.DpopProofInvalid;
        }

        using (document)
        {
            var root = document.RootElement;
            if (!TryReadHeader(root, out var alg, out var algName, out var jwk))
            {
                return AuthFailure.DpopProofInvalid;
            }

            Span<byte> scratch = stackalloc byte[DpopProofKey.ScratchSize];
            if (!DpopProofKey.TryRead(jwk, alg, algName, scratch, out var key)
                || !DpopClaims.TryRead(payload, out var claims))
            {
                return AuthFailure.DpopProofInvalid;
            }

            // A key cached for the token's jkt verifies without importing the embedded key again; the thumbprint check
            // below still ties the embedded key to it. Any other outcome takes the full path.
            AsymmetricAlgorithm? imported = null;
            try
            {
                if (!_keys.TryVerify(expectedJkt, alg, input, signature) && !key.Verify(input, signature, out imported))
                {
                    return AuthFailure.DpopProofInvalid;
                }

                var failure = CheckClaims(claims, jwk, method, target, accessToken, expectedJkt, out replayKey, out expires);
                if (failure == AuthFailure.None && imported is not null && _keys.TryAdd(expectedJkt, imported))
                {
                    imported = null; // the cache owns it now
                }

                return failure;
            }
            finally
            {
                imported?.Dispose();
            }
        }
    }

    private AuthFailure CheckClaims(in DpopClaims claims, JsonElement jwk, string method, in DpopTarget target, ReadOnlySpan<char> accessToken,
        string expectedJkt, out string? replayKey, out DateTimeOffset expires)
    {
        replayKey = null;
        expires = default;
        {

            // The proof is authentic from here on: what follows may say what is wrong with it.
            if (!Ascii.Equals(claims.Htm, method))
            {
                return AuthFailure.DpopMethodMismatch;
            }

            if (!HtuMatcher.Matches(claims.Htu, target))
            {
                return AuthFailure.DpopUrlMismatch;
            }

            var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
            var iatMs = claims.Iat * 1000;
            if (iatMs < nowMs - _lifetimeMs - _skewMs || iatMs > nowMs + _skewMs)
            {
                return AuthFailure.DpopProofExpired;
            }

            if (claims.HasNonce ? !_nonces.IsValid(claims.Nonce) : _requireNonce)
            {
                return AuthFailure.DpopNonceRequired;
            }

            if (!claims.HasAth || !AthMatches(claims.Ath, accessToken))
            {
                return AuthFailure.DpopAccessTokenMismatch;
            }

            Span<byte> thumbprint = stackalloc byte[JwkThumbprint.Size];
            if (!JwkThumbprint.TryCompute(jwk, thumbprint))
            {
                return AuthFailure.DpopProofInvalid;
            }

            if (!JktMatches(thumbprint, expectedJkt))
            {
                return AuthFailure.DpopKeyMismatch;
            }

            replayKey = ReplayKey(thumbprint, claims.Jti);
            expires = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Ceiling(iatMs)) + _replayLifetime;
            return AuthFailure.None;
        }
    }

    /// <summary>Imported proof keys kept for reuse (see <see cref="DpopKeyCache"/>).</summary>
    internal int CachedKeys => _keys.Count;

    public void Dispose() => _keys.Dispose();

    private bool TryReadHeader(JsonElement root, out DpopAlgorithm alg, out ReadOnlySpan<byte> algName, out JsonElement jwk)
    {
        alg = DpopAlgorithm.Unknown;
        algName = default;
        jwk = default;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var typOk = false;
        foreach (var member in root.EnumerateObject())
        {
            if (member.NameEquals("typ"u8))
            {
                typOk = member.Value.ValueKind == JsonValueKind.String && member.Value.ValueEquals("dpop+jwt"u8);
            }
            else if (member.NameEquals("alg"u8))
            {
                if (member.Value.ValueKind != JsonValueKind.String)
                {
                    return false;
                }

                algName = JsonMarshal.GetRawUtf8Value(member.Value);
                algName = algName[1..^1]; // an escaped name ("ES\u003256") is no name we know
                alg = DpopAlgorithms.Parse(algName);
            }
            else if (member.NameEquals("jwk"u8))
            {
                jwk = member.Value;
            }
            else if (member.NameEquals("crit"u8))
            {
                return false; // RFC 7515 §4.1.11: this validator implements no extension, so none can be critical
            }
        }

        return typOk && alg != DpopAlgorithm.Unknown && (_allowed & (1 << (int)alg)) != 0 && jwk.ValueKind == JsonValueKind.Object;
    }

    private static bool AthMatches(ReadOnlySpan<byte> ath, ReadOnlySpan<char> accessToken)
    {
        if (ath.Length != JwkThumbprint.EncodedLength)
        {
            return false; // lengths are not secret
        }

        // ath = base64url(SHA-256(token)): the token's cache key, which is exactly that hash.
        Span<byte> hash = stackalloc byte[32];
        TokenHash.Compute(accessToken).CopyTo(hash);
        Span<byte> expected = stackalloc byte[JwkThumbprint.EncodedLength];
        Base64Url.EncodeToUtf8(hash, expected);
        return CryptographicOperations.FixedTimeEquals(expected, ath);
    }

    private static bool JktMatches(ReadOnlySpan<byte> thumbprint, string expectedJkt)
    {
        if (expectedJkt is null || expectedJkt.Length != JwkThumbprint.EncodedLength)
        {
            return false;
        }

        Span<char> actual = stackalloc char[JwkThumbprint.EncodedLength];
        Base64Url.EncodeToChars(thumbprint, actual);
        return CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(actual), MemoryMarshal.AsBytes(expectedJkt.AsSpan()));
    }

    /// <summary>base64url(SHA-256(thumbprint ‖ jti)): one fixed-length key per (proof key, jti), so a <c>jti</c> chosen by
    /// one client cannot block another client's proofs, and the store never sees the raw <c>jti</c>.</summary>
    private static string ReplayKey(ReadOnlySpan<byte> thumbprint, ReadOnlySpan<byte> jti)
    {
        Span<byte> material = stackalloc byte[JwkThumbprint.Size + DpopClaims.MaxJtiLength];
        thumbprint.CopyTo(material);
        jti.CopyTo(material[JwkThumbprint.Size..]);
        Span<byte> hash = stackalloc byte[32];
        Sha256Fast.Hash(material[..(JwkThumbprint.Size + jti.Length)], hash);
        return Base64Url.EncodeToString(hash);
    }

    private static bool TryDecode(ReadOnlySpan<char> part, Span<byte> dest, out int written)
        => Base64Url.DecodeFromChars(part, dest, out var consumed, out written) == OperationStatus.Done && consumed == part.Length;

    /// <summary>Three non-empty parts of base64url characters separated by two dots.</summary>
    private static bool TrySplit(string proof, out int dot1, out int dot2)
    {
        dot1 = proof.IndexOf('.');
        dot2 = dot1 < 0 ? -1 : proof.IndexOf('.', dot1 + 1);
        if (dot1 <= 0 || dot2 <= dot1 + 1 || dot2 == proof.Length - 1 || proof.IndexOf('.', dot2 + 1) >= 0)
        {
            return false;
        }

        foreach (var c in proof)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_' || c == '.'))
            {
                return false;
            }
        }

        return true;
    }
}
