namespace PolicyCore.Validation;

/// <summary>"Did you mean" suggestions: the closest candidate by edit distance, ignoring case, '_' and '-'.</summary>
public static class Suggestions
{
    public static string? Closest(string value, IEnumerable<string> candidates)
    {
        var normalized = Normalize(value);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = normalized == Normalize(candidate) ? 0 : Distance(value.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        var limit = Math.Max(1, Math.Min(3, value.Length / 3));
        return bestDistance <= limit ? best : null;
    }

    /// <summary>A hint "did you mean 'x'?" or the fallback listing the candidates.</summary>
    public static string Hint(string value, IReadOnlyCollection<string> candidates)
    {
        var closest = Closest(value, candidates);
        return closest is not null
            ? $"did you mean '{closest}'?"
            : $"expected one of: {string.Join(", ", candidates)}";
    }

    private static string Normalize(string value) => value.Replace("_", "", StringComparison.Ordinal)
        .Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();

    /// <summary>Levenshtein distance (small strings only: field names and route ids).</summary>
    public static int Distance(string a, string b)
    {
        if (a.Length > 256 || b.Length > 256)
        {
            return int.MaxValue;
        }

        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
