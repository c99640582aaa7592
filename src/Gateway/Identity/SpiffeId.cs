namespace Gateway.Identity;

/// <summary>A parsed SPIFFE id: <c>spiffe://trust-domain/path</c>, following the SPIFFE-ID specification.</summary>
public readonly record struct SpiffeId(string TrustDomain, string Path)
{
    private const string Scheme = "spiffe://";
    private const int MaxLength = 2048;

    public override string ToString() => Scheme + TrustDomain + Path;

    public static bool TryParse(string? value, out SpiffeId id)
    {
        id = default;
        if (value is null || value.Length > MaxLength || !value.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = value.AsSpan(Scheme.Length);
        var slash = rest.IndexOf('/');
        var td = slash < 0 ? rest : rest[..slash];
        if (!IsValidTrustDomain(td))
        {
            return false;
        }

        var path = slash < 0 ? ReadOnlySpan<char>.Empty : rest[slash..];
        if (!IsValidPath(path))
        {
            return false;
        }

        id = new SpiffeId(td.ToString(), path.ToString());
        return true;
    }

    public static bool IsValidTrustDomain(ReadOnlySpan<char> td)
    {
        if (td.Length == 0 || td.Length > 255)
        {
            return false;
        }

        foreach (var c in td)
        {
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsValidTrustDomain(string? td) => td is not null && IsValidTrustDomain(td.AsSpan());

    private static bool IsValidPath(ReadOnlySpan<char> path)
    {
        if (path.Length == 0)
        {
            return true;
        }

        // Each segment: non-empty, not "." or "..", characters [A-Za-z0-9.-_].
        var segmentStart = 1;
        for (var i = 1; i <= path.Length; i++)
        {
            if (i == path.Length || path[i] == '/')
            {
                var seg = path[segmentStart..i];
                if (seg.Length == 0 || seg is "." || seg is "..")
                {
                    return false;
                }

                segmentStart = i + 1;
                continue;
            }

            var c = path[i];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
