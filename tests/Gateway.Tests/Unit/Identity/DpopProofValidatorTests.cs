using System.Text.Json.Nodes;
using Gateway.Configuration;
using Gateway.Identity;
using Gateway.Identity.Dpop;
using Gateway.Tests.Integration;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Unit.Identity;

public sealed class DpopProofValidatorTests : IDisposable
{
    private const string Token = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ3b3JrbG9hZCJ9.c2lnbmF0dXJl";
    private const string Htu = "https://api.example.com/orders/42";
    private static readonly DateTimeOffset Start = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly DpopTarget Target = new("https", "api.example.com", "/orders/42");

    // Keys are made once per run: RSA generation is slow, and no test changes a key.
    private static readonly Lazy<DpopProofs.Key> Es256 = new(() => DpopProofs.CreateKey("ES256"));
    private static readonly Lazy<DpopProofs.Key> OtherEs256 = new(() => DpopProofs.CreateKey("ES256"));
    private static readonly Lazy<DpopProofs.Key> Rs256 = new(() => DpopProofs.CreateKey("RS256"));
    private static readonly Lazy<DpopProofs.Key> Ed25519 = new(() => DpopProofs.CreateKey("EdDSA"));
    private static readonly Lazy<DpopProofs.Key> Rsa1024 = new(() => DpopProofs.CreateKey("RS256", 1024));

    private readonly FakeTimeProvider _time = new(Start);
    private readonly DpopOptions _options = new();
    private InMemoryDpopReplayStore _store;
    private DpopNonces _nonces;
    private DpopProofValidator _validator;

    public DpopProofValidatorTests()
    {
        _store = new InMemoryDpopReplayStore(1000, _time);
        _nonces = new DpopNonces(_time);
        _validator = new DpopProofValidator(_options, _store, _nonces, _time);
    }

    public void Dispose() => _store.Dispose();

    private void Rebuild(int capacity = 1000, IDpopReplayStore? store = null)
    {
        _store.Dispose();
        _store = new InMemoryDpopReplayStore(capacity, _time);
        _validator = new DpopProofValidator(_options, store ?? _store, _nonces, _time);
    }

    private static DpopProofs.Builder Proof(DpopProofs.Key? key = null, string htm = "GET", string htu = Htu,
        DateTimeOffset? iat = null, string? nonce = null)
        => DpopProofs.Proof(key ?? Es256.Value, htm, htu, iat ?? Start, Token, nonce);

    private Task<AuthFailure> Validate(string proof, string method = "GET", DpopTarget? target = null, string token = Token,
        string? jkt = null, DpopProofs.Key? key = null)
        => Validate(new StringValues(proof), method, target, token, jkt ?? DpopProofs.Jkt(key ?? Es256.Value));

    private async Task<AuthFailure> Validate(StringValues header, string method = "GET", DpopTarget? target = null,
        string token = Token, string? jkt = null)
        => await _validator.ValidateAsync(header, method, target ?? Target, token, jkt ?? DpopProofs.Jkt(Es256.Value),
            CancellationToken.None);

    // ---- valid proofs ----

    [Theory]
    [InlineData("ES256")]
    [InlineData("ES384")]
    [InlineData("ES512")]
    [InlineData("RS256")]
    [InlineData("RS384")]
    [InlineData("PS256")]
    [InlineData("PS512")]
    [InlineData("EdDSA")]
    public async Task ValidateAsync_ValidProofForEachAlgorithm_Succeeds(string alg)
    {
        _options.Algorithms = ["ES256", "ES384", "ES512", "RS256", "RS384", "PS256", "PS512", "EdDSA"];
        Rebuild();
        using var key = alg is "RS256" ? null : DpopProofs.CreateKey(alg);
        var k = key ?? Rs256.Value;

        Assert.Equal(AuthFailure.None, await Validate(Proof(k).Build(), key: k));
    }

    [Fact]
    public async Task ValidateAsync_DefaultAlgorithms_AcceptEs256Rs256Ps256EdDsa()
    {
        using var ps = DpopProofs.CreateKey("PS256");
        foreach (var key in new[] { Es256.Value, Rs256.Value, ps, Ed25519.Value })
        {
            Assert.Equal(AuthFailure.None, await Validate(Proof(key).Build(), key: key));
        }
    }

    [Fact]
    public async Task ValidateAsync_FractionalIatAndExtraClaims_Succeeds()
    {
        var proof = Proof();
        proof.Payload["iat"] = Start.ToUnixTimeSeconds() + 0.25;
        proof.Payload["exp"] = Start.ToUnixTimeSeconds() + 60;
        proof.Payload["extra"] = new JsonObject { ["nested"] = new JsonArray(1, 2, 3) };
        proof.Header["kid"] = "client-key";

        Assert.Equal(AuthFailure.None, await Validate(proof.Build()));
    }

