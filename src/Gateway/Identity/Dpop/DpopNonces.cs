using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace Gateway.Identity.Dpop;

/// <summary>
/// Stateless server nonces for DPoP proofs (RFC 9449 §8): <c>base64url(step ‖ HMAC-SHA256(key, step))</c>, where
/// <c>step</c> is the current time step (Unix time ÷ <see cref="Step"/>, 8 bytes big-endian). A nonce of the current
/// or the previous step is valid, so a nonce lives between one and two steps. Nothing is stored: replay of a proof
/// is stopped by its <c>jti</c>, the nonce only bounds how far ahead a client can make proofs.
/// </summary>
/// <remarks>The key is random per process, so a nonce from one gateway instance is refused by another. A fleet behind
/// a load balancer needs a shared key (a later issue); until then, use <see cref="Gateway.Configuration.DpopOptions.RequireNonce"/>
/// only with sticky sessions or a single instance.</remarks>
internal sealed class DpopNonces
{
    public static readonly TimeSpan DefaultStep = TimeSpan.FromMinutes(5);

    private const int StepBytes = 8;
    private const int MacBytes = 32;
    private const int NonceBytes = StepBytes + MacBytes;

    /// <summary>Base64url length of a nonce.</summary>
    public const int EncodedLength = ((NonceBytes * 4) + 2) / 3;

    private readonly byte[] _key;
    private readonly TimeProvider _time;
    private readonly long _stepSeconds;
    private volatile Issued? _current;

    /// <summary>Nonces keyed with 32 random bytes, with a <see cref="DefaultStep"/> time step.</summary>
    public DpopNonces(TimeProvider time)
        : this(RandomNumberGenerator.GetBytes(32), time, DefaultStep)
    {
    }

    /// <summary>Nonces keyed with <paramref name="key"/> (at least 32 bytes; a fleet would share it).</summary>
    public DpopNonces(ReadOnlySpan<byte> key, TimeProvider time, TimeSpan step)
    {
        if (key.Length < 32)
        {
            throw new ArgumentException("The nonce key must be at least 32 bytes.", nameof(key));
        }

        if (step < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "The nonce time step must be at least one second.");
        }

        _key = key.ToArray();
        _time = time;
        _stepSeconds = (long)step.TotalSeconds;
    }

    public TimeSpan Step => TimeSpan.FromSeconds(_stepSeconds);

    /// <summary>The nonce to send in a <c>DPoP-Nonce</c> response header; the same string for a whole step.</summary>
    public string Current()
    {
        var step = CurrentStep();
        var issued = _current;
        if (issued is null || issued.Step != step)
        {
            Span<byte> nonce = stackalloc byte[NonceBytes];
            BinaryPrimitives.WriteInt64BigEndian(nonce, step);
            HMACSHA256.HashData(_key, nonce[..StepBytes], nonce[StepBytes..]);
            _current = issued = new Issued(step, Base64Url.EncodeToString(nonce));
        }

        return issued.Value;
    }

    public bool IsValid(string? nonce)
        => nonce is not null && nonce.Length == EncodedLength && IsValidDecoded(nonce.AsSpan());

    /// <summary>Checks a nonce given as UTF-8 (as read from a proof's payload).</summary>
    public bool IsValid(ReadOnlySpan<byte> utf8Nonce)
    {
        if (utf8Nonce.Length != EncodedLength)
        {
            return false;
        }

        Span<byte> nonce = stackalloc byte[NonceBytes];
        return Base64Url.DecodeFromUtf8(utf8Nonce, nonce, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == NonceBytes
            && Check(nonce);
    }

    private bool IsValidDecoded(ReadOnlySpan<char> text)
    {
        Span<byte> nonce = stackalloc byte[NonceBytes];
        return Base64Url.DecodeFromChars(text, nonce, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == NonceBytes
            && Check(nonce);
    }

    private bool Check(ReadOnlySpan<byte> nonce)
    {
        var step = BinaryPrimitives.ReadInt64BigEndian(nonce);
        var now = CurrentStep();
        if (step != now && step != now - 1)
        {
            return false;
        }

        Span<byte> mac = stackalloc byte[MacBytes];
        HMACSHA256.HashData(_key, nonce[..StepBytes], mac);
        return CryptographicOperations.FixedTimeEquals(mac, nonce[StepBytes..]);
    }

    private long CurrentStep() => _time.GetUtcNow().ToUnixTimeSeconds() / _stepSeconds;

    private sealed record Issued(long Step, string Value);
}
