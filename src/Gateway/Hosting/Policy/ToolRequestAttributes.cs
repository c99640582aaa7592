using PolicyCore.Model;

namespace Gateway.Hosting.Policy;

/// <summary>Headers and query parameters of a described request. Always present, like in the gateway: an absent header is a "no".</summary>
internal sealed class ToolRequestAttributes(Dictionary<string, string> headers, Dictionary<string, string> query) : IRequestAttributes
{
    public bool TryGetHeader(string name, out string? value)
    {
        foreach (var (k, v) in headers)
        {
            if (string.Equals(k, name, StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                return true;
            }
        }

        value = null;
        return false;
    }

    public bool TryGetQuery(string name, out string? value)
    {
        var found = query.TryGetValue(name, out var v);
        value = v;
        return found;
    }
}
