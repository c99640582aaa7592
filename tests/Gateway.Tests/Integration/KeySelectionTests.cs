using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Integration;

/// <summary>
/// Which of an issuer's keys a token is verified with, from a real JWKS URL: a token that names its key (<c>kid</c>) is
/// checked against that key alone; one that names none against the issuer's keys of its type, at most three, or it is
/// refused unverified (<c>key_id_required</c>), so that a forged token never costs a verification per published key.
/// </summary>
public sealed class KeySelectionTests : OneIssuerTests
{
    private readonly RsaSecurityKey _rsa3 = new(RSA.Create(2048)) { KeyId = "rsa-3" };
    private readonly RsaSecurityKey _rsa4 = new(RSA.Create(2048)) { KeyId = "rsa-4" };

    private Task<TestGateway> StartGatewayAsync(params object[] jwks)
    {
        Jwks.Publish(TestKeys.Jwks(jwks));
        return TestGateway.StartAsync(new JsonArray(TestGateway.IssuerJson("example", TestGateway.Issuer, "JwksUrl", Jwks.JwksUrl,
            o => o["Algorithms"] = new JsonArray("RS256", "ES256", "ES384", "EdDSA"))));
    }

    private static Dictionary<string, object> Claims() => TestKeys.Claims(TestGateway.Issuer, Sub);

    /// <summary>The same key material without a key id: tokens it signs carry no <c>kid</c>.</summary>
    private static RsaSecurityKey WithoutKid(RsaSecurityKey key) => new(key.Rsa);

    private static string Kidless(RsaSecurityKey key) => TestKeys.Sign(WithoutKid(key), "RS256", Claims());

    [Fact]
    public async Task TokenWithoutKid_IssuerWithThreeRsaKeys_VerifiedWithWhicheverSignedIt()
    {
        await using var gw = await StartGatewayAsync(TestKeys.Jwk(Keys.Rsa1), TestKeys.Jwk(Keys.Rsa2), TestKeys.Jwk(_rsa3));
        foreach (var key in new[] { Keys.Rsa1, Keys.Rsa2, _rsa3 })
        {
            var token = Kidless(key);
            Assert.DoesNotContain("\"kid\"", Base64UrlEncoder.Decode(token.Split('.')[0]));
            using var r = await gw.GetAsync("/payments/1", token);
            Assert.Equal(200, (int)r.StatusCode);
        }
    }

    [Fact]
    public async Task TokenWithoutKid_IssuerWithFourRsaKeys_RefusedKeyIdRequired_WhileTokensNamingTheirKeyPass()
    {
        await using var gw = await StartGatewayAsync(
            TestKeys.Jwk(Keys.Rsa1), TestKeys.Jwk(Keys.Rsa2), TestKeys.Jwk(_rsa3), TestKeys.Jwk(_rsa4));
        using (var r = await gw.GetAsync("/payments/1", Kidless(Keys.Rsa1)))
        {
            await ProblemAssert.IsProblemAsync(r, 401, "key_id_required");
        }

        // A forgery without kid gets the same answer, before any signature check.
        var forged = TestKeys.Raw(new { alg = "RS256", typ = "JWT" }, Claims(), Base64UrlEncoder.Encode(new byte[256]));
        using (var r = await gw.GetAsync("/payments/1", forged))
        {
            await ProblemAssert.IsProblemAsync(r, 401, "key_id_required");
        }

        using (var r = await gw.GetAsync("/payments/1", TestKeys.Sign(_rsa4, "RS256", Claims())))
        {
            Assert.Equal(200, (int)r.StatusCode);
        }

        await gw.WaitUntilAsync(() => Task.FromResult(gw.Audit.Lines.Any(l => l.Contains("\"key_id_required\"", StringComparison.Ordinal))),
            "the refusal audited with its reason");
    }

