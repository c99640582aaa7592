using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using LoadTool.Cli;
using Microsoft.IdentityModel.Tokens;

namespace LoadTool.Identity;

/// <summary>
/// The <c>keygen</c> verb: a fresh signing key as a private JWK (for <c>--sign-key</c>) and its public half as a JWKS
/// (for the gateway's <c>JwksFile</c>), so a benchmark can load the gateway with ES*, RS* or PS* tokens without other
/// tools (not EdDSA: the tool does not sign with Ed25519). The private file is created readable by its owner only.
/// </summary>
internal static class KeyGenerator
{
    public const string Usage = """
        loadtool keygen --alg ALG --private FILE --jwks FILE [--kid ID] [--rsa-bits 2048|3072|4096]

          --alg ES256|ES384|ES512|RS256|RS384|RS512|PS256|PS384|PS512
                                     the key's algorithm (EC P-256/P-384/P-521, or RSA 2048 bits; --rsa-bits to change)
          --rsa-bits 2048            RSA modulus size (2048, 3072 or 4096)
          --kid ID                   key id (default: the key's RFC 7638 thumbprint)
          --private FILE             where to write the private JWK (mode 0600; refused if it exists)
          --jwks FILE                where to write the public JWKS (overwritten)
        """;

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var o = Parse(args);
            var (privateJwk, publicJwk) = Create(o.Alg, o.RsaBits, o.Kid);
            WritePrivate(o.PrivateFile, privateJwk);
            File.WriteAllText(o.JwksFile, JsonSerializer.Serialize(new Dictionary<string, object> { ["keys"] = new[] { publicJwk } }));
            stdout.WriteLine($"{o.Alg} key {publicJwk["kid"]}: private JWK {o.PrivateFile}, public JWKS {o.JwksFile}");
            return LoadToolApp.ExitOk;
        }
        catch (CommandLineException ex)
        {
            stderr.WriteLine($"loadtool: error: {ex.Message}");
            return LoadToolApp.ExitUsage;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"loadtool: error: {ex.Message}");
            return LoadToolApp.ExitUsage;
        }
    }

    private sealed record Options(string Alg, int RsaBits, string? Kid, string PrivateFile, string JwksFile);

    private static Options Parse(IReadOnlyList<string> args)
    {
        string? alg = null, kid = null, privateFile = null, jwksFile = null;
        var bits = 2048;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new CommandLineException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--alg": alg = Value(); break;
                case "--kid": kid = Value(); break;
                case "--private": privateFile = Value(); break;
                case "--jwks": jwksFile = Value(); break;
                case "--rsa-bits":
                    var v = Value();
                    if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out bits) || bits is not (2048 or 3072 or 4096))
                    {
                        throw new CommandLineException($"--rsa-bits '{v}': use 2048, 3072 or 4096");
                    }

                    break;
                default: throw new CommandLineException($"keygen: unknown option '{args[i]}'");
            }
        }

        if (alg is null || privateFile is null || jwksFile is null)
        {
            throw new CommandLineException("keygen needs --alg, --private and --jwks");
        }

        if (kid is { Length: 0 })
        {
            throw new CommandLineException("--kid must not be empty");
        }

        return new Options(alg, bits, kid, privateFile, jwksFile);
    }

    /// <summary>A new key: its private JWK and its public JWK (same <c>kid</c>, <c>alg</c>, <c>use: sig</c>).</summary>
    public static (Dictionary<string, string> Private, Dictionary<string, string> Public) Create(string alg, int rsaBits = 2048, string? kid = null)
    {
        static string B(byte[]? b) => Base64UrlEncoder.Encode(b);
        Dictionary<string, string> pub, priv;
        switch (alg)
        {
            case "ES256" or "ES384" or "ES512":
            {
                var (curve, crv) = alg switch
                {
                    "ES256" => (ECCurve.NamedCurves.nistP256, "P-256"),
                    "ES384" => (ECCurve.NamedCurves.nistP384, "P-384"),
                    _ => (ECCurve.NamedCurves.nistP521, "P-521"),
                };
                using var ec = ECDsa.Create(curve);
                var p = ec.ExportParameters(includePrivateParameters: true);
                pub = new() { ["kty"] = "EC", ["crv"] = crv, ["x"] = B(p.Q.X), ["y"] = B(p.Q.Y) };
                kid ??= Thumbprint(pub);
                priv = new(pub) { ["d"] = B(p.D) };
                break;
            }

            case "RS256" or "RS384" or "RS512" or "PS256" or "PS384" or "PS512":
            {
                using var rsa = RSA.Create(rsaBits);
                var p = rsa.ExportParameters(includePrivateParameters: true);
                pub = new() { ["kty"] = "RSA", ["n"] = B(p.Modulus), ["e"] = B(p.Exponent) };
                kid ??= Thumbprint(pub);
                priv = new(pub)
                {
                    ["d"] = B(p.D), ["p"] = B(p.P), ["q"] = B(p.Q), ["dp"] = B(p.DP), ["dq"] = B(p.DQ), ["qi"] = B(p.InverseQ),
                };
                break;
            }

            default:
                throw new CommandLineException($"--alg '{alg}': use ES256, ES384, ES512, RS256, RS384, RS512, PS256, PS384 or PS512");
        }

        foreach (var d in (Dictionary<string, string>[])[pub, priv])
        {
            d["kid"] = kid;
            d["alg"] = alg;
            d["use"] = "sig";
        }

        return (priv, pub);
    }

    /// <summary>The RFC 7638 thumbprint, as Microsoft.IdentityModel computes it.</summary>
    private static string Thumbprint(Dictionary<string, string> pub)
    {
        var jwk = pub["kty"] == "EC"
            ? new JsonWebKey { Kty = "EC", Crv = pub["crv"], X = pub["x"], Y = pub["y"] }
            : new JsonWebKey { Kty = "RSA", N = pub["n"], E = pub["e"] };
        return Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint());
    }

    private static void WritePrivate(string path, Dictionary<string, string> jwk)
    {
        if (File.Exists(path))
        {
            throw new CommandLineException($"--private '{path}' exists: a private key is never overwritten");
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        JsonSerializer.Serialize(stream, jwk);
    }
}
