using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Identity;

/// <summary>
/// Keys from OIDC discovery. Uses Microsoft.IdentityModel's <see cref="OpenIdConnectConfigurationRetriever"/> (the
/// retriever its ConfigurationManager runs) with our resilient document retriever; scheduling, jitter, rate limits and
/// last-good semantics are the issuer key manager's, the same for every key source. The discovery document's issuer
/// must equal the configured issuer (mix-up protection).
/// </summary>
internal sealed class OidcDiscoverySource(Uri discovery, string expectedIssuer, ResilientFetcher fetcher, bool requireHttps) : KeySetSource
{
    private readonly DocumentRetriever _retriever = new(fetcher, requireHttps);

    public override string Describe() => "discovery " + discovery.GetLeftPart(UriPartial.Path);

    public override async Task<JsonWebKeySet> FetchAsync(CancellationToken cancellationToken)
    {
        var config = await OpenIdConnectConfigurationRetriever
            .GetAsync(discovery.ToString(), _retriever, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(config.Issuer, expectedIssuer, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"discovery document names issuer '{config.Issuer}', expected '{expectedIssuer}'");
        }

        return config.JsonWebKeySet ?? throw new InvalidDataException("discovery document has no usable jwks_uri");
    }

    private sealed class DocumentRetriever(ResilientFetcher fetcher, bool requireHttps) : IDocumentRetriever
    {
        public Task<string> GetDocumentAsync(string address, CancellationToken cancel)
        {
            var uri = new Uri(address, UriKind.Absolute);
            if (requireHttps && uri.Scheme != Uri.UriSchemeHttps)
            {
                throw new InvalidDataException($"refusing non-HTTPS key document {uri.GetLeftPart(UriPartial.Path)}");
            }

            return fetcher.GetStringAsync(uri, cancel);
        }
    }
}