    [Fact]
    public async Task ValidateAsync_EscapedClaimValues_Succeeds()
    {
        // JSON escapes are legal everywhere; a proof's claims mean the same escaped or not.
        var proof = Proof();
        var payload = proof.Payload.ToJsonString().Replace("\"GET\"", "\"\\u0047ET\"", StringComparison.Ordinal)
            .Replace("/orders/42", "\\/orders\\/42", StringComparison.Ordinal);
        var header = DpopProofs.B64(proof.Header.ToJsonString());
        var encodedPayload = DpopProofs.B64(payload);
        var signature = System.Buffers.Text.Base64Url.EncodeToString(
            Es256.Value.Sign(System.Text.Encoding.ASCII.GetBytes(header + "." + encodedPayload)));

        Assert.Equal(AuthFailure.None, await Validate(header + "." + encodedPayload + "." + signature));
    }

    // ---- the header line ----

    [Fact]
    public async Task ValidateAsync_NoHeader_ProofMissing()
    {
        Assert.Equal(AuthFailure.DpopProofMissing, await Validate(StringValues.Empty));
        Assert.Equal(AuthFailure.DpopProofMissing, await Validate(new StringValues("")));
    }

    [Fact]
    public async Task ValidateAsync_TwoHeaders_ProofInvalid()
    {
        var proof = Proof().Build();
        Assert.Equal(AuthFailure.DpopProofInvalid, await Validate(new StringValues([proof, proof])));
        Assert.Equal(AuthFailure.DpopProofInvalid, await Validate(new StringValues([proof, Proof().Build()])));
    }

    [Fact]
    public async Task ValidateAsync_TwoProofsInOneHeaderLine_ProofInvalid()
        => Assert.Equal(AuthFailure.DpopProofInvalid, await Validate(Proof().Build() + ", " + Proof().Build()));

    [Fact]
    public async Task ValidateAsync_ProofLargerThanLimit_ProofInvalid()
    {
        var proof = Proof();
        proof.Payload["padding"] = new string('a', DpopProofValidator.MaxProofLength);

        Assert.Equal(AuthFailure.DpopProofInvalid, await Validate(proof.Build()));
    }

    [Theory]
    [InlineData("two parts", "aaaa.bbbb")]
    [InlineData("four parts", "aaaa.bbbb.cccc.dddd")]
    [InlineData("JWE compact (five parts)", "aaaa.bbbb.cccc.dddd.eeee")]
    [InlineData("empty header", ".bbbb.cccc")]
    [InlineData("empty payload", "aaaa..cccc")]
    [InlineData("empty signature", "aaaa.bbbb.")]
    [InlineData("padding", "aaaa.bbbb.cccc==")]
    [InlineData("standard base64", "aa+a.bb/b.cccc")]
    [InlineData("whitespace", "aaaa. bbbb.cccc")]
    [InlineData("not base64url length", "aaaaa.bbbb.cccc")]
    [InlineData("header not JSON", "bm90IGpzb24.e30.c2ln")]
    [InlineData("header a JSON array", "W10.e30.c2ln")]
    [InlineData("header a JSON string", "ImEi.e30.c2ln")]
    public async Task ValidateAsync_NotACompactJws_ProofInvalid(string name, string proof)
    {
        _ = name;
        Assert.Equal(AuthFailure.DpopProofInvalid, await Validate(proof));
    }

    // ---- the JOSE header ----

    [Theory]
    [InlineData("typ missing", null)]
    [InlineData("typ JWT", "JWT")]
    [InlineData("typ upper case", "DPOP+JWT")]
    [InlineData("typ with application/ prefix", "application/dpop+jwt")]
    [InlineData("typ at+jwt", "at+jwt")]
    public async Task ValidateAsync_WrongTyp_ProofInvalid(string name, string? typ)
    {
        _ = name;
        var proof = Proof();
        proof.Header.Remove("typ");
        if (typ is not null)
        {
            proof.Header["typ"] = typ;
        }

        Assert.Equal(AuthFailure.DpopProofInvalid, await Validate(proof.Build()));
    }

    [Fact]
    public async Task ValidateAsync_TypNotAString_ProofInvalid()
    {
        var proof = Proof();
        proof.Header["typ"] = new JsonArray("dpop+jwt");
        Assert.Equal(AuthFailure.DpopProofInvalid, await Validate(proof.Build()));
    }

    [Theory]
    [InlineData("none, no signature", "none", "")]
    [InlineData("none, with a signature", "none", null)]
    [InlineData("None", "None", null)]
    [InlineData("missing", null, null)]
    [InlineData("empty", "", null)]
    [InlineData("lower case es256", "es256", null)]
    [InlineData("unknown", "ES257", null)]
    public async Task ValidateAsync_NoneOrUnknownAlg_ProofInvalid(string name, string? alg, string? signature)
    {
        _ = name;
        var proof = Proof();
        proof.Header.Remove("alg");
        if (alg is not null)
        {
            proof.Header["alg"] = alg;
        }

        proof.Signature = signature;
        Assert.Equal(AuthFailure.DpopProofInvalid, await Validate(proof.Build()));
    }

