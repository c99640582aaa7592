using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Gateway.Pipeline;

/// <summary>
/// What an HTTPS listener attaches to each of its connections: the listener's client-certificate mode (<c>required</c>,
/// <c>optional</c>, <c>off</c>) and a slot for the connection's validated client certificate. Created once per
/// connection, before any request, so requests (concurrent HTTP/2 streams included) only read the connection's item
/// dictionary and swap one reference — they never write to the dictionary.
/// </summary>
internal sealed class TlsConnectionState(string mode)
{
    public const string Item = "gateway.tls-connection";

    public string Mode { get; } = mode;

    private object? _validated;

    /// <summary>The validation outcome of this connection's certificate (owned by the authenticator).</summary>
    public object? Validated
    {
        get => Volatile.Read(ref _validated);
        set => Volatile.Write(ref _validated, value);
    }

    /// <summary>The state of the connection a request arrived on; null for plain-HTTP listeners.</summary>
    public static TlsConnectionState? Of(HttpContext context)
        => context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(Item, out var state) == true ? state as TlsConnectionState : null;
}
