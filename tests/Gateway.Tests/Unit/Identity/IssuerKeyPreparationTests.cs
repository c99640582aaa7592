using System.Security.Cryptography;
using Gateway.Configuration;
using Gateway.Identity;
using Gateway.Observability;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Unit.Identity;

/// <summary>The validation parameters of a key set (one per key) are built by the refresh that installs it, never by
/// the first request that uses it; the previous set's stay built for requests that read it just before the swap.</summary>
public sealed class IssuerKeyPreparationTests : IAsyncDisposable
{
    private readonly FakeKeySetSource _source = new();
    private readonly IssuerKeyManager _keys;
    private readonly List<ECDsa> _ecKeys = [];

    public IssuerKeyPreparationTests()
    {
        _keys = new IssuerKeyManager(_source, "test", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(5), TimeProvider.System,
            new GatewayMetrics(), NullLogger.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        await _keys.DisposeAsync();
        foreach (var k in _ecKeys)
        {
            k.Dispose();
        }
    }

    private JsonWebKeySet Keys(int count)
    {
        var set = new JsonWebKeySet();
        for (var i = 0; i < count; i++)
        {
            var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            _ecKeys.Add(key);
            var p = key.ExportParameters(includePrivateParameters: false);
            set.Keys.Add(new JsonWebKey
            {
                Kty = "EC", Crv = "P-256", X = Base64UrlEncoder.Encode(p.Q.X), Y = Base64UrlEncoder.Encode(p.Q.Y), Kid = $"k{_ecKeys.Count}",
            });
        }

        return set;
    }

    private IssuerRuntime Runtime() => new(new IssuerOptions { Name = "test", Issuer = "https://issuer.example", Audiences = ["gateway"] }, _keys);

    [Fact]
    public async Task Refresh_BuildsTheNewSetsParameters_BeforeRequestsSeeIt_AndKeepsThePreviousSets()
    {
        var runtime = Runtime();
        _source.Keys = Keys(50);
        Assert.True(await _keys.RefreshAsync(CancellationToken.None));
        var first = _keys.Current!;
        Assert.True(runtime.IsPrepared(first));

        _source.Keys = Keys(50);
        Assert.True(await _keys.RefreshAsync(CancellationToken.None));
        var second = _keys.Current!;
        Assert.NotSame(first, second);
        Assert.True(runtime.IsPrepared(second));
        Assert.True(runtime.IsPrepared(first)); // a request still holding the first set does not rebuild it

        // Every key of the installed set has its own parameters, holding that key alone.
        foreach (var key in second.All)
        {
            var parameters = runtime.ParametersFor(second, key);
            Assert.Same(key.SecurityKey, Assert.Single(parameters.IssuerSigningKeys));
        }

        Assert.True(runtime.IsPrepared(second)); // reading them built nothing new
        Assert.True(runtime.IsPrepared(first));
    }

    [Fact]
    public async Task RuntimeCreatedAfterTheKeysWereInstalled_PreparesThemAtOnce()
    {
        _source.Keys = Keys(3);
        Assert.True(await _keys.RefreshAsync(CancellationToken.None));
        var runtime = Runtime();
        Assert.True(runtime.IsPrepared(_keys.Current!));
    }
}
