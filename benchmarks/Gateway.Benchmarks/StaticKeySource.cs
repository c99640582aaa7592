using Gateway.Identity;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Benchmarks;

internal sealed class StaticKeySource(string jwks) : KeySetSource
{
    public override string Describe() => "static";

    public override Task<JsonWebKeySet> FetchAsync(CancellationToken cancellationToken) => Task.FromResult(new JsonWebKeySet(jwks));
}
