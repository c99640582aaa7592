using System.Diagnostics.CodeAnalysis;
using PolicyCore.Model;

namespace PolicyCore.Compilation;

/// <summary>
/// <c>time: { days: [mon-fri], from: "08:00", to: "18:00", time_zone: Europe/Berlin }</c>: the request time, converted
/// to the zone, falls on one of the days and inside [from, to). When <c>to</c> is earlier than <c>from</c> the window
/// wraps midnight; <c>days</c> then still names the local day of the request itself. Always evaluable.
/// </summary>
internal sealed class TimeWindowCondition(string text, int dayMask, int fromMinute, int toMinute, TimeZoneInfo zone) : RuleCondition
{
    public const int AllDays = 0x7F;
    private static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    public override Truth Evaluate(RequestContext context, PolicyIdentity identity)
    {
        var local = TimeZoneInfo.ConvertTime(context.Time, zone);
        if ((dayMask & (1 << (int)local.DayOfWeek)) == 0)
        {
            return Truth.False;
        }

        var minute = (local.Hour * 60) + local.Minute;
        var inside = fromMinute <= toMinute
            ? minute >= fromMinute && minute < toMinute
            : minute >= fromMinute || minute < toMinute;
        return inside ? Truth.True : Truth.False;
    }

    public override string Describe() => "time: " + text;

    /// <summary>Parses <c>mon</c>..<c>sun</c> or a range such as <c>mon-fri</c> (case-insensitive) into day bits.</summary>
    public static bool TryParseDays(string text, out int mask)
    {
        mask = 0;
        var lower = text.Trim().ToLowerInvariant();
        var dash = lower.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            var day = Array.IndexOf(DayNames, lower);
            mask = day < 0 ? 0 : 1 << day;
            return day >= 0;
        }

        var first = Array.IndexOf(DayNames, lower[..dash].Trim());
        var last = Array.IndexOf(DayNames, lower[(dash + 1)..].Trim());
        if (first < 0 || last < 0)
        {
            return false;
        }

        // Monday-based order so that "mon-sun" is the whole week and "fri-mon" wraps over the weekend.
        var i = first;
        while (true)
        {
            mask |= 1 << i;
            if (i == last)
            {
                return true;
            }

            i = (i + 1) % 7;
        }
    }

    /// <summary>Parses <c>HH:MM</c> (00:00–23:59; <c>24:00</c> when <paramref name="allowEndOfDay"/>) into minutes.</summary>
    public static bool TryParseClock(string text, bool allowEndOfDay, out int minutes)
    {
        minutes = 0;
        if (text.Length != 5 || text[2] != ':' || !char.IsAsciiDigit(text[0]) || !char.IsAsciiDigit(text[1])
            || !char.IsAsciiDigit(text[3]) || !char.IsAsciiDigit(text[4]))
        {
            return false;
        }

        var hours = ((text[0] - '0') * 10) + (text[1] - '0');
        var mins = ((text[3] - '0') * 10) + (text[4] - '0');
        minutes = (hours * 60) + mins;
        return mins < 60 && (hours < 24 || (allowEndOfDay && hours == 24 && mins == 0));
    }

    /// <summary>Resolves an IANA zone id (tzdata; works with InvariantGlobalization). <c>UTC</c> is always known.</summary>
    public static bool TryFindZone(string id, [NotNullWhen(true)] out TimeZoneInfo? zone)
    {
        zone = null;
        if (string.Equals(id, "UTC", StringComparison.Ordinal) || string.Equals(id, "Etc/UTC", StringComparison.Ordinal))
        {
            zone = TimeZoneInfo.Utc;
            return true;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException or System.Security.SecurityException)
        {
            return false;
        }
    }
}
