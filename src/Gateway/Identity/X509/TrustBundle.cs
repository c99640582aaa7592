using System.Security.Cryptography.X509Certificates;

namespace Gateway.Identity.X509;

/// <summary>
/// The CA certificates of one SPIFFE trust domain, split once at load time into the trust anchors (self-signed roots)
/// and the intermediates that may complete a path to them. Immutable: the arrays are never handed out, so a snapshot in
/// use by a request cannot be changed by anyone.
/// </summary>
/// <remarks>
/// The certificates are never disposed: a snapshot replaced by a reload may still be read by a request in flight, so
/// its native handles are left to the finalizer.
/// </remarks>
internal sealed class TrustBundle
{
    private readonly X509Certificate2[] _roots;
    private readonly X509Certificate2[] _intermediates;

    public TrustBundle(string trustDomain, string file, X509Certificate2[] roots, X509Certificate2[] intermediates)
    {
        TrustDomain = trustDomain;
        File = file;
        _roots = roots;
        _intermediates = intermediates;
    }

    public string TrustDomain { get; }

    /// <summary>The PEM file the bundle was read from (full path).</summary>
    public string File { get; }

    /// <summary>Self-signed CA certificates: the only trust anchors for this trust domain.</summary>
    public IReadOnlyList<X509Certificate2> Roots => _roots;

    /// <summary>CA certificates that are not self-signed; used to build a path, never trusted on their own.</summary>
    public IReadOnlyList<X509Certificate2> Intermediates => _intermediates;

    /// <summary>Fills a chain policy: roots as the custom trust store, intermediates as extra certificates.</summary>
    internal void ApplyTo(X509ChainPolicy policy)
    {
        policy.CustomTrustStore.AddRange(_roots);
        policy.ExtraStore.AddRange(_intermediates);
    }

    /// <summary>Whether <paramref name="certificate"/> is (byte for byte) one of this bundle's roots.</summary>
    internal bool IsRoot(X509Certificate2 certificate)
    {
        var raw = certificate.RawDataMemory.Span;
        foreach (var root in _roots)
        {
            if (root.RawDataMemory.Span.SequenceEqual(raw))
            {
                return true;
            }
        }

        return false;
    }
}
