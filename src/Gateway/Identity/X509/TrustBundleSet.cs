using System.Collections.Frozen;

namespace Gateway.Identity.X509;

/// <summary>
/// An immutable snapshot of every trust bundle, by trust domain, with a revision that increases on every reload (a cache
/// of validated certificates keys on it). Read it once per connection or request: <see cref="TrustBundleStore.Current"/>.
/// </summary>
internal sealed class TrustBundleSet
{
    private readonly FrozenDictionary<string, TrustBundle> _bundles;

    public TrustBundleSet(IEnumerable<TrustBundle> bundles, long revision)
        : this(bundles.ToFrozenDictionary(b => b.TrustDomain, StringComparer.Ordinal), revision)
    {
    }

    private TrustBundleSet(FrozenDictionary<string, TrustBundle> bundles, long revision)
    {
        _bundles = bundles;
        Revision = revision;
    }

    /// <summary>No trust domain at all: every client certificate is refused with
    /// <see cref="AuthFailure.CertificateTrustDomainUnknown"/> (or an earlier failure).</summary>
    public static TrustBundleSet Empty { get; } = new(FrozenDictionary<string, TrustBundle>.Empty, 0);

    public long Revision { get; }

    public int Count => _bundles.Count;

    public IReadOnlyList<string> TrustDomains => _bundles.Keys;

    public bool TryGetBundle(string trustDomain, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TrustBundle bundle)
        => _bundles.TryGetValue(trustDomain, out bundle);

    /// <summary>The same bundles under another revision (the store numbers what a config reload loaded).</summary>
    public TrustBundleSet WithRevision(long revision) => new(_bundles, revision);
}