    [Fact]
    public void Algorithms_ListsOnlyUsableConfiguredNames()
    {
        Assert.Equal("ES256 RS256 PS256 EdDSA", _validator.Algorithms);
        _options.Algorithms = ["none", "HS256", "ES384", "es256", "ES384", "EdDSA"];
        Rebuild();
        Assert.Equal("ES384 EdDSA", _validator.Algorithms);
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("HS384")]
    [InlineData("HS512")]
    public async Task ValidateAsync_HmacSignedWithThePublicJwk_ProofInvalid(string alg)
    {
        // The key-confusion forgery: an HMAC "keyed" with the public key, which anyone has.
        _options.Algorithms = ["ES256", "HS256", "HS384", "HS512"];
        Rebuild();
        var proof = Proof();
        proof.Header["alg"] = alg;
        proof.SigningAlg = alg;

        Assert.Equal(AuthFailure.DpopProofInvalid, await Validate(proof.Build()));
    }

    [Fact]
    public async Task ValidateAsync_AlgNotInAllowList_ProofInvalid()
    {
        using var es384 = DpopProofs.CreateKey("ES384");
        Assert.Equal(AuthFailure.DpopProofInvalid, await Validate(Proof(es384).Build(), key: es384));

        _options.Algorithms = ["EdDSA"];
        Rebuild();
        Assert.Equal(AuthFailure.DpopProofInvalid, await Validate(Proof().Build()));
    }

    [Theory]
    [InlineData("RS256 header, EC P-256 key", "RS256", "ES256")]
    [InlineData("PS256 header, EC P-256 key", "PS256", "ES256")]
    [InlineData("EdDSA header, EC P-256 key", "EdDSA", "ES256")]
    [InlineData("ES256 header, RSA key", "ES256", "RS256")]
    [InlineData("ES256 header, Ed25519 key", "ES256", "EdDSA")]
    [InlineData("ES256 header, EC P-384 key", "ES256", "ES384")]
    [InlineData("ES384 header, EC P-256 key", "ES384", "ES256")]
    [InlineData("EdDSA header, RSA key", "EdDSA", "RS256")]
    public async Task ValidateAsync_AlgAndKeyTypeDisagree_ProofInvalid(string name, string headerAlg, string keyAlg)
    {
        _ = name;
        _options.Algorithms = ["ES256", "ES384", "RS256", "PS256", "EdDSA"];
        Rebuild();
        using var own = keyAlg is "RS256" ? null : DpopProofs.CreateKey(keyAlg);
        var key = own ?? Rs256.Value;
        var proof = Proof(key);
        proof.Header["alg"] = headerAlg;

        Assert.Equal(AuthFailure.DpopProofInvalid, await Validate(proof.Build(), key: key));
    }

    [Fact]
    public async Task ValidateAsync_Rsa1024Key_ProofInvalid()
    {
        var key = Rsa1024.Value;
        Assert.Equal(AuthFailure.DpopProofInvalid, await Validate(Proof(key).Build(), key: key));
    }

    [Theory]
    [InlineData("d")]
    [InlineData("p")]
    [InlineData("q")]
    [InlineData("dp")]
    [InlineData("dq")]
    [InlineData("qi")]
    [InlineData("k")]
    [InlineData("oth")]
    public async Task ValidateAsync_PrivateMemberInJwk_ProofInvalid(string member)
    {
        var proof = Proof();
        proof.Jwk[member] = member == "oth" ? new JsonArray() : Es256.Value.PrivateD();

        Assert.Equal(AuthFailure.DpopProofInvalid, await Validate(proof.Build()));
    }

    [Theory]
    [InlineData("ES256")]
    [InlineData("RS256")]
    [InlineData("EdDSA")]
    public async Task ValidateAsync_RealPrivateKeyInJwk_ProofInvalid(string alg)
    {
        var key = alg switch { "RS256" => Rs256.Value, "EdDSA" => Ed25519.Value, _ => Es256.Value };
        var proof = Proof(key);
        proof.Jwk["d"] = key.PrivateD();

        Assert.Equal(AuthFailure.DpopProofInvalid, await Validate(proof.Build(), key: key));
    }

    [Theory]
    [InlineData("jwk missing")]
    [InlineData("jwk a string")]
    [InlineData("kty missing")]
    [InlineData("kty oct")]
    [InlineData("crv missing")]
    [InlineData("x missing")]
    [InlineData("y missing")]
    [InlineData("x too short")]
    [InlineData("x padded")]
    [InlineData("x standard base64")]
    [InlineData("x a number")]
    [InlineData("point not on the curve")]
    [InlineData("jwk alg differs")]
    [InlineData("crit")]
    [InlineData("crit empty")]
    public async Task ValidateAsync_BadJwkOrHeaderMember_ProofInvalid(string name)
    {
        var proof = Proof();
        var jwk = proof.Jwk;
        var x = jwk["x"]!.GetValue<string>();
        var y = jwk["y"]!.GetValue<string>();
        switch (name)
        {
            case "jwk missing": proof.Header.Remove("jwk"); break;
            case "jwk a string": proof.Header["jwk"] = jwk.ToJsonString(); break;
            case "kty missing": jwk.Remove("kty"); break;
            case "kty oct": jwk["kty"] = "oct"; break;
            case "crv missing": jwk.Remove("crv"); break;
            case "x missing": jwk.Remove("x"); break;
            case "y missing": jwk.Remove("y"); break;
            case "x too short": jwk["x"] = x[..40]; break;
            case "x padded": jwk["x"] = x + "="; break;
            case "x standard base64": jwk["x"] = "+" + x[1..]; break;
            case "x a number": jwk["x"] = 42; break;
            case "point not on the curve": jwk["y"] = FlipLastBit(y); break;
            case "jwk alg differs": jwk["alg"] = "RS256"; break;
            case "crit": proof.Header["crit"] = new JsonArray("exp"); proof.Header["exp"] = 1; break;
            case "crit empty": proof.Header["crit"] = new JsonArray(); break;
        }

        Assert.Equal(AuthFailure.DpopProofInvalid, await Validate(proof.Build()));
    }

