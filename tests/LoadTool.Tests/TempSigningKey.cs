using System.Security.Cryptography;
using LoadTool.Cli;
using Microsoft.IdentityModel.Tokens;

namespace LoadTool.Tests;

/// <summary>A private JWK written to a temp file (EC P-256 like the gateway's dev key, or RSA), and its public key.</summary>
internal sealed class TempSigningKey : IDisposable
{
    public TempSigningKey(bool rsa = false)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"loadtool-key-{Guid.NewGuid():N}.json");
        if (rsa)
        {
            var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "test-rsa" };
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(key);
            File.WriteAllText(Path, $$"""{"kty":"RSA","kid":"test-rsa","n":"{{jwk.N}}","e":"{{jwk.E}}","d":"{{jwk.D}}","p":"{{jwk.P}}","q":"{{jwk.Q}}","dp":"{{jwk.DP}}","dq":"{{jwk.DQ}}","qi":"{{jwk.QI}}"}""");
            PublicKey = new RsaSecurityKey(key.Rsa.ExportParameters(false)) { KeyId = "test-rsa" };
        }
        else
        {
            var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var p = ec.ExportParameters(true);
            static string B(byte[]? b) => Base64UrlEncoder.Encode(b);
            File.WriteAllText(Path, $$"""{"kty":"EC","crv":"P-256","kid":"test-ec","use":"sig","alg":"ES256","x":"{{B(p.Q.X)}}","y":"{{B(p.Q.Y)}}","d":"{{B(p.D)}}"}""");
            var pub = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = p.Q });
            PublicKey = new ECDsaSecurityKey(pub) { KeyId = "test-ec" };
        }
    }

    public string Path { get; }

    public SecurityKey PublicKey { get; }

    public LoadToolOptions Options(int identities = 1, double badPercent = 0, string? forbiddenPath = null)
    {
        var args = new List<string>
        {
            "--target", "t=http://127.0.0.1:1", "--sign-key", Path, "--identities", identities.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--claim", "scope=orders.read", "--bad-percent", badPercent.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (forbiddenPath is not null)
        {
            args.AddRange(["--forbidden-path", forbiddenPath]);
        }

        return OptionsParser.Parse(args);
    }

    public void Dispose() => File.Delete(Path);
}
