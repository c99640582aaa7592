using System.Security.Cryptography;
using System.Text;
using Gateway.Identity;

namespace Gateway.Tests.Unit.Identity;

/// <summary>The per-request SHA-256 (OpenSSL's direct calls when available) is SHA-256: same output as the BCL on every
/// length around the block boundaries and on token-sized inputs, and the token hash built on it matches a reference.</summary>
public sealed class Sha256FastTests
{
    [Fact]
    public void MatchesBclSha256_AtEveryLengthUpTo300_AndLargeInputs()
    {
        var data = new byte[70_000];
        new Random(7).NextBytes(data);
        Span<byte> expected = stackalloc byte[32];
        Span<byte> actual = stackalloc byte[32];
        foreach (var length in Enumerable.Range(0, 301).Concat([511, 512, 513, 700, 4096, 65_537, 70_000]))
        {
            SHA256.HashData(data.AsSpan(0, length), expected);
            Sha256Fast.Hash(data.AsSpan(0, length), actual);
            Assert.True(expected.SequenceEqual(actual), $"length {length}");
        }
    }

    [Fact]
    public void KnownVector_Abc()
    {
        Span<byte> hash = stackalloc byte[32];
        Sha256Fast.Hash("abc"u8, hash);
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Convert.ToHexStringLower(hash));
    }

    [Fact]
    public void ShortDestination_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => Sha256Fast.Hash("abc"u8, new byte[31]));
    }

    [Fact]
    public void TokenHash_IsTheSha256OfTheUtf8Token()
    {
        foreach (var token in new[] { "", "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", new string('a', 5000), "non-ascii-ü-€" })
        {
            var reference = SHA256.HashData(Encoding.UTF8.GetBytes(token));
            var hash = TokenHash.Compute(token);
            Assert.Equal(BitConverter.ToUInt64(reference, 0), hash.A);
            Assert.Equal(BitConverter.ToUInt64(reference, 24), hash.D);
        }
    }

    [Fact]
    public void OnLinuxWithoutFips_TheDirectOpenSslPathIsInUse()
    {
        // Guards the optimization itself: if the fast path silently fell back, the benchmarks would measure the slow one.
        var fips = File.Exists("/proc/sys/crypto/fips_enabled") && File.ReadAllText("/proc/sys/crypto/fips_enabled").Trim() == "1";
        if (OperatingSystem.IsLinux() && !fips && Environment.GetEnvironmentVariable("GATEWAY_SHA256_NATIVE") != "0")
        {
            Assert.True(Sha256Fast.IsNative);
        }
    }
}
