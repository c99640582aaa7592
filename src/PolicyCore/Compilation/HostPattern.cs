using System.Diagnostics.CodeAnalysis;

namespace PolicyCore.Compilation;

/// <summary>
/// A host name, exact (case-insensitive) or <c>*.suffix</c>: any subdomain of suffix (one or more labels), never the
/// apex itself.
/// </summary>
internal sealed class HostPattern
{
    private readonly string _value;      // exact host, or ".suffix" for a wildcard
    private readonly bool _wildcard;

    private HostPattern(string text, string value, bool wildcard)
    {
        Text = text;
        _value = value;
        _wildcard = wildcard;
    }

    public string Text { get; }

    public static bool TryParse(string text, [NotNullWhen(true)] out HostPattern? pattern, [NotNullWhen(false)] out string? error)
    {
        pattern = null;
        var lower = text.ToLowerInvariant();
        var wildcard = lower.StartsWith("*.", StringComparison.Ordinal);
        var name = wildcard ? lower[2..] : lower;
        if (name.Length == 0 || name.Length > 253)
        {
            error = "a host must be a DNS name such as 'api.example.org' or '*.example.org'";
            return false;
        }

        if (name.Contains(':', StringComparison.Ordinal))
        {
            error = "a host pattern must not have a port; the port is not part of the match";
            return false;
        }

        if (name.Contains('*', StringComparison.Ordinal))
        {
            error = "'*' is only allowed as the whole first label ('*.example.org')";
            return false;
        }

        foreach (var label in name.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                error = $"'{label}' is not a valid DNS label (1-63 letters, digits or '-', not starting or ending with '-')";
                return false;
            }

            foreach (var c in label)
            {
                if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
                {
                    error = $"the character '{c}' is not allowed in a host name";
                    return false;
                }
            }
        }

        pattern = new HostPattern(text, wildcard ? "." + name : name, wildcard);
        error = null;
        return true;
    }

    public bool Matches(string? host)
    {
        if (host is null)
        {
            return false;
        }

        return _wildcard
            ? host.Length > _value.Length && host.EndsWith(_value, StringComparison.OrdinalIgnoreCase)
            : string.Equals(host, _value, StringComparison.OrdinalIgnoreCase);
    }

    public override string ToString() => Text;
}
