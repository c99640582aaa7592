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

    /// <summary>The state of the connection a request arrived on; null for plain-HTTP listeners.</summary>
    /// <summary>Most certificates kept from what a client sends besides its own: a SPIFFE chain is a leaf and one or two
    /// intermediates, and the rest of a long list is ignored, never built.</summary>
    public const int MaxPresentedIntermediates = 4;

    private X509Certificate2[]? _presented;

    /// <summary>The certificates the client sent besides its leaf during the handshake: untrusted, used only as
    /// candidates for the chain from the leaf to its trust domain's roots (SPIRE with an upstream CA signs SVIDs
    /// with an intermediate that the bundle does not hold). Null when none were sent.</summary>
    public IReadOnlyList<X509Certificate2>? PresentedIntermediates => Volatile.Read(ref _presented);

    /// <summary>Keeps copies of the certificates the TLS stack received with the client's certificate (the extra
    /// store of the handshake's chain), without the leaf itself, at most <see cref="MaxPresentedIntermediates"/>.</summary>
    public void CapturePresented(X509Certificate? leaf, X509Chain? chain)
    {
        if (leaf is null || chain is null || chain.ChainPolicy.ExtraStore.Count == 0)
        {
            return;
        }

        var leafBytes = leaf.GetRawCertData();
        var kept = new List<X509Certificate2>(Math.Min(chain.ChainPolicy.ExtraStore.Count, MaxPresentedIntermediates));
        foreach (var certificate in chain.ChainPolicy.ExtraStore)
        {
            if (kept.Count == MaxPresentedIntermediates)
            {
                break;
            }

            if (!certificate.RawDataMemory.Span.SequenceEqual(leafBytes))
            {
                // A copy: the handshake disposes its chain and what it holds.
                kept.Add(X509CertificateLoader.LoadCertificate(certificate.RawDataMemory.Span));
            }
        }

        Volatile.Write(ref _presented, kept.Count == 0 ? null : kept.ToArray());
    }

    public static TlsConnectionState? Of(HttpContext context)
        => context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(Item, out var state) == true ? state as TlsConnectionState : null;
}
