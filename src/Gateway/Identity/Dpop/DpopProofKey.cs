using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace Gateway.Identity.Dpop;

/// <summary>
/// The public key a proof carries in its <c>jwk</c> header, checked against the proof's <c>alg</c> and decoded into
/// caller-owned memory before any cryptography runs: a public key only (no <c>d p q dp dq qi k oth</c>), of the type
/// and size the algorithm needs (ES256/384/512 ↔ EC P-256/384/521, RS*/PS* ↔ RSA of 2048 to 8192 bits, EdDSA ↔ OKP
/// Ed25519), members as canonical base64url, and a <c>jwk.alg</c>, if present, equal to the header's.
/// </summary>
internal ref struct DpopProofKey
{
    /// <summary>The scratch memory <see cref="TryRead"/> needs: an 8192-bit modulus (with one leading zero byte) and
    /// an exponent of up to 8 bytes.</summary>
    public const int ScratchSize = MaxModulusBytes + 1 + MaxExponentBytes;

    private const int MinRsaBits = 2048;
    private const int MaxRsaBits = 8192;
    private const int MaxModulusBytes = MaxRsaBits / 8;
    private const int MaxExponentBytes = 8;

    private ReadOnlySpan<byte> _x;
    private ReadOnlySpan<byte> _y;

    public DpopAlgorithm Algorithm { get; private set; }

    public static bool TryRead(JsonElement jwk, DpopAlgorithm alg, ReadOnlySpan<byte> algName, Span<byte> scratch, out DpopProofKey key)
    {
        key = default;
        if (jwk.ValueKind != JsonValueKind.Object || scratch.Length < ScratchSize)
        {
            return false;
        }

        foreach (var member in jwk.EnumerateObject())
        {
            if (IsPrivateMember(member))
            {
                return false; // a private key sent over the wire is compromised; never use it
            }

            if (member.NameEquals("alg"u8) && (member.Value.ValueKind != JsonValueKind.String || !member.Value.ValueEquals(algName)))
            {
                return false;
            }
        }

        if (!jwk.TryGetProperty("kty"u8, out var kty) || kty.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        if (DpopAlgorithms.IsEcdsa(alg))
        {
            var size = alg switch
            {
                DpopAlgorithm.ES256 => 32,
                DpopAlgorithm.ES384 => 48,
                _ => 66,
            };
            return kty.ValueEquals("EC"u8)
                && jwk.TryGetProperty("crv"u8, out var crv) && crv.ValueKind == JsonValueKind.String
                && crv.ValueEquals(alg switch
                {
                    DpopAlgorithm.ES256 => "P-256"u8,
                    DpopAlgorithm.ES384 => "P-384"u8,
                    _ => "P-521"u8,
                })
                && TryDecode(jwk, "x"u8, scratch[..size], exact: true, out var x)
                && TryDecode(jwk, "y"u8, scratch.Slice(size, size), exact: true, out var y)
                && Set(alg, x, y, out key);
        }

        if (DpopAlgorithms.IsRsa(alg))
        {
            if (!kty.ValueEquals("RSA"u8)
                || !TryDecode(jwk, "n"u8, scratch[..(MaxModulusBytes + 1)], exact: false, out var n)
                || !TryDecode(jwk, "e"u8, scratch.Slice(MaxModulusBytes + 1, MaxExponentBytes), exact: false, out var e))
            {
                return false;
            }

            n = n.TrimStart((byte)0);
            e = e.TrimStart((byte)0);
            var bits = n.IsEmpty ? 0 : (n.Length * 8) - (System.Numerics.BitOperations.LeadingZeroCount((uint)n[0]) - 24);
            // The exponent: odd and above 1 (e = 1 makes every "signature" its own message).
            var exponentOk = !e.IsEmpty && (e[^1] & 1) == 1 && (e.Length > 1 || e[0] > 1);
            return bits is >= MinRsaBits and <= MaxRsaBits && exponentOk && Set(alg, n, e, out key);
        }

        if (alg == DpopAlgorithm.EdDSA)
        {
            return kty.ValueEquals("OKP"u8)
                && jwk.TryGetProperty("crv"u8, out var crv) && crv.ValueKind == JsonValueKind.String && crv.ValueEquals("Ed25519"u8)
                && TryDecode(jwk, "x"u8, scratch[..32], exact: true, out var x)
                && Set(alg, x, default, out key);
        }

        return false;
    }

    /// <summary>Verifies a JWS signature over <paramref name="signingInput"/> (the ASCII <c>header.payload</c>).
    /// ECDSA signatures are IEEE P1363 (<c>r ‖ s</c>, RFC 7518 §3.4). For ECDSA and RSA the imported key is handed to
    /// the caller in <paramref name="imported"/> (to cache after the proof has passed every check, or to dispose).</summary>
    public readonly bool Verify(ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature, out AsymmetricAlgorithm? imported)
    {
        imported = null;
        try
        {
            if (DpopAlgorithms.IsEcdsa(Algorithm))
            {
                if (signature.Length != 2 * _x.Length)
                {
                    return false;
                }

                var curve = Algorithm switch
                {
                    DpopAlgorithm.ES256 => ECCurve.NamedCurves.nistP256,
                    DpopAlgorithm.ES384 => ECCurve.NamedCurves.nistP384,
                    _ => ECCurve.NamedCurves.nistP521,
                };
                // Import refuses a point that is not on the curve (invalid-curve attacks).
                imported = ECDsa.Create(new ECParameters { Curve = curve, Q = new ECPoint { X = _x.ToArray(), Y = _y.ToArray() } });
                return VerifyWith(imported, Algorithm, signingInput, signature);
            }

            if (DpopAlgorithms.IsRsa(Algorithm))
            {
                if (signature.Length != _x.Length)
                {
                    return false;
                }

                var rsa = RSA.Create();
                imported = rsa;
                rsa.ImportParameters(new RSAParameters { Modulus = _x.ToArray(), Exponent = _y.ToArray() });
                return VerifyWith(rsa, Algorithm, signingInput, signature);
            }

            if (Algorithm == DpopAlgorithm.EdDSA)
            {
                var ed25519 = NSec.Cryptography.SignatureAlgorithm.Ed25519;
                return signature.Length == ed25519.SignatureSize
                    && NSec.Cryptography.PublicKey.TryImport(ed25519, _x, NSec.Cryptography.KeyBlobFormat.RawPublicKey, out var publicKey)
                    && publicKey is not null
                    && ed25519.Verify(publicKey, signingInput, signature);
            }
        }
        catch (CryptographicException)
        {
            // A key the platform refuses (e.g. an EC point off the curve): the proof is invalid.
        }

        return false;
    }

    /// <summary>Verifies with an already imported ECDSA or RSA key.</summary>
    public static bool VerifyWith(AsymmetricAlgorithm key, DpopAlgorithm algorithm, ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature)
    {
        try
        {
            return key switch
            {
                ECDsa ecdsa => DpopAlgorithms.IsEcdsa(algorithm) && ecdsa.VerifyData(signingInput, signature, DpopAlgorithms.Hash(algorithm),
                    DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
                RSA rsa => DpopAlgorithms.IsRsa(algorithm) && signature.Length == (rsa.KeySize + 7) / 8 && rsa.VerifyData(signingInput, signature,
                    DpopAlgorithms.Hash(algorithm), algorithm >= DpopAlgorithm.PS256 ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1),
                _ => false,
            };
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static bool Set(DpopAlgorithm alg, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, out DpopProofKey key)
    {
        key = new DpopProofKey { Algorithm = alg, _x = first, _y = second };
        return true;
    }

    private static bool IsPrivateMember(JsonProperty member)
        => member.NameEquals("d"u8) || member.NameEquals("p"u8) || member.NameEquals("q"u8) || member.NameEquals("dp"u8)
            || member.NameEquals("dq"u8) || member.NameEquals("qi"u8) || member.NameEquals("k"u8) || member.NameEquals("oth"u8);

    /// <summary>Decodes a base64url string member (unpadded, canonical, unescaped) into <paramref name="dest"/>; with
    /// <paramref name="exact"/> it must fill <paramref name="dest"/> exactly.</summary>
    private static bool TryDecode(JsonElement jwk, ReadOnlySpan<byte> name, Span<byte> dest, bool exact, out Span<byte> value)
    {
        value = default;
        if (!jwk.TryGetProperty(name, out var member) || member.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        var raw = JsonMarshal.GetRawUtf8Value(member);
        var text = raw[1..^1]; // without the quotes; an escape or padding fails the alphabet check below
        if (text.IsEmpty || text.ContainsAnyExcept(DpopProofValidator.Base64UrlBytes)
            || Base64Url.DecodeFromUtf8(text, dest, out var consumed, out var written) != System.Buffers.OperationStatus.Done
            || consumed != text.Length || (exact && written != dest.Length))
        {
            return false;
        }

        value = dest[..written];
        return true;
    }
}
