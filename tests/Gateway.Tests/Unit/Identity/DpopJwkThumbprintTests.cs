using System.Text.Json;
using Gateway.Identity.Dpop;
using Gateway.Tests.Integration;

namespace Gateway.Tests.Unit.Identity;

public sealed class DpopJwkThumbprintTests
{
    /// <summary>RFC 7638 §3.1: the example RSA key and its thumbprint.</summary>
    private const string Rfc7638Jwk = """
        {
          "kty": "RSA",
          "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
          "e": "AQAB",
          "alg": "RS256",
          "kid": "2011-04-29"
        }
        """;

    private const string Rfc7638Thumbprint = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

    private static string? Compute(string json)
    {
        using var document = JsonDocument.Parse(json);
        return JwkThumbprint.Compute(document.RootElement);
    }

    [Fact]
    public void Compute_Rfc7638Example_MatchesPublishedValue()
        => Assert.Equal(Rfc7638Thumbprint, Compute(Rfc7638Jwk));

    [Fact]
    public void Compute_MemberOrderAndOptionalMembers_DoNotMatter()
    {
        using var document = JsonDocument.Parse(Rfc7638Jwk);
        var n = document.RootElement.GetProperty("n").GetString();
        var reordered = $$"""{"use":"sig","e":"AQAB","key_ops":["verify"],"n":"{{n}}","kty":"RSA"}""";
        Assert.Equal(Rfc7638Thumbprint, Compute(reordered));
    }

    [Fact]
    public void Compute_EscapedMemberValues_SameThumbprint()
    {
        // "AQAB" written with a JSON escape is the same string.
        var escaped = Rfc7638Jwk.Replace("\"AQAB\"", "\"\\u0041QAB\"", StringComparison.Ordinal);
        Assert.Equal(Rfc7638Thumbprint, Compute(escaped));
    }

    [Theory]
    [InlineData("ES256")]
    [InlineData("ES384")]
    [InlineData("ES512")]
    [InlineData("RS256")]
    [InlineData("EdDSA")]
    public void Compute_GeneratedKeys_MatchIndependentComputation(string alg)
    {
        using var key = DpopProofs.CreateKey(alg);
        var jwk = key.PublicJwk();
        jwk["kid"] = "ignored";
        Assert.Equal(DpopProofs.Jkt(key), Compute(jwk.ToJsonString()));
    }

    [Theory]
    [InlineData("not an object", "[]")]
    [InlineData("no kty", """{"crv":"P-256","x":"AA","y":"AA"}""")]
    [InlineData("kty oct", """{"kty":"oct","k":"AA"}""")]
    [InlineData("kty not a string", """{"kty":1,"crv":"P-256","x":"AA","y":"AA"}""")]
    [InlineData("EC without y", """{"kty":"EC","crv":"P-256","x":"AA"}""")]
    [InlineData("EC without crv", """{"kty":"EC","x":"AA","y":"AA"}""")]
    [InlineData("RSA without e", """{"kty":"RSA","n":"AA"}""")]
    [InlineData("OKP without x", """{"kty":"OKP","crv":"Ed25519"}""")]
    [InlineData("member not a string", """{"kty":"OKP","crv":"Ed25519","x":5}""")]
    public void Compute_NotAThumbprintableKey_Null(string name, string json)
    {
        _ = name;
        Assert.Null(Compute(json));
    }

    [Fact]
    public void Compute_OkpKey_UsesCrvKtyX()
    {
        // RFC 8037 Appendix A.3: the thumbprint of the example Ed25519 public key.
        const string jwk = """{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}""";
        Assert.Equal("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k", Compute(jwk));
    }
}