    [Fact]
    public async Task ValidateAsync_JwkAlgSameAsHeader_Succeeds()
    {
        var proof = Proof();
        proof.Jwk["alg"] = "ES256";
        proof.Jwk["use"] = "sig";
        proof.Jwk["kid"] = "k1";

        Assert.Equal(AuthFailure.None, await Validate(proof.Build()));
    }

    [Theory]
    [InlineData("typ")]
    [InlineData("alg")]
    [InlineData("jwk")]
    public async Task ValidateAsync_DuplicateHeaderMember_ProofInvalid(string member)
    {
        // Two parsers may pick different copies; the proof is refused rather than read one way.
        var proof = Proof();
        var json = proof.Header.ToJsonString();
        var value = proof.Header[member]!.ToJsonString();
        proof.HeaderPart = DpopProofs.B64("{\"" + member + "\":" + value + "," + json[1..]);
        var forged = proof.Build();
        var parts = forged.Split('.');
        var signature = System.Buffers.Text.Base64Url.EncodeToString(
            Es256.Value.Sign(System.Text.Encoding.ASCII.GetBytes(parts[0] + "." + parts[1])));

        Assert.Equal(AuthFailure.DpopProofInvalid, await Validate(parts[0] + "." + parts[1] + "." + signature));
    }

    // ---- the signature ----

    [Fact]
    public async Task ValidateAsync_TamperedPayload_ProofInvalid()
    {
        var proof = Proof();
        var genuine = proof.Build();
        proof.Payload["htu"] = "https://api.example.com/admin";
        proof.PayloadPart = DpopProofs.B64(proof.Payload.ToJsonString());
        proof.Signature = genuine.Split('.')[2];

        Assert.Equal(AuthFailure.DpopProofInvalid, await Validate(proof.Build()));
    }

    [Fact]
    public async Task ValidateAsync_TamperedHeader_ProofInvalid()
    {
        var proof = Proof();
        var genuine = proof.Build();
        proof.Header["kid"] = "added";
        proof.HeaderPart = DpopProofs.B64(proof.Header.ToJsonString());
        proof.Signature = genuine.Split('.')[2];

        Assert.Equal(AuthFailure.DpopProofInvalid, await Validate(proof.Build()));
    }

    [Theory]
    [InlineData("ES256")]
    [InlineData("RS256")]
    [InlineData("EdDSA")]
    public async Task ValidateAsync_SignatureBitFlipped_ProofInvalid(string alg)
    {
        var key = alg switch { "RS256" => Rs256.Value, "EdDSA" => Ed25519.Value, _ => Es256.Value };
        var genuine = Proof(key).Build();
        var dot = genuine.LastIndexOf('.');
        var signature = System.Buffers.Text.Base64Url.DecodeFromChars(genuine.AsSpan(dot + 1));
        signature[signature.Length / 2] ^= 0x01;

        var forged = genuine[..(dot + 1)] + System.Buffers.Text.Base64Url.EncodeToString(signature);
        Assert.Equal(AuthFailure.DpopProofInvalid, await Validate(forged, key: key));
    }

    [Fact]
    public async Task ValidateAsync_SignedByAnotherKeyThanTheEmbeddedOne_ProofInvalid()
    {
        var proof = Proof();
        proof.SignWith = OtherEs256.Value;
        Assert.Equal(AuthFailure.DpopProofInvalid, await Validate(proof.Build()));
    }

    [Theory]
    [InlineData("DER-encoded ECDSA signature")]
    [InlineData("truncated signature")]
    [InlineData("PKCS#1 signature under PS256")]
    public async Task ValidateAsync_WrongSignatureEncoding_ProofInvalid(string name)
    {
        var key = name.Contains("PS256", StringComparison.Ordinal) ? Rs256.Value : Es256.Value;
        var proof = Proof(key);
        var genuine = proof.Build();
        var signature = genuine.Split('.')[2];
        switch (name)
        {
            case "DER-encoded ECDSA signature":
                proof.Signature = System.Buffers.Text.Base64Url.EncodeToString(ToDer(System.Buffers.Text.Base64Url.DecodeFromChars(signature)));
                break;
            case "truncated signature":
                proof.Signature = signature[..^4];
                break;
            default:
                proof.Header["alg"] = "PS256";
                proof.SigningAlg = "RS256";
                break;
        }

        Assert.Equal(AuthFailure.DpopProofInvalid, await Validate(proof.Build(), key: key));
    }

