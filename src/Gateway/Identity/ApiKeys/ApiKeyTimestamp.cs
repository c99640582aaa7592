using System.Globalization;

namespace Gateway.Identity.ApiKeys;

/// <summary>Timestamps in the key store: ISO 8601 with an explicit offset (<c>2027-02-24T10:00:00Z</c>); a time
/// without an offset is refused, never guessed to be local or UTC.</summary>
internal static class ApiKeyTimestamp
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ss'Z'",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
        "yyyy-MM-dd'T'HH:mm:sszzz",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
    ];

    public static bool TryParse(string? text, out DateTimeOffset value)
        => DateTimeOffset.TryParseExact(text, Formats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);

    /// <summary>UTC, whole seconds: <c>2027-02-24T10:00:00Z</c>.</summary>
    public static string Format(DateTimeOffset value)
        => value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset TruncateToSeconds(DateTimeOffset value)
        => new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
