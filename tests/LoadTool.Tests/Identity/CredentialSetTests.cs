using LoadTool.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LoadTool.Tests.Identity;

/// <summary>Each bad credential really is bad, checked with Microsoft.IdentityModel against the signing key; the valid
/// ones really are valid.</summary>
public sealed class CredentialSetTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Build_ValidTokens_VerifyAndAreDistinctWorkloads(bool rsa)
    {
        using var key = new TempSigningKey(rsa);
        var creds = CredentialSet.Build(key.Options(identities: 5));

        Assert.Equal(5, creds.Valid.Distinct().Count());
        for (var i = 0; i < creds.Valid.Length; i++)
        {
            var result = await Validate(creds.Valid[i], key);
            Assert.True(result.IsValid, result.Exception?.Message);
            Assert.Equal($"spiffe://demo.local/ns/load/sa/w{i}", result.ClaimsIdentity.FindFirst("sub")?.Value);
            Assert.Equal("orders.read", result.ClaimsIdentity.FindFirst("scope")?.Value);
            Assert.NotNull(result.ClaimsIdentity.FindFirst("jti"));
        }
    }

    [Theory]
    [InlineData(nameof(BadCredentialKind.Expired), typeof(SecurityTokenExpiredException))]
    [InlineData(nameof(BadCredentialKind.WrongAudience), typeof(SecurityTokenInvalidAudienceException))]
    [InlineData(nameof(BadCredentialKind.BadSignature), typeof(SecurityTokenInvalidSignatureException))]
    public async Task Build_BadKind_IsRefusedForThatReason(string kindName, Type expected)
    {
        var kind = Enum.Parse<BadCredentialKind>(kindName);
        using var key = new TempSigningKey();
        var creds = CredentialSet.Build(key.Options(badPercent: 5, forbiddenPath: "/orders/admin/x"));

        var result = await Validate(creds.Bad[kind]!, key);

        Assert.False(result.IsValid);
        Assert.IsAssignableFrom(expected, result.Exception);
    }

    [Fact]
    public void Build_NoTokenAndForbiddenPath_AreNoHeaderAndAValidToken()
    {
        using var key = new TempSigningKey();
        var creds = CredentialSet.Build(key.Options(badPercent: 5, forbiddenPath: "/orders/admin/x"));

        Assert.Null(creds.Bad[BadCredentialKind.NoToken]);
        Assert.Contains(creds.Bad[BadCredentialKind.ForbiddenPath], creds.Valid);
        Assert.Equal(Enum.GetValues<BadCredentialKind>(), creds.BadKinds);
    }

    [Fact]
    public void Build_WithoutForbiddenPath_OmitsThatKind()
    {
        using var key = new TempSigningKey();
        Assert.DoesNotContain(BadCredentialKind.ForbiddenPath, CredentialSet.Build(key.Options(badPercent: 5)).BadKinds);
    }

    [Fact]
    public void SpoilSignature_EveryByteOfTheTokenButTheSignatureIsKept()
    {
        using var key = new TempSigningKey();
        var token = CredentialSet.Build(key.Options()).Valid[0];

        var spoiled = TokenMinter.SpoilSignature(token);

        Assert.NotEqual(token, spoiled);
        Assert.Equal(token[..token.LastIndexOf('.')], spoiled[..spoiled.LastIndexOf('.')]);
    }

    private static Task<TokenValidationResult> Validate(string token, TempSigningKey key)
        => new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "https://dev-issuer.gateway.local",
            ValidAudience = "gateway",
            IssuerSigningKey = key.PublicKey,
            ClockSkew = TimeSpan.FromSeconds(30),
        });
}
