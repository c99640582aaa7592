using System.Collections.Frozen;

namespace Gateway.Identity.Dpop;

/// <summary>
/// The gateway's public origins (<c>Dpop.Origins</c>), in the normal form <see cref="HtuMatcher"/> compares a proof's
/// <c>htu</c> in (scheme and host lower-case, default port dropped, path <c>/</c>): a request whose scheme and Host are
/// not one of them cannot carry a DPoP proof, so a proof made for another server cannot be replayed here with that
/// server's name in Host. One normalizer for both, so the two checks can never disagree.
/// </summary>
internal sealed class DpopOrigins
{
    private const int MaxLength = 512;

    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _origins;

    private DpopOrigins(FrozenSet<string> origins) => _origins = origins.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The configured origins; null when none are configured (the request's own Host is then trusted).</summary>
    public static DpopOrigins? Create(IReadOnlyList<string> configured)
    {
        if (configured.Count == 0)
        {
            return null;
        }

        var origins = new List<string>(configured.Count);
        foreach (var o in configured)
        {
            if (TryNormalize(o, out var normalized))
            {
                origins.Add(normalized);
            }
        }

        return new DpopOrigins(origins.ToFrozenSet(StringComparer.Ordinal));
    }

    /// <summary>An origin as written in the config: <c>scheme://host[:port]</c>, http or https, nothing else.</summary>
    public static bool TryNormalize(string? text, out string origin)
    {
        origin = "";
        if (text is null || text.Length > MaxLength
            || !Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https")
            || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.AbsolutePath != "/")
        {
            return false;
        }

        Span<char> buffer = stackalloc char[(MaxLength * 3) + 16];
        var n = HtuMatcher.NormalizeAbsolute(text.TrimEnd('/'), buffer);
        if (n <= 0)
        {
            return false;
        }

        origin = new string(buffer[..n]);
        return true;
    }

    /// <summary>True when the request's scheme and Host are one of the origins (no allocation).</summary>
    public bool Contains(in DpopTarget target)
    {
        if (target.Host.Length > MaxLength)
        {
            return false;
        }

        Span<char> buffer = stackalloc char[((target.Scheme.Length + target.Host.Length + 1) * 3) + 16];
        var n = HtuMatcher.NormalizeTarget(new DpopTarget(target.Scheme, target.Host, "/"), buffer);
        return n > 0 && _origins.Contains(buffer[..n]);
    }
}
