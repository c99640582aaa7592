using Microsoft.IdentityModel.Tokens;

namespace Gateway.Identity;

internal sealed class JwksUrlSource(Uri uri, ResilientFetcher fetcher) : KeySetSource
{
    public override string Describe() => "jwks " + uri.GetLeftPart(UriPartial.Path);

    public override async Task<JsonWebKeySet> FetchAsync(CancellationToken cancellationToken)
    {
        var json = await fetcher.GetStringAsync(uri, cancellationToken).ConfigureAwait(false);
        return new JsonWebKeySet(json);
    }
}
