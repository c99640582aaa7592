namespace Gateway.Identity.ApiKeys;

/// <summary>
/// Who a key stands for, and the names (routes, roles) an entry may carry. An owner is a SPIFFE id or a plain workload
/// name; both end up in policy input, audit records and the forwarded identity header, so only visible ASCII is
/// allowed (no spaces, no control characters, nothing a header or a log line could be split on).
/// </summary>
internal static class ApiKeyOwner
{
    public const int MaxNameLength = 256;

    /// <summary>Null when the owner is valid, else why not.</summary>
    public static string? Problem(string? owner)
    {
        if (string.IsNullOrEmpty(owner))
        {
            return "the owner is empty: write the workload the key stands for (a SPIFFE id or a workload name)";
        }

        if (ApiKeyFormat.LooksLikeKey(owner))
        {
            return "the owner looks like an API key: write the workload the key stands for, never a key";
        }

        if (owner.StartsWith("spiffe:", StringComparison.OrdinalIgnoreCase))
        {
            return SpiffeId.TryParse(owner, out _)
                ? null
                : "the owner starts like a SPIFFE id but is not a valid one (spiffe://trust-domain/path, lower-case trust domain, no trailing slash)";
        }

        return NameProblem(owner, "owner");
    }

    /// <summary>Null when a route id, role or plain owner name is valid: 1..256 visible ASCII characters.</summary>
    public static string? NameProblem(string? name, string what)
    {
        if (string.IsNullOrEmpty(name))
        {
            return $"the {what} is empty";
        }

        if (name.Length > MaxNameLength)
        {
            return $"the {what} is longer than {MaxNameLength} characters";
        }

        foreach (var c in name)
        {
            if (c is <= ' ' or > '~')
            {
                return $"the {what} may only hold visible ASCII characters (no spaces, no control or non-ASCII characters)";
            }
        }

        return null;
    }
}
