using System.Collections.Frozen;

namespace PolicyCore.Model;

/// <summary>
/// What an allow rule asks the gateway to do when it decides: headers to add to the upstream request, and a
/// rate-limit class name (carried only; enforced by a later component). Immutable and shared: reading it from a
/// <see cref="Decision"/> allocates nothing.
/// </summary>
public sealed class RuleObligations
{
    internal RuleObligations(IReadOnlyDictionary<string, string> headers, string? rateLimitClass)
    {
        Headers = headers.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        RateLimitClass = rateLimitClass;
    }

    /// <summary>Header name → value to set on the upstream request (names validated: never identity headers).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The rate-limit class to apply, or null.</summary>
    public string? RateLimitClass { get; }

    public override string ToString()
        => $"headers: {Headers.Count}" + (RateLimitClass is null ? "" : $", rate_limit_class: {RateLimitClass}");
}
