using LoadTool.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LoadTool.Tests.Identity;

/// <summary><c>loadtool keygen</c>: the private JWK signs tokens the public JWKS verifies (checked with
/// Microsoft.IdentityModel, as the gateway does), the JWKS holds no private member, and the private file is the owner's.
/// </summary>
public sealed class KeyGeneratorTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("loadtool-keygen-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    private (int Code, string Out, string Err) Keygen(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = KeyGenerator.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("ES256")]
    [InlineData("ES384")]
    [InlineData("ES512")]
    [InlineData("RS256")]
    [InlineData("PS384")]
    public async Task Keygen_PrivateKeySigns_PublicJwksVerifies(string alg)
    {
        var (code, output, err) = Keygen("--alg", alg, "--private", PathOf("key.json"), "--jwks", PathOf("jwks.json"));
        Assert.True(code == 0, err);
        Assert.Contains(alg, output);

        var credentials = SigningKeyLoader.Load(PathOf("key.json"));
        Assert.Equal(alg, credentials.Algorithm);
        var token = new TokenMinter(credentials, "https://issuer.test", "gateway", [])
            .Mint("spiffe://demo.local/ns/load/sa/w0", DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(5));

        var jwks = new JsonWebKeySet(await File.ReadAllTextAsync(PathOf("jwks.json")));
        var published = Assert.Single(jwks.Keys);
        Assert.Equal(alg, published.Alg);
        Assert.Equal("sig", published.Use);
        Assert.False(published.HasPrivateKey);
        Assert.Null(published.D);
        // The default kid is the key's RFC 7638 thumbprint.
        Assert.Equal(Base64UrlEncoder.Encode(published.ComputeJwkThumbprint()), published.Kid);
        Assert.Equal(published.Kid, new JsonWebToken(token).Kid);

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "https://issuer.test",
            ValidAudience = "gateway",
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidAlgorithms = [alg],
        });
        Assert.True(result.IsValid, result.Exception?.Message);

        // A key generated again is another key: its tokens do not verify with the first JWKS.
        Assert.Equal(0, Keygen("--alg", alg, "--private", PathOf("other.json"), "--jwks", PathOf("other-jwks.json"), "--kid", published.Kid).Code);
        var forged = new TokenMinter(SigningKeyLoader.Load(PathOf("other.json")), "https://issuer.test", "gateway", [])
            .Mint("spiffe://demo.local/ns/load/sa/w0", DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(5));
        var refused = await new JsonWebTokenHandler().ValidateTokenAsync(forged, new TokenValidationParameters
        {
            ValidIssuer = "https://issuer.test",
            ValidAudience = "gateway",
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidAlgorithms = [alg],
        });
        Assert.False(refused.IsValid);
    }

    [Fact]
    public void Keygen_PrivateFileIsTheOwnersOnly_AndNeverOverwritten()
    {
        Assert.Equal(0, Keygen("--alg", "ES256", "--kid", "bench", "--private", PathOf("key.json"), "--jwks", PathOf("jwks.json")).Code);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(PathOf("key.json")));
        }

        var before = File.ReadAllText(PathOf("key.json"));
        Assert.Contains("\"kid\":\"bench\"", before);
        var (code, _, err) = Keygen("--alg", "ES256", "--private", PathOf("key.json"), "--jwks", PathOf("jwks.json"));
        Assert.Equal(2, code);
        Assert.Contains("key.json' exists: a private key is never overwritten", err);
        Assert.Equal(before, File.ReadAllText(PathOf("key.json")));
    }

    [Theory]
    [InlineData("--alg", "HS256", "--private", "k", "--jwks", "j")]
    [InlineData("--alg", "none", "--private", "k", "--jwks", "j")]
    [InlineData("--alg", "ES256", "--jwks", "j")]
    [InlineData("--alg", "RS256", "--rsa-bits", "1024", "--private", "k", "--jwks", "j")]
    [InlineData("--alg", "ES256", "--kid", "", "--private", "k", "--jwks", "j")]
    [InlineData("--alg", "ES256", "--private", "k", "--jwks", "j", "--bogus")]
    [InlineData("--alg")]
    public void Keygen_BadArguments_ExitTwo_NothingWritten(params string[] args)
    {
        var rooted = args.Select(a => a is "k" or "j" ? PathOf(a) : a).ToArray();
        var (code, _, err) = Keygen(rooted);
        Assert.Equal(2, code);
        Assert.StartsWith("loadtool: error:", err);
        Assert.False(File.Exists(PathOf("k")));
        Assert.False(File.Exists(PathOf("j")));
    }
}