    [Fact]
    public async Task ValidateAsync_BadSignatureAndWrongMethod_ReportsInvalidFirst()
    {
        // Nothing about the request is compared before the signature verified.
        var proof = Proof(htm: "POST", htu: "https://evil.example/");
        proof.SignWith = OtherEs256.Value;
        Assert.Equal(AuthFailure.DpopProofInvalid, await Validate(proof.Build()));
    }

    // ---- the payload ----

    [Theory]
    [InlineData("jti")]
    [InlineData("htm")]
    [InlineData("htu")]
    [InlineData("iat")]
    public async Task ValidateAsync_RequiredClaimMissing_ProofInvalid(string claim)
    {
        var proof = Proof();
        proof.Payload.Remove(claim);
        Assert.Equal(AuthFailure.DpopProofInvalid, await Validate(proof.Build()));
    }

    [Theory]
    [InlineData("jti a number", "jti")]
    [InlineData("jti empty", "jti")]
    [InlineData("jti too long", "jti")]
    [InlineData("jti with a space", "jti")]
    [InlineData("jti non-ASCII", "jti")]
    [InlineData("htm a number", "htm")]
    [InlineData("htu null", "htu")]
    [InlineData("iat a string", "iat")]
    [InlineData("iat null", "iat")]
    [InlineData("ath a number", "ath")]
    [InlineData("nonce an object", "nonce")]
    public async Task ValidateAsync_ClaimOfWrongShape_ProofInvalid(string name, string claim)
    {
        var proof = Proof();
        proof.Payload[claim] = name switch
        {
            "jti empty" => "",
            "jti too long" => new string('j', 257),
            "jti with a space" => "a b",
            "jti non-ASCII" => "jti-é",
            "htu null" => null,
            "iat a string" => Start.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "iat null" => null,
            "nonce an object" => new JsonObject(),
            _ => 42,
        };

        Assert.Equal(AuthFailure.DpopProofInvalid, await Validate(proof.Build()));
    }

    [Fact]
    public async Task ValidateAsync_JtiOf256VisibleCharacters_Succeeds()
    {
        var proof = Proof();
        proof.Payload["jti"] = new string('~', 256);
        Assert.Equal(AuthFailure.None, await Validate(proof.Build()));
    }

    [Theory]
    [InlineData("jti")]
    [InlineData("htu")]
    [InlineData("iat")]
    [InlineData("ath")]
    public async Task ValidateAsync_DuplicateClaim_ProofInvalid(string claim)
    {
        var proof = Proof();
        var json = proof.Payload.ToJsonString();
        var replacement = claim == "iat" ? "1" : "\"other\"";
        proof.PayloadPart = DpopProofs.B64("{\"" + claim + "\":" + replacement + "," + json[1..]);
        var parts = proof.Build().Split('.');
        var signature = System.Buffers.Text.Base64Url.EncodeToString(
            Es256.Value.Sign(System.Text.Encoding.ASCII.GetBytes(parts[0] + "." + parts[1])));

        Assert.Equal(AuthFailure.DpopProofInvalid, await Validate(parts[0] + "." + parts[1] + "." + signature));
    }

    [Theory]
    [InlineData("array", "[]")]
    [InlineData("trailing data", "{\"jti\":\"a\",\"htm\":\"GET\",\"htu\":\"https://api.example.com/orders/42\",\"iat\":1}{}")]
    [InlineData("truncated", "{\"jti\":\"a\",\"htm\":\"GET\"")]
    [InlineData("not JSON", "jti=a")]
    public async Task ValidateAsync_PayloadNotOneObject_ProofInvalid(string name, string payload)
    {
        _ = name;
        var proof = Proof();
        proof.PayloadPart = DpopProofs.B64(payload);
        var parts = proof.Build().Split('.');
        var signature = System.Buffers.Text.Base64Url.EncodeToString(
            Es256.Value.Sign(System.Text.Encoding.ASCII.GetBytes(parts[0] + "." + parts[1])));

        Assert.Equal(AuthFailure.DpopProofInvalid, await Validate(parts[0] + "." + parts[1] + "." + signature));
    }

    // ---- htm ----

    [Theory]
    [InlineData("other method", "POST", "GET")]
    [InlineData("lower-case proof", "get", "GET")]
    [InlineData("lower-case request", "GET", "get")]
    [InlineData("trailing space", "GET ", "GET")]
    public async Task ValidateAsync_MethodDiffers_MethodMismatch(string name, string htm, string method)
    {
        _ = name;
        Assert.Equal(AuthFailure.DpopMethodMismatch, await Validate(Proof(htm: htm).Build(), method));
    }

    [Fact]
    public async Task ValidateAsync_SameExtensionMethod_Succeeds()
        => Assert.Equal(AuthFailure.None, await Validate(Proof(htm: "PURGE").Build(), "PURGE"));

    // ---- htu ----

