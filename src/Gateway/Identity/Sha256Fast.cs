using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Gateway.Identity;

/// <summary>
/// SHA-256 for the per-request hashes (the validated-token cache key, API keys, DPoP <c>ath</c>): the same function as
/// <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/>, computed by OpenSSL's direct digest calls when they are
/// there. On Linux .NET hashes through OpenSSL 3's provider API, which costs about as much again as hashing a 700-byte
/// token (a context allocated, a provider looked up, an error queue cleared per call); the direct calls hash in the
/// caller's stack memory. The native path is used only when it gives the reference hash on known inputs at start-up, and
/// never in FIPS mode (where only the provider API is validated); otherwise every call goes to <see cref="SHA256"/>.
/// </summary>
internal static unsafe class Sha256Fast
{
    /// <summary><c>SHA256_CTX</c> is 112 bytes in OpenSSL 1.1 and 3.x; the context lives in twice that on the stack.</summary>
    private const int ContextSize = 256;

    private static readonly delegate* unmanaged<byte*, int> s_init;
    private static readonly delegate* unmanaged<byte*, byte*, nuint, int> s_update;
    private static readonly delegate* unmanaged<byte*, byte*, int> s_final;

    static Sha256Fast()
    {
        try
        {
            if (!OperatingSystem.IsLinux() || FipsEnabled() || Environment.GetEnvironmentVariable("GATEWAY_SHA256_NATIVE") == "0"
                || Environment.GetEnvironmentVariable("OPENSSL_FORCE_FIPS_MODE") is { Length: > 0 })
            {
                return;
            }

            foreach (var name in (string[])["libcrypto.so.3", "libcrypto.so.1.1"])
            {
                if (NativeLibrary.TryLoad(name, out var lib)
                    && !OpenSslInFipsMode(lib)
                    && NativeLibrary.TryGetExport(lib, "SHA256_Init", out var init)
                    && NativeLibrary.TryGetExport(lib, "SHA256_Update", out var update)
                    && NativeLibrary.TryGetExport(lib, "SHA256_Final", out var final))
                {
                    s_init = (delegate* unmanaged<byte*, int>)init;
                    s_update = (delegate* unmanaged<byte*, byte*, nuint, int>)update;
                    s_final = (delegate* unmanaged<byte*, byte*, int>)final;
                    if (!SelfTest())
                    {
                        s_init = null;
                    }

                    return;
                }
            }
        }
        catch (Exception)
        {
            // Whatever went wrong (a library that would not load, a self-test that threw): the BCL computes every hash.
            s_init = null;
        }
    }

    /// <summary>True when the direct OpenSSL calls are in use (for tests and the benchmark notes).</summary>
    public static bool IsNative => s_init is not null;

    /// <summary>SHA-256 of <paramref name="data"/> into the first 32 bytes of <paramref name="hash"/>.</summary>
    [SkipLocalsInit]
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> hash)
    {
        if (hash.Length < 32)
        {
            throw new ArgumentException("the destination needs 32 bytes", nameof(hash));
        }

        if (s_init is not null)
        {
            var context = stackalloc byte[ContextSize];
            fixed (byte* d = data)
            fixed (byte* h = hash)
            {
                if (s_init(context) == 1 && s_update(context, d, (nuint)data.Length) == 1 && s_final(h, context) == 1)
                {
                    return;
                }
            }
        }

        SHA256.HashData(data, hash);
    }

    /// <summary>OpenSSL 3 put in FIPS mode by its own configuration (not only the kernel flag): only the provider API
    /// is then the validated path.</summary>
    private static bool OpenSslInFipsMode(IntPtr lib)
        => NativeLibrary.TryGetExport(lib, "EVP_default_properties_is_fips_enabled", out var fn)
            && ((delegate* unmanaged<IntPtr, int>)fn)(IntPtr.Zero) == 1;

    /// <summary>Known answers (FIPS 180-2 examples), then agreement with the BCL on random inputs of every block shape.</summary>
    private static bool SelfTest()
    {
        Span<byte> known = stackalloc byte[32];
        foreach (var (input, hex) in new[]
        {
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        })
        {
            Hash(System.Text.Encoding.ASCII.GetBytes(input), known);
            if (!Convert.ToHexStringLower(known).Equals(hex, StringComparison.Ordinal))
            {
                return false;
            }
        }

        var random = new byte[1500];
        RandomNumberGenerator.Fill(random);
        Span<byte> expected = stackalloc byte[32];
        Span<byte> actual = stackalloc byte[32];
        foreach (var length in (int[])[0, 3, 55, 56, 64, 700, 1500])
        {
            var data = random.AsSpan(0, length);
            SHA256.HashData(data, expected);
            actual.Clear();
            Hash(data, actual);
            if (!actual.SequenceEqual(expected))
            {
                return false;
            }
        }

        return true;
    }

    private static bool FipsEnabled()
    {
        const string flag = "/proc/sys/crypto/fips_enabled";
        return File.Exists(flag) && File.ReadAllText(flag).Trim() == "1";
    }
}
