namespace PolicyCore.Model;

/// <summary>
/// Optional access to the request's headers and query parameters, supplied by the gateway without copying them.
/// Implementations must be allocation-free for a hit, thread-safe for the duration of one evaluation, and must
/// never expose identity headers (the gateway strips them before policy runs). Several values of one header should
/// be returned joined with <c>", "</c> (the HTTP list form); a query parameter given several times returns its first value.
/// </summary>
public interface IRequestAttributes
{
    /// <summary>True and the value when the header is present (name compared case-insensitively).</summary>
    bool TryGetHeader(string name, out string? value);

    /// <summary>True and the decoded value when the query parameter is present (name compared case-sensitively).</summary>
    bool TryGetQuery(string name, out string? value);
}
