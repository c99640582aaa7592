using System.Security.Cryptography;

namespace Gateway.Identity.Dpop;

/// <summary>Names and parameters of <see cref="DpopAlgorithm"/>; parsing compares bytes, so it allocates nothing.</summary>
internal static class DpopAlgorithms
{
    public static DpopAlgorithm Parse(ReadOnlySpan<byte> utf8Name)
    {
        if (utf8Name.Length == 5)
        {
            if (utf8Name.SequenceEqual("EdDSA"u8))
            {
                return DpopAlgorithm.EdDSA;
            }

            var hash = utf8Name.Slice(2).SequenceEqual("256"u8) ? 0 : utf8Name.Slice(2).SequenceEqual("384"u8) ? 1
                : utf8Name.Slice(2).SequenceEqual("512"u8) ? 2 : -1;
            if (hash < 0)
            {
                return DpopAlgorithm.Unknown;
            }

            var family = utf8Name.Slice(0, 2);
            if (family.SequenceEqual("ES"u8))
            {
                return (DpopAlgorithm)((int)DpopAlgorithm.ES256 + hash);
            }

            if (family.SequenceEqual("RS"u8))
            {
                return (DpopAlgorithm)((int)DpopAlgorithm.RS256 + hash);
            }

            if (family.SequenceEqual("PS"u8))
            {
                return (DpopAlgorithm)((int)DpopAlgorithm.PS256 + hash);
            }
        }

        return DpopAlgorithm.Unknown;
    }

    /// <summary>Configured names: exact, case-sensitive (as in a JWS header).</summary>
    public static DpopAlgorithm Parse(string name)
    {
        Span<byte> utf8 = stackalloc byte[5];
        return name.Length == 5 && System.Text.Ascii.FromUtf16(name, utf8, out _) == System.Buffers.OperationStatus.Done
            ? Parse(utf8)
            : DpopAlgorithm.Unknown;
    }

    public static bool IsEcdsa(DpopAlgorithm alg) => alg is >= DpopAlgorithm.ES256 and <= DpopAlgorithm.ES512;

    public static bool IsRsa(DpopAlgorithm alg) => alg is >= DpopAlgorithm.RS256 and <= DpopAlgorithm.PS512;

    public static HashAlgorithmName Hash(DpopAlgorithm alg) => alg switch
    {
        DpopAlgorithm.ES256 or DpopAlgorithm.RS256 or DpopAlgorithm.PS256 => HashAlgorithmName.SHA256,
        DpopAlgorithm.ES384 or DpopAlgorithm.RS384 or DpopAlgorithm.PS384 => HashAlgorithmName.SHA384,
        DpopAlgorithm.ES512 or DpopAlgorithm.RS512 or DpopAlgorithm.PS512 => HashAlgorithmName.SHA512,
        _ => default,
    };
}
