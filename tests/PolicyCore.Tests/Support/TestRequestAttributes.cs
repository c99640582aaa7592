using PolicyCore.Model;

namespace PolicyCore.Tests.Support;

/// <summary>Headers (case-insensitive) and query parameters (case-sensitive) for tests.</summary>
internal sealed class TestRequestAttributes(Dictionary<string, string>? headers = null, Dictionary<string, string>? query = null) : IRequestAttributes
{
    private readonly Dictionary<string, string> _headers = new(headers ?? [], StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _query = new(query ?? [], StringComparer.Ordinal);

    public bool TryGetHeader(string name, out string? value)
    {
        var found = _headers.TryGetValue(name, out var v);
        value = v;
        return found;
    }

    public bool TryGetQuery(string name, out string? value)
    {
        var found = _query.TryGetValue(name, out var v);
        value = v;
        return found;
    }
}
