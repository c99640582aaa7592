using System.Security.Cryptography;
using LoadTool.Cli;
using Microsoft.IdentityModel.Tokens;

namespace LoadTool.Identity;

/// <summary>Reads a private JWK (EC P-256/P-384/P-521 or RSA) into signing credentials.</summary>
internal static class SigningKeyLoader
{
    public static SigningCredentials Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (IOException ex)
        {
            throw new CommandLineException($"--sign-key '{path}': {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new CommandLineException($"--sign-key '{path}': {ex.Message}");
        }

        return FromJwk(json, path);
    }

    public static SigningCredentials FromJwk(string json, string source = "key")
    {
        JsonWebKey jwk;
        try
        {
            jwk = new JsonWebKey(json);
        }
        catch (ArgumentException ex)
        {
            throw new CommandLineException($"--sign-key '{source}': not a JWK: {ex.Message}");
        }

        switch (jwk.Kty)
        {
            case "EC":
                if (string.IsNullOrEmpty(jwk.D))
                {
                    throw new CommandLineException($"--sign-key '{source}': the EC key has no private part 'd'");
                }

                var (curve, alg) = jwk.Crv switch
                {
                    "P-256" => (ECCurve.NamedCurves.nistP256, SecurityAlgorithms.EcdsaSha256),
                    "P-384" => (ECCurve.NamedCurves.nistP384, SecurityAlgorithms.EcdsaSha384),
                    "P-521" => (ECCurve.NamedCurves.nistP521, SecurityAlgorithms.EcdsaSha512),
                    _ => throw new CommandLineException($"--sign-key '{source}': unsupported curve '{jwk.Crv}'"),
                };
                var ec = ECDsa.Create(new ECParameters
                {
                    Curve = curve,
                    D = Base64UrlEncoder.DecodeBytes(jwk.D),
                    Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes(jwk.X), Y = Base64UrlEncoder.DecodeBytes(jwk.Y) },
                });
                return new SigningCredentials(new ECDsaSecurityKey(ec) { KeyId = jwk.Kid }, string.IsNullOrEmpty(jwk.Alg) ? alg : jwk.Alg);
            case "RSA":
                if (string.IsNullOrEmpty(jwk.D) || string.IsNullOrEmpty(jwk.P) || string.IsNullOrEmpty(jwk.Q))
                {
                    throw new CommandLineException($"--sign-key '{source}': the RSA key has no private part (d, p, q, dp, dq, qi)");
                }

                var rsa = RSA.Create(new RSAParameters
                {
                    Modulus = Base64UrlEncoder.DecodeBytes(jwk.N),
                    Exponent = Base64UrlEncoder.DecodeBytes(jwk.E),
                    D = Base64UrlEncoder.DecodeBytes(jwk.D),
                    P = Base64UrlEncoder.DecodeBytes(jwk.P),
                    Q = Base64UrlEncoder.DecodeBytes(jwk.Q),
                    DP = Base64UrlEncoder.DecodeBytes(jwk.DP),
                    DQ = Base64UrlEncoder.DecodeBytes(jwk.DQ),
                    InverseQ = Base64UrlEncoder.DecodeBytes(jwk.QI),
                });
                return new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = jwk.Kid }, string.IsNullOrEmpty(jwk.Alg) ? SecurityAlgorithms.RsaSha256 : jwk.Alg);
            default:
                throw new CommandLineException($"--sign-key '{source}': unsupported key type '{jwk.Kty}' (use EC or RSA)");
        }
    }
}
