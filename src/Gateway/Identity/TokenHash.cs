using System.Buffers;
using System.Text;

namespace Gateway.Identity;

/// <summary>The SHA-256 of a token, as a value: the cache key and (shortened) the audit handle. Never the token.</summary>
internal readonly record struct TokenHash(ulong A, ulong B, ulong C, ulong D)
{
    [System.Runtime.CompilerServices.SkipLocalsInit]
    public static TokenHash Compute(ReadOnlySpan<char> token)
    {
        Span<byte> hash = stackalloc byte[32];
        var max = Encoding.UTF8.GetMaxByteCount(token.Length);
        byte[]? rented = null;
        var buffer = max <= 4096 ? stackalloc byte[max] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var n = Encoding.UTF8.GetBytes(token, buffer);
            Sha256Fast.Hash(buffer[..n], hash);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented, clearArray: true); // the token's bytes do not linger in the shared pool
            }
        }

        return new TokenHash(
            BitConverter.ToUInt64(hash[..8]),
            BitConverter.ToUInt64(hash[8..16]),
            BitConverter.ToUInt64(hash[16..24]),
            BitConverter.ToUInt64(hash[24..]));
    }

    /// <summary>The 32 bytes of the hash, in order.</summary>
    public void CopyTo(Span<byte> destination)
    {
        BitConverter.TryWriteBytes(destination, A);
        BitConverter.TryWriteBytes(destination[8..], B);
        BitConverter.TryWriteBytes(destination[16..], C);
        BitConverter.TryWriteBytes(destination[24..], D);
    }

    /// <summary>The first 16 hex digits: enough to correlate audit records, useless to replay.</summary>
    public string ToShortString()
    {
        Span<byte> b = stackalloc byte[8];
        BitConverter.TryWriteBytes(b, A);
        return Convert.ToHexStringLower(b);
    }
}