    [Theory]
    [InlineData("other host", "https://other.example.com/orders/42")]
    [InlineData("other port", "https://api.example.com:8443/orders/42")]
    [InlineData("other scheme", "http://api.example.com/orders/42")]
    [InlineData("other path", "https://api.example.com/orders/43")]
    [InlineData("trailing slash", "https://api.example.com/orders/42/")]
    [InlineData("path prefix", "https://api.example.com/orders")]
    [InlineData("encoded slash", "https://api.example.com/orders%2F42")]
    [InlineData("relative", "/orders/42")]
    [InlineData("user info", "https://user@api.example.com/orders/42")]
    [InlineData("other scheme name", "wss://api.example.com/orders/42")]
    public async Task ValidateAsync_HtuDiffers_UrlMismatch(string name, string htu)
    {
        _ = name;
        Assert.Equal(AuthFailure.DpopUrlMismatch, await Validate(Proof(htu: htu).Build()));
    }

    [Theory]
    [InlineData("query ignored", "https://api.example.com/orders/42?page=2")]
    [InlineData("fragment ignored", "https://api.example.com/orders/42#top")]
    [InlineData("explicit default port", "https://api.example.com:443/orders/42")]
    [InlineData("upper-case scheme and host", "HTTPS://API.Example.COM/orders/42")]
    [InlineData("encoded unreserved character", "https://api.example.com/%6Frders/42")]
    public async Task ValidateAsync_HtuEquivalent_Succeeds(string name, string htu)
    {
        _ = name;
        Assert.Equal(AuthFailure.None, await Validate(Proof(htu: htu).Build()));
    }

    [Fact]
    public async Task ValidateAsync_RequestWithExplicitDefaultPortAndQuery_MatchesProofWithout()
    {
        var target = new DpopTarget("https", "API.example.com:443", "/orders/42?page=1");
        Assert.Equal(AuthFailure.None, await Validate(Proof().Build(), target: target));
    }

    [Fact]
    public async Task ValidateAsync_PercentEncodingCase_Succeeds()
    {
        var target = new DpopTarget("http", "gw.local:8080", "/files/a%2fb%c3%a9");
        var proof = Proof(htu: "http://gw.local:8080/files/a%2Fb%C3%A9").Build();
        Assert.Equal(AuthFailure.None, await Validate(proof, target: target));
    }

    [Fact]
    public async Task ValidateAsync_DotSegments_MatchOnlyWhatWasReceived()
    {
        var received = new DpopTarget("https", "api.example.com", "/a/../b");
        Assert.Equal(AuthFailure.DpopUrlMismatch, await Validate(Proof(htu: "https://api.example.com/b").Build(), target: received));
        Assert.Equal(AuthFailure.DpopUrlMismatch,
            await Validate(Proof(htu: "https://api.example.com/a/../b").Build(), target: new DpopTarget("https", "api.example.com", "/b")));
        Assert.Equal(AuthFailure.None, await Validate(Proof(htu: "https://api.example.com/a/../b").Build(), target: received));
    }

    // ---- iat ----

    [Theory]
    [InlineData("oldest accepted (lifetime + skew)", -65, AuthFailure.None)]
    [InlineData("one second too old", -66, AuthFailure.DpopProofExpired)]
    [InlineData("an hour old", -3600, AuthFailure.DpopProofExpired)]
    [InlineData("now", 0, AuthFailure.None)]
    [InlineData("skew ahead", 5, AuthFailure.None)]
    [InlineData("one second beyond skew", 6, AuthFailure.DpopProofExpired)]
    [InlineData("a day ahead", 86400, AuthFailure.DpopProofExpired)]
    public async Task ValidateAsync_IatWindow(string name, int offsetSeconds, AuthFailure expected)
    {
        _ = name;
        Assert.Equal(expected, await Validate(Proof(iat: Start.AddSeconds(offsetSeconds)).Build()));
    }

    [Fact]
    public async Task ValidateAsync_IatAbsurd_ProofExpired()
    {
        foreach (var iat in new JsonNode[] { -1e300, 1e300, 0, long.MaxValue })
        {
            var proof = Proof();
            proof.Payload["iat"] = iat;
            Assert.Equal(AuthFailure.DpopProofExpired, await Validate(proof.Build()));
        }
    }

    // ---- ath ----

    [Fact]
    public async Task ValidateAsync_AthOfAnotherToken_AccessTokenMismatch()
        => Assert.Equal(AuthFailure.DpopAccessTokenMismatch, await Validate(Proof().Build(), token: Token + "x"));

    [Theory]
    [InlineData("missing")]
    [InlineData("empty")]
    [InlineData("hex instead of base64url")]
    [InlineData("padded")]
    [InlineData("hash of the token without its signature")]
    public async Task ValidateAsync_AthWrong_AccessTokenMismatch(string name)
    {
        var proof = Proof();
        var ath = DpopProofs.Ath(Token);
        switch (name)
        {
            case "missing": proof.Payload.Remove("ath"); break;
            case "empty": proof.Payload["ath"] = ""; break;
            case "hex instead of base64url":
                proof.Payload["ath"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(Token)));
                break;
            case "padded": proof.Payload["ath"] = ath + "="; break;
            default: proof.Payload["ath"] = DpopProofs.Ath(Token[..Token.LastIndexOf('.')]); break;
        }

