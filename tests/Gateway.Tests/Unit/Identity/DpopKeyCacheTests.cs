using Gateway.Configuration;
using Gateway.Identity;
using Gateway.Identity.Dpop;
using Gateway.Tests.Integration;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Unit.Identity;

/// <summary>The cache of imported proof keys: only keys of fully valid proofs enter it, and a cached key never lets a
/// proof through that the uncached path would refuse.</summary>
public sealed class DpopKeyCacheTests : IDisposable
{
    private const string Token = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ3b3JrbG9hZCJ9.c2lnbmF0dXJl";
    private const string Htu = "https://api.example.com/orders/42";
    private static readonly DateTimeOffset Start = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly DpopTarget Target = new("https", "api.example.com", "/orders/42");

    private readonly FakeTimeProvider _time = new(Start);
    private readonly InMemoryDpopReplayStore _store;
    private readonly DpopProofValidator _validator;
    private readonly DpopProofs.Key _key = DpopProofs.CreateKey("ES256");
    private readonly DpopProofs.Key _other = DpopProofs.CreateKey("ES256");

    public DpopKeyCacheTests()
    {
        _store = new InMemoryDpopReplayStore(1000, _time);
        _validator = new DpopProofValidator(new DpopOptions(), _store, new DpopNonces(_time), _time, keyCacheSize: 2);
    }

    public void Dispose()
    {
        _validator.Dispose();
        _store.Dispose();
        _key.Dispose();
        _other.Dispose();
    }

    private async Task<AuthFailure> Validate(string proof, string jkt, string token = Token)
        => await _validator.ValidateAsync(new StringValues(proof), "GET", Target, token, jkt, CancellationToken.None);

    [Fact]
    public async Task ValidProof_KeyCached_NextProofsStillFullyChecked()
    {
        var jkt = DpopProofs.Jkt(_key);
        Assert.Equal(AuthFailure.None, await Validate(DpopProofs.Create(_key, "GET", Htu, Start, Token), jkt));
        Assert.Equal(1, _validator.CachedKeys);

        // With the key cached, every other check still runs.
        Assert.Equal(AuthFailure.None, await Validate(DpopProofs.Create(_key, "GET", Htu, Start, Token), jkt));
        Assert.Equal(AuthFailure.DpopMethodMismatch, await Validate(DpopProofs.Create(_key, "POST", Htu, Start, Token), jkt));
        Assert.Equal(AuthFailure.DpopAccessTokenMismatch, await Validate(DpopProofs.Create(_key, "GET", Htu, Start, "other.token.x"), jkt));
        var replayed = DpopProofs.Create(_key, "GET", Htu, Start, Token);
        Assert.Equal(AuthFailure.None, await Validate(replayed, jkt));
        Assert.Equal(AuthFailure.DpopReplay, await Validate(replayed, jkt));
        Assert.Equal(1, _validator.CachedKeys);
    }

    [Fact]
    public async Task RefusedProof_KeyNeverCached()
    {
        var jkt = DpopProofs.Jkt(_key);
        Assert.Equal(AuthFailure.DpopAccessTokenMismatch, await Validate(DpopProofs.Create(_key, "GET", Htu, Start, "other.token.x"), jkt));
        Assert.Equal(AuthFailure.DpopKeyMismatch, await Validate(DpopProofs.Create(_other, "GET", Htu, Start, Token), jkt));
        Assert.Equal(0, _validator.CachedKeys);
    }

    [Fact]
    public async Task CachedKey_ProofSignedByAnotherKey_StillKeyMismatch()
    {
        var jkt = DpopProofs.Jkt(_key);
        Assert.Equal(AuthFailure.None, await Validate(DpopProofs.Create(_key, "GET", Htu, Start, Token), jkt));

        // A self-consistent proof of another key, for the token bound to the cached key.
        Assert.Equal(AuthFailure.DpopKeyMismatch, await Validate(DpopProofs.Create(_other, "GET", Htu, Start, Token), jkt));
    }

    [Fact]
    public async Task CachedKey_SignedByIt_ButEmbeddingAnotherKey_Refused()
    {
        var jkt = DpopProofs.Jkt(_key);
        Assert.Equal(AuthFailure.None, await Validate(DpopProofs.Create(_key, "GET", Htu, Start, Token), jkt));

        // Signed with the bound (cached) key while naming another key in its header: the cached key verifies the
        // signature, and the thumbprint check of the embedded key still refuses it.
        var builder = DpopProofs.Proof(_other, "GET", Htu, Start, Token);
        builder.SignWith = _key;
        Assert.Equal(AuthFailure.DpopKeyMismatch, await Validate(builder.Build(), jkt));
    }

    [Fact]
    public async Task CacheFull_StartsANewGeneration_NewClientsCachedAgain()
    {
        using var third = DpopProofs.CreateKey("ES256");
        Assert.Equal(AuthFailure.None, await Validate(DpopProofs.Create(_key, "GET", Htu, Start, Token), DpopProofs.Jkt(_key)));
        Assert.Equal(AuthFailure.None, await Validate(DpopProofs.Create(_other, "GET", Htu, Start, Token), DpopProofs.Jkt(_other)));
        Assert.Equal(2, _validator.CachedKeys);

        Assert.Equal(AuthFailure.None, await Validate(DpopProofs.Create(third, "GET", Htu, Start, Token), DpopProofs.Jkt(third)));
        Assert.Equal(1, _validator.CachedKeys);

        // Keys of the old generation still work (imported again on their next proof).
        Assert.Equal(AuthFailure.None, await Validate(DpopProofs.Create(_key, "GET", Htu, Start, Token), DpopProofs.Jkt(_key)));
        Assert.Equal(2, _validator.CachedKeys);
    }
}
