using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Tests.Integration;

/// <summary>
/// DPoP proofs for tests: keys generated at run time (never committed) and proofs in which every part can be changed
/// or left out — header (<c>typ alg jwk</c>, a private member in the <c>jwk</c>), payload (<c>jti htm htu iat ath
/// nonce</c>), the signing key and algorithm, the encoded payload after signing, or the signature itself.
/// </summary>
/// <example><code>
/// using var key = DpopProofs.CreateKey("ES256");
/// var proof = DpopProofs.Create(key, "GET", "https://gw.example/orders/1", now, accessToken);   // valid
/// var builder = DpopProofs.Proof(key, "GET", "https://gw.example/orders/1", now, accessToken);
/// builder.Header["typ"] = "JWT";           // override
/// builder.Payload.Remove("jti");           // omit
/// var forged = builder.Build();
/// var jkt = DpopProofs.Jkt(key);           // the token's cnf.jkt
/// </code></example>
internal static class DpopProofs
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A key for <paramref name="alg"/>: ES256/ES384/ES512, RS256/RS384/RS512, PS256/PS384/PS512 (RSA of
    /// <paramref name="rsaBits"/>) or EdDSA (Ed25519).</summary>
    public static Key CreateKey(string alg = "ES256", int rsaBits = 2048) => new(alg, rsaBits);

    /// <summary>The RFC 7638 SHA-256 thumbprint of the key, computed here independently of the gateway's code.</summary>
    public static string Jkt(Key key)
    {
        var jwk = key.PublicJwk();
        string canonical = jwk["kty"]!.GetValue<string>() switch
        {
            "EC" => $$"""{"crv":"{{jwk["crv"]}}","kty":"EC","x":"{{jwk["x"]}}","y":"{{jwk["y"]}}"}""",
            "RSA" => $$"""{"e":"{{jwk["e"]}}","kty":"RSA","n":"{{jwk["n"]}}"}""",
            _ => $$"""{"crv":"{{jwk["crv"]}}","kty":"OKP","x":"{{jwk["x"]}}"}""",
        };
        return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>The <c>ath</c> of an access token: base64url(SHA-256(ASCII token)).</summary>
    public static string Ath(string accessToken) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));

    /// <summary>A proof to change before <see cref="Builder.Build"/>: header <c>typ alg jwk</c>, payload <c>jti</c>
    /// (random), <c>htm htu iat</c>, and <c>ath</c> when <paramref name="accessToken"/> is given, <c>nonce</c> when
    /// <paramref name="nonce"/> is.</summary>
    public static Builder Proof(Key key, string htm, string htu, DateTimeOffset iat, string? accessToken = null, string? nonce = null)
    {
        var builder = new Builder(key);
        builder.Header["typ"] = "dpop+jwt";
        builder.Header["alg"] = key.Alg;
        builder.Header["jwk"] = key.PublicJwk();
        builder.Payload["jti"] = Guid.NewGuid().ToString("N");
        builder.Payload["htm"] = htm;
        builder.Payload["htu"] = htu;
        builder.Payload["iat"] = iat.ToUnixTimeSeconds();
        if (accessToken is not null)
        {
            builder.Payload["ath"] = Ath(accessToken);
        }

        if (nonce is not null)
        {
            builder.Payload["nonce"] = nonce;
        }

        return builder;
    }

    /// <summary>A valid proof (with a fresh <c>jti</c>).</summary>
    public static string Create(Key key, string htm, string htu, DateTimeOffset iat, string? accessToken = null, string? nonce = null)
        => Proof(key, htm, htu, iat, accessToken, nonce).Build();

    public static string B64(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    /// <summary>A proof key pair. Signs with <see cref="Alg"/>, or with another algorithm on request (including HS256
    /// keyed with the public JWK's bytes: the key-confusion forgery).</summary>
    internal sealed class Key : IDisposable
    {
        private readonly ECDsa? _ec;
        private readonly RSA? _rsa;
        private readonly NSec.Cryptography.Key? _ed;

        public Key(string alg, int rsaBits)
        {
            Alg = alg;
            switch (alg[..2])
            {
                case "ES":
                    _ec = ECDsa.Create(alg switch
                    {
                        "ES384" => ECCurve.NamedCurves.nistP384,
                        "ES512" => ECCurve.NamedCurves.nistP521,
                        _ => ECCurve.NamedCurves.nistP256,
                    });
                    break;
                case "RS" or "PS":
                    _rsa = RSA.Create(rsaBits);
                    break;
                case "Ed":
                    _ed = NSec.Cryptography.Key.Create(NSec.Cryptography.SignatureAlgorithm.Ed25519,
                        new NSec.Cryptography.KeyCreationParameters { ExportPolicy = NSec.Cryptography.KeyExportPolicies.AllowPlaintextExport });
                    break;
                default:
                    throw new ArgumentException($"no test key for {alg}", nameof(alg));
            }
        }

        public string Alg { get; }

        /// <summary>A fresh copy of the public JWK (safe to change).</summary>
        public JsonObject PublicJwk()
        {
            if (_ec is not null)
            {
                var p = _ec.ExportParameters(false);
                var crv = p.Q.X!.Length switch { 32 => "P-256", 48 => "P-384", _ => "P-521" };
                return new JsonObject { ["kty"] = "EC", ["crv"] = crv, ["x"] = Base64Url.EncodeToString(p.Q.X), ["y"] = Base64Url.EncodeToString(p.Q.Y!) };
            }

            if (_rsa is not null)
            {
                var p = _rsa.ExportParameters(false);
                return new JsonObject { ["kty"] = "RSA", ["n"] = Base64Url.EncodeToString(p.Modulus!), ["e"] = Base64Url.EncodeToString(p.Exponent!) };
            }

            var raw = _ed!.PublicKey.Export(NSec.Cryptography.KeyBlobFormat.RawPublicKey);
            return new JsonObject { ["kty"] = "OKP", ["crv"] = "Ed25519", ["x"] = Base64Url.EncodeToString(raw) };
        }

        /// <summary>The private part, as the JWK member <c>d</c> (for "private key published" cases).</summary>
        public string PrivateD()
        {
            if (_ec is not null)
            {
                return Base64Url.EncodeToString(_ec.ExportParameters(true).D!);
            }

            if (_rsa is not null)
            {
                return Base64Url.EncodeToString(_rsa.ExportParameters(true).D!);
            }

            return Base64Url.EncodeToString(_ed!.Export(NSec.Cryptography.KeyBlobFormat.RawPrivateKey));
        }

        public byte[] Sign(byte[] input) => Sign(input, Alg);

        public byte[] Sign(byte[] input, string alg)
        {
            if (alg.StartsWith("HS", StringComparison.Ordinal))
            {
                return HMACSHA256.HashData(Encoding.UTF8.GetBytes(PublicJwk().ToJsonString()), input);
            }

            var hash = alg[2..] switch
            {
                "384" => HashAlgorithmName.SHA384,
                "512" => HashAlgorithmName.SHA512,
                _ => HashAlgorithmName.SHA256,
            };
            if (_ec is not null)
            {
                return _ec.SignData(input, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            }

            if (_rsa is not null)
            {
                return _rsa.SignData(input, hash, alg.StartsWith("PS", StringComparison.Ordinal) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1);
            }

            return NSec.Cryptography.SignatureAlgorithm.Ed25519.Sign(_ed!, input);
        }

        public void Dispose()
        {
            _ec?.Dispose();
            _rsa?.Dispose();
            _ed?.Dispose();
        }
    }

    /// <summary>A proof being put together; change <see cref="Header"/> and <see cref="Payload"/> freely.</summary>
    internal sealed class Builder
    {
        public Builder(Key key) => SignWith = key;

        public JsonObject Header { get; } = [];

        public JsonObject Payload { get; } = [];

        /// <summary>The key that signs (by default the key whose JWK is in the header).</summary>
        public Key SignWith { get; set; }

        /// <summary>The algorithm used to sign (by default the key's own, whatever the header says).</summary>
        public string? SigningAlg { get; set; }

        /// <summary>Replaces the encoded header after signing.</summary>
        public string? HeaderPart { get; set; }

        /// <summary>Replaces the encoded payload after signing (a tampered proof).</summary>
        public string? PayloadPart { get; set; }

        /// <summary>Replaces the encoded signature ("" for an unsigned proof).</summary>
        public string? Signature { get; set; }

        /// <summary>The header's jwk (to add a private member, or change one).</summary>
        public JsonObject Jwk => Header["jwk"]!.AsObject();

        public string Build()
        {
            var header = B64(Header.ToJsonString(Json));
            var payload = B64(Payload.ToJsonString(Json));
            var input = Encoding.ASCII.GetBytes(header + "." + payload);
            var signature = Signature ?? Base64Url.EncodeToString(SignWith.Sign(input, SigningAlg ?? SignWith.Alg));
            return (HeaderPart ?? header) + "." + (PayloadPart ?? payload) + "." + signature;
        }
    }
}
