using LoadTool.Identity;

namespace LoadTool.Load;

/// <summary>
/// Everything that can be computed before the run, per target: absolute URIs for every path, the "Bearer …" header
/// values, and the bad-credential schedule. <see cref="Get"/> is arithmetic on the request index: paths and tokens
/// rotate, and bad requests are spread evenly (request i is bad when ⌊(i+1)·p⌋ &gt; ⌊i·p⌋, p the bad share), cycling
/// through the bad kinds in use.
/// </summary>
internal sealed class RequestPlan
{
    private const long Scale = 1_000_000;
    private readonly Uri[] _uris;
    private readonly string?[] _authorizations;
    private readonly long _badPerScale;
    private readonly BadCredentialKind[] _badKinds;
    private readonly string?[] _badAuthorizations;
    private readonly Uri? _forbiddenUri;

    public RequestPlan(Uri baseUri, IReadOnlyList<string> paths, CredentialSet credentials, double badPercent, string? forbiddenPath)
    {
        _uris = [.. paths.Select(p => Combine(baseUri, p))];
        _authorizations = credentials.Valid.Length == 0 ? [null] : [.. credentials.Valid.Select(t => "Bearer " + t)];
        _badKinds = credentials.BadKinds;
        _badPerScale = _badKinds.Length == 0 ? 0 : (long)Math.Round(badPercent / 100 * Scale);
        _badAuthorizations = [.. _badKinds.Select(k => credentials.Bad[k] is { } t ? "Bearer " + t : null)];
        _forbiddenUri = forbiddenPath is null ? null : Combine(baseUri, forbiddenPath);
    }

    public RequestSlot Get(long index)
    {
        if (_badPerScale > 0)
        {
            var before = index * _badPerScale / Scale;
            var after = (index + 1) * _badPerScale / Scale;
            if (after > before)
            {
                var kindIndex = (int)(before % _badKinds.Length);
                var kind = _badKinds[kindIndex];
                return kind == BadCredentialKind.ForbiddenPath
                    ? new RequestSlot(_forbiddenUri!, _authorizations[index % _authorizations.Length], kind)
                    : new RequestSlot(_uris[index % _uris.Length], _badAuthorizations[kindIndex], kind);
            }
        }

        return new RequestSlot(_uris[index % _uris.Length], _authorizations[index % _authorizations.Length], null);
    }

    private static Uri Combine(Uri baseUri, string pathAndQuery)
    {
        // A base URL may carry a path prefix (http://host/api): the request path is appended to it.
        return new Uri(baseUri.AbsoluteUri.TrimEnd('/') + pathAndQuery, UriKind.Absolute);
    }
}
