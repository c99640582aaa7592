namespace Gateway.Identity;

/// <summary>An origin as DPoP compares it: lower-case scheme and host, explicit port (80/443 when omitted).</summary>
internal static class DpopOrigin
{
    public static bool TryNormalize(string? text, out string origin)
    {
        origin = "";
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https")
            || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.AbsolutePath != "/")
        {
            return false;
        }

        origin = Create(uri.Scheme, uri.Host, uri.Port);
        return true;
    }

    /// <summary>The origin a request arrived at: the listener's scheme and the Host header.</summary>
    public static string OfRequest(Microsoft.AspNetCore.Http.HttpRequest request)
        => Create(request.Scheme, request.Host.Host, request.Host.Port ?? (request.IsHttps ? 443 : 80));

    private static string Create(string scheme, string host, int port)
        => string.Concat(scheme.ToLowerInvariant(), "://", host.ToLowerInvariant(), ":", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