        Assert.Equal(AuthFailure.DpopAccessTokenMismatch, await Validate(proof.Build()));
    }

    // ---- jkt ----

    [Fact]
    public async Task ValidateAsync_TokenBoundToAnotherKey_KeyMismatch()
    {
        Assert.Equal(AuthFailure.DpopKeyMismatch, await Validate(Proof().Build(), jkt: DpopProofs.Jkt(OtherEs256.Value)));
        Assert.Equal(AuthFailure.DpopKeyMismatch, await Validate(Proof().Build(), jkt: ""));
        Assert.Equal(AuthFailure.DpopKeyMismatch, await Validate(Proof().Build(), jkt: DpopProofs.Jkt(Es256.Value) + "A"));
        Assert.Equal(AuthFailure.DpopKeyMismatch, await Validate(Proof().Build(), jkt: DpopProofs.Jkt(Es256.Value).ToUpperInvariant()));
    }

    [Fact]
    public async Task ValidateAsync_ExtraJwkMembers_ThumbprintIgnoresThem()
    {
        var proof = Proof();
        proof.Jwk["kid"] = "whatever";
        proof.Jwk["use"] = "sig";
        proof.Jwk["x5t"] = "ignored";
        Assert.Equal(AuthFailure.None, await Validate(proof.Build()));
    }

    // ---- replay ----

    [Fact]
    public async Task ValidateAsync_SameProofTwice_SecondIsReplay()
    {
        var proof = Proof().Build();
        Assert.Equal(AuthFailure.None, await Validate(proof));
        Assert.Equal(AuthFailure.DpopReplay, await Validate(proof));
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(AuthFailure.DpopReplay, await Validate(proof));
    }

    [Fact]
    public async Task ValidateAsync_NewProofWithSameJti_Replay()
    {
        var first = Proof();
        first.Payload["jti"] = "fixed-jti";
        var second = Proof(htm: "POST");
        second.Payload["jti"] = "fixed-jti";

        Assert.Equal(AuthFailure.None, await Validate(first.Build()));
        Assert.Equal(AuthFailure.DpopReplay, await Validate(second.Build(), "POST"));
    }

    [Fact]
    public async Task ValidateAsync_SameJtiFromAnotherKey_IsNotReplay()
    {
        var mine = Proof();
        mine.Payload["jti"] = "shared-jti";
        var theirs = Proof(OtherEs256.Value);
        theirs.Payload["jti"] = "shared-jti";

        Assert.Equal(AuthFailure.None, await Validate(mine.Build()));
        Assert.Equal(AuthFailure.None, await Validate(theirs.Build(), key: OtherEs256.Value));
    }

    [Fact]
    public async Task ValidateAsync_RefusedProof_DoesNotUseUpItsJti()
    {
        var refused = Proof();
        refused.Payload["jti"] = "once";
        Assert.Equal(AuthFailure.DpopAccessTokenMismatch, await Validate(refused.Build(), token: "another-token"));
        Assert.Equal(AuthFailure.DpopKeyMismatch, await Validate(refused.Build(), jkt: DpopProofs.Jkt(OtherEs256.Value)));

        Assert.Equal(AuthFailure.None, await Validate(refused.Build()));
        Assert.Equal(1, _store.Count);
    }

    [Fact]
    public async Task ValidateAsync_ReplayStoreFull_ReplayCacheUnavailable()
    {
        Rebuild(capacity: 1);
        Assert.Equal(AuthFailure.None, await Validate(Proof().Build()));
        Assert.Equal(AuthFailure.ReplayCacheUnavailable, await Validate(Proof().Build()));
    }

    [Fact]
    public async Task ValidateAsync_ReplayStoreFullOfExpiredKeys_ReclaimsAndSucceeds()
    {
        Rebuild(capacity: 1);
        Assert.Equal(AuthFailure.None, await Validate(Proof().Build()));
        _time.Advance(TimeSpan.FromSeconds(71)); // lifetime 60 + 2 × skew 5: the first key expired
        Assert.Equal(AuthFailure.None, await Validate(Proof(iat: _time.GetUtcNow()).Build()));
    }

    [Theory]
    [InlineData("Unavailable", AuthFailure.ReplayCacheUnavailable)]
    [InlineData("Replayed", AuthFailure.DpopReplay)]
    [InlineData("Registered", AuthFailure.None)]
    public async Task ValidateAsync_StoreAnswer_Mapped(string answer, AuthFailure expected)
    {
        var store = new ScriptedStore { Answer = Enum.Parse<ReplayCheck>(answer), Async = true };
        Rebuild(store: store);
        Assert.Equal(expected, await Validate(Proof().Build()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ValidateAsync_StoreThrows_FailsClosed(bool async)
    {
        var store = new ScriptedStore { Failure = new InvalidOperationException("backend down"), Async = async };
        Rebuild(store: store);
        Assert.Equal(AuthFailure.ReplayCacheUnavailable, await Validate(Proof().Build()));
    }

    [Fact]
    public async Task ValidateAsync_RegistersScopedKeyUntilIatPlusLifetimePlusTwoSkews()
    {
        var store = new ScriptedStore { Answer = ReplayCheck.Registered };
        Rebuild(store: store);
        var iat = Start.AddSeconds(-10);
        Assert.Equal(AuthFailure.None, await Validate(Proof(iat: iat).Build()));

        Assert.Equal(iat + TimeSpan.FromSeconds(70), store.LastExpires);
        Assert.Equal(43, store.LastKey!.Length);
        Assert.DoesNotContain(DpopProofs.Jkt(Es256.Value), store.LastKey, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAsync_StoreNotAskedWhenAnEarlierCheckFails()
    {
        var store = new ScriptedStore { Answer = ReplayCheck.Registered };
        Rebuild(store: store);
        await Validate(Proof(htm: "POST").Build());
        await Validate(Proof().Build(), token: "other");
        Assert.Equal(0, store.Calls);
    }

    // ---- nonce ----

    [Fact]
    public async Task ValidateAsync_NonceRequiredAndMissing_NonceRequired()
    {
        _options.RequireNonce = true;
        Rebuild();
        Assert.Equal(AuthFailure.DpopNonceRequired, await Validate(Proof().Build()));
    }

    [Fact]
    public async Task ValidateAsync_NonceRequiredAndCurrent_Succeeds()
    {
        _options.RequireNonce = true;
        Rebuild();
        Assert.Equal(AuthFailure.None, await Validate(Proof(nonce: _nonces.Current()).Build()));
    }

    [Fact]
    public async Task ValidateAsync_NonceOfPreviousStep_Succeeds()
    {
        _options.RequireNonce = true;
        Rebuild();
        var nonce = _nonces.Current();
        _time.Advance(_nonces.Step);

        Assert.Equal(AuthFailure.None, await Validate(Proof(iat: _time.GetUtcNow(), nonce: nonce).Build()));
    }

    [Fact]
    public async Task ValidateAsync_NonceTwoStepsOld_NonceRequired()
    {
        _options.RequireNonce = true;
        Rebuild();
        var nonce = _nonces.Current();
        _time.Advance(_nonces.Step * 2);

        Assert.Equal(AuthFailure.DpopNonceRequired, await Validate(Proof(iat: _time.GetUtcNow(), nonce: nonce).Build()));
    }

    [Theory]
    [InlineData("another process's key")]
    [InlineData("garbage")]
    [InlineData("empty")]
    [InlineData("tampered")]
    public async Task ValidateAsync_ForgedNonce_NonceRequired(string name)
    {
        _options.RequireNonce = true;
        Rebuild();
        var genuine = _nonces.Current();
        var nonce = name switch
        {
            "another process's key" => new DpopNonces(_time).Current(),
            "garbage" => "not-a-nonce",
            "empty" => "",
            _ => (genuine[^2] == 'A' ? genuine[..^2] + "B" : genuine[..^2] + "A") + genuine[^1],
        };

        Assert.Equal(AuthFailure.DpopNonceRequired, await Validate(Proof(nonce: nonce).Build()));
    }

    [Fact]
    public async Task ValidateAsync_NonceNotRequiredButInvalid_NonceRequired()
        => Assert.Equal(AuthFailure.DpopNonceRequired, await Validate(Proof(nonce: "stale-or-forged").Build()));

    [Fact]
    public async Task ValidateAsync_NonceNotRequiredAndValid_Succeeds()
        => Assert.Equal(AuthFailure.None, await Validate(Proof(nonce: _nonces.Current()).Build()));

    [Fact]
    public async Task ValidateAsync_BadNonceAndWrongAth_ReportsNonceFirst()
    {
        // The client learns it needs a fresh nonce before anything about its token.
        _options.RequireNonce = true;
        Rebuild();
        Assert.Equal(AuthFailure.DpopNonceRequired, await Validate(Proof().Build(), token: "other"));
    }

    // ---- helpers ----

    private static string FlipLastBit(string base64Url)
    {
        var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(base64Url);
        bytes[^1] ^= 0x01;
        return System.Buffers.Text.Base64Url.EncodeToString(bytes);
    }

    /// <summary>IEEE P1363 r‖s → ASN.1 DER SEQUENCE { INTEGER r, INTEGER s } (what a careless client sends).</summary>
    private static byte[] ToDer(byte[] p1363)
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            var half = p1363.Length / 2;
            writer.WriteIntegerUnsigned(p1363.AsSpan(0, half));
            writer.WriteIntegerUnsigned(p1363.AsSpan(half));
        }

        return writer.Encode();
    }

    private sealed class ScriptedStore : IDpopReplayStore
    {
        public ReplayCheck Answer { get; init; }

        public Exception? Failure { get; init; }

        public bool Async { get; init; }

        public int Calls { get; private set; }

        public string? LastKey { get; private set; }

        public DateTimeOffset LastExpires { get; private set; }

        public ValueTask<ReplayCheck> TryRegisterAsync(string key, DateTimeOffset expires, CancellationToken ct)
        {
            Calls++;
            LastKey = key;
            LastExpires = expires;
            if (Failure is not null && !Async)
            {
                throw Failure;
            }

            return Async ? Later() : new ValueTask<ReplayCheck>(Answer);
        }

        private async ValueTask<ReplayCheck> Later()
        {
            await Task.Yield();
            return Failure is null ? Answer : throw Failure;
        }
    }
}
