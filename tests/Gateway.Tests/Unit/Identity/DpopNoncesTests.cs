using System.Text;
using Gateway.Identity.Dpop;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Unit.Identity;

public sealed class DpopNoncesTests
{
    // On a step boundary (5 minutes), so that "one step later" is exact.
    private static readonly DateTimeOffset Start = new(2030, 1, 2, 3, 5, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly DpopNonces _nonces;

    public DpopNoncesTests() => _nonces = new DpopNonces(_time);

    [Fact]
    public void Current_WithinOneStep_SameNonce()
    {
        var first = _nonces.Current();
        _time.Advance(_nonces.Step - TimeSpan.FromSeconds(1));

        Assert.Same(first, _nonces.Current());
        Assert.Equal(DpopNonces.EncodedLength, first.Length);
        Assert.Matches("^[A-Za-z0-9_-]+$", first);
    }

    [Fact]
    public void Current_NextStep_NewNonce()
    {
        var first = _nonces.Current();
        _time.Advance(_nonces.Step);
        Assert.NotEqual(first, _nonces.Current());
    }

    [Theory]
    [InlineData("same step", 0, true)]
    [InlineData("end of the same step", 299, true)]
    [InlineData("previous step", 300, true)]
    [InlineData("end of the previous step", 599, true)]
    [InlineData("two steps old", 600, false)]
    [InlineData("a day old", 86400, false)]
    public void IsValid_ByAge(string name, int secondsLater, bool valid)
    {
        _ = name;
        var nonce = _nonces.Current();
        _time.Advance(TimeSpan.FromSeconds(secondsLater));

        Assert.Equal(valid, _nonces.IsValid(nonce));
        Assert.Equal(valid, _nonces.IsValid(Encoding.ASCII.GetBytes(nonce)));
    }

    [Fact]
    public void IsValid_NonceFromTheFuture_False()
    {
        var future = new DpopNonces(new byte[32], new FakeTimeProvider(Start + TimeSpan.FromMinutes(5)), DpopNonces.DefaultStep);
        var now = new DpopNonces(new byte[32], _time, DpopNonces.DefaultStep);

        Assert.True(future.IsValid(future.Current()));
        Assert.False(now.IsValid(future.Current()));
    }

    [Fact]
    public void IsValid_SharedKey_ValidOnAnotherInstance()
    {
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var a = new DpopNonces(key, _time, DpopNonces.DefaultStep);
        var b = new DpopNonces(key, _time, DpopNonces.DefaultStep);
        Assert.True(b.IsValid(a.Current()));
    }

    [Fact]
    public void IsValid_AnotherProcessKey_False()
        => Assert.False(_nonces.IsValid(new DpopNonces(_time).Current()));

    [Fact]
    public void IsValid_EveryCharacterChanged_False()
    {
        var nonce = _nonces.Current();
        for (var i = 0; i < nonce.Length; i++)
        {
            var changed = nonce[..i] + (nonce[i] == 'A' ? 'B' : 'A') + nonce[(i + 1)..];
            Assert.False(_nonces.IsValid(changed), $"position {i}");
        }
    }

    [Fact]
    public void IsValid_MacOfAnotherStep_False()
    {
        // A valid step value with the MAC of another step: the step is bound to its MAC.
        var current = System.Buffers.Text.Base64Url.DecodeFromChars(_nonces.Current());
        _time.Advance(_nonces.Step);
        var next = System.Buffers.Text.Base64Url.DecodeFromChars(_nonces.Current());
        current.AsSpan(8).CopyTo(next.AsSpan(8));

        Assert.False(_nonces.IsValid(System.Buffers.Text.Base64Url.EncodeToString(next)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    public void IsValid_Malformed_False(string? nonce)
    {
        Assert.False(_nonces.IsValid(nonce));
        Assert.False(_nonces.IsValid(Encoding.UTF8.GetBytes(nonce ?? "")));
    }

    [Fact]
    public void IsValid_PaddedOrTruncated_False()
    {
        var nonce = _nonces.Current();
        Assert.False(_nonces.IsValid(nonce + "="));
        Assert.False(_nonces.IsValid(nonce[..^1]));
    }

    [Fact]
    public void Constructor_ShortKeyOrStep_Throws()
    {
        Assert.Throws<ArgumentException>(() => new DpopNonces(new byte[16], _time, DpopNonces.DefaultStep));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DpopNonces(new byte[32], _time, TimeSpan.Zero));
    }
}