    [Fact]
    public async Task TokenWithoutKid_OnlyKeysOfItsTypeCount()
    {
        // Four RSA keys and one P-256 key: an ES256 token without kid has exactly one candidate, and is verified.
        var ec256 = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "ec-256" };
        var ec384 = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP384)) { KeyId = "ec-384" };
        await using var gw = await StartGatewayAsync(TestKeys.Jwk(Keys.Rsa1), TestKeys.Jwk(Keys.Rsa2), TestKeys.Jwk(_rsa3),
            TestKeys.Jwk(_rsa4), TestKeys.Jwk(ec256), TestKeys.Jwk(ec384));
        using (var r = await gw.GetAsync("/payments/1", TestKeys.Sign(new ECDsaSecurityKey(ec256.ECDsa), "ES256", Claims())))
        {
            Assert.Equal(200, (int)r.StatusCode);
        }

        using (var r = await gw.GetAsync("/payments/1", TestKeys.Sign(new ECDsaSecurityKey(ec384.ECDsa), "ES384", Claims())))
        {
            Assert.Equal(200, (int)r.StatusCode);
        }

        // The P-384 key is not a candidate for ES256: a P-384 signature under alg ES256 does not verify.
        var confused = TestKeys.Raw(new { alg = "ES256", typ = "JWT" }, Claims(), Base64UrlEncoder.Encode(new byte[96]));
        using (var r = await gw.GetAsync("/payments/1", confused))
        {
            await ProblemAssert.IsProblemAsync(r, 401, "invalid_signature");
        }

        using (var r = await gw.GetAsync("/payments/1", Kidless(Keys.Rsa1)))
        {
            await ProblemAssert.IsProblemAsync(r, 401, "key_id_required");
        }
    }

    [Fact]
    public async Task TokenWithoutKid_NoKeyOfItsType_RefusedUnknownKey()
    {
        await using var gw = await StartGatewayAsync(TestKeys.Jwk(Keys.Rsa1));
        var ec = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256));
        using var r = await gw.GetAsync("/payments/1", TestKeys.Sign(ec, "ES256", Claims()));
        await ProblemAssert.IsProblemAsync(r, 401, "unknown_key");
    }

    [Fact]
    public async Task TokenNamingOneKey_SignedWithAnotherPublishedKey_Refused()
    {
        // Both keys are trusted, but the token says rsa-1 and is signed with rsa-2. Accepting it would bind the cached
        // token to rsa-1: removing rsa-2 from the JWKS would not stop it.
        await using var gw = await StartGatewayAsync(TestKeys.Jwk(Keys.Rsa1), TestKeys.Jwk(Keys.Rsa2));
        var lying = TestKeys.Sign(new RsaSecurityKey(Keys.Rsa2.Rsa) { KeyId = Keys.Rsa1.KeyId }, "RS256", Claims());
        using (var r = await gw.GetAsync("/payments/1", lying))
        {
            await ProblemAssert.IsProblemAsync(r, 401, "invalid_signature");
        }

        using (var r = await gw.GetAsync("/payments/1", TestKeys.Sign(Keys.Rsa2, "RS256", Claims())))
        {
            Assert.Equal(200, (int)r.StatusCode);
        }
    }

    [Fact]
    public async Task TokenWithoutKid_ForgedSignature_RefusedInvalidSignature()
    {
        await using var gw = await StartGatewayAsync(TestKeys.Jwk(Keys.Rsa1), TestKeys.Jwk(Keys.Rsa2));
        var valid = Kidless(Keys.Rsa1);
        var parts = valid.Split('.');
        var forged = TestKeys.Raw(new { alg = "RS256", typ = "JWT" },
            new Dictionary<string, object>(Claims()) { ["sub"] = "spiffe://example.org/ns/admin/sa/root" }, parts[2]);
        using var r = await gw.GetAsync("/payments/1", forged);
        await ProblemAssert.IsProblemAsync(r, 401, "invalid_signature");
    }

    [Fact]
    public async Task EdDsaTokenWithoutKid_CappedLikeTheOthers()
    {
        var more = Enumerable.Range(2, 3).Select(_ => NSec.Cryptography.Key.Create(NSec.Cryptography.SignatureAlgorithm.Ed25519)).ToArray();
        try
        {
            await using (var gw = await StartGatewayAsync(Keys.JwkEd1(), TestKeys.JwkEd25519(more[0], "ed-2")))
            {
                using var r = await gw.GetAsync("/payments/1", TestKeys.SignEd25519(more[0], Claims(), kid: null));
                Assert.Equal(200, (int)r.StatusCode);
            }

            await using (var gw = await StartGatewayAsync(Keys.JwkEd1(), TestKeys.JwkEd25519(more[0], "ed-2"),
                TestKeys.JwkEd25519(more[1], "ed-3"), TestKeys.JwkEd25519(more[2], "ed-4")))
            {
                using (var r = await gw.GetAsync("/payments/1", TestKeys.SignEd25519(more[2], Claims(), kid: null)))
                {
                    await ProblemAssert.IsProblemAsync(r, 401, "key_id_required");
                }

                using (var r = await gw.GetAsync("/payments/1", TestKeys.SignEd25519(more[2], Claims(), kid: "ed-4")))
                {
                    Assert.Equal(200, (int)r.StatusCode);
                }
            }
        }
        finally
        {
            foreach (var k in more)
            {
                k.Dispose();
            }
        }
    }
}
