using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Gateway.Pipeline;

/// <summary>The client-certificate mode of the listener a request arrived on (<c>required</c>, <c>optional</c>,
/// <c>off</c>; plain-HTTP listeners have none).</summary>
internal static class ClientCertificates
{
    public const string ModeItem = "gateway.client-certificate-mode";

    public static string? ListenerMode(HttpContext context)
        => context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(ModeItem, out var mode) == true ? mode as string : null;
}
