using System.Security.Cryptography.X509Certificates;
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

    /// <summary>Most certificates kept from what a client sends besides its own: a SPIFFE chain is a leaf and one or two
    /// intermediates, and the rest of a long list is ignored, never parsed.</summary>
    public const int MaxPresentedIntermediates = 4;

    /// <summary>Most bytes kept for them per connection (a SPIRE CA certificate is under 1 KB).</summary>
    public const int MaxPresentedBytes = 16 * 1024;

    private byte[][]? _presented;

    /// <summary>The DER of the certificates the client sent besides its leaf during the handshake: untrusted, parsed only
    /// when the connection's certificate is validated, as candidates for its chain (SPIRE with an upstream CA signs
    /// SVIDs with an intermediate that the bundle does not hold). Null when none were sent.</summary>
    public IReadOnlyList<byte[]>? PresentedIntermediates => Volatile.Read(ref _presented);

    /// <summary>Keeps the DER of the certificates the TLS stack received with the client's certificate (the extra store
    /// of the handshake's chain), without the leaf, at most <see cref="MaxPresentedIntermediates"/> and
    /// <see cref="MaxPresentedBytes"/>. A copy: the handshake disposes its chain and what it holds.</summary>
    public void CapturePresented(X509Certificate? leaf, X509Chain? chain)
    {
        if (leaf is null || chain is null || chain.ChainPolicy.ExtraStore.Count == 0)
        {
            return;
        }

        var leafBytes = leaf is X509Certificate2 leaf2 ? leaf2.RawDataMemory : leaf.GetRawCertData();
        var kept = new List<byte[]>(Math.Min(chain.ChainPolicy.ExtraStore.Count, MaxPresentedIntermediates));
        var bytes = 0;
        foreach (var certificate in chain.ChainPolicy.ExtraStore)
        {
            var raw = certificate.RawDataMemory.Span;
            if (kept.Count == MaxPresentedIntermediates || bytes + raw.Length > MaxPresentedBytes)
            {
                break;
            }

            if (!raw.SequenceEqual(leafBytes.Span))
            {
                kept.Add(raw.ToArray());
                bytes += raw.Length;
            }
        }

        Volatile.Write(ref _presented, kept.Count == 0 ? null : kept.ToArray());
    }

    /// <summary>The state of the connection a request arrived on; null for plain-HTTP listeners.</summary>
    public static TlsConnectionState? Of(HttpContext context)
        => context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(Item, out var state) == true ? state as TlsConnectionState : null;
}
