using Microsoft.IdentityModel.Tokens;

namespace Gateway.Identity;

internal sealed class JwksFileSource(string path) : KeySetSource
{
    public override string Describe() => "file " + Path.GetFileName(path);

    public override async Task<JsonWebKeySet> FetchAsync(CancellationToken cancellationToken)
    {
        var json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return new JsonWebKeySet(json);
    }
}
