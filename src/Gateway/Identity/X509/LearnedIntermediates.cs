using System.Collections.Frozen;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Identity.X509;

/// <summary>
/// Intermediate CAs that clients sent in their handshake and through which a valid SVID chained to its trust domain's
/// roots. A resumed TLS session carries the client's certificate but not the chain it was first sent with, so a client
/// whose SVID comes from an intermediate the bundle does not hold (SPIRE with an upstream CA) would be refused on every
/// resumed connection; the validation of a connection without presented intermediates tries these, as browsers do.
/// They are only candidates: a chain must still end at one of the trust domain's roots, through intermediates that name
/// that trust domain (<see cref="SvidValidator"/>). Kept per trust domain, at most <see cref="CapacityPerTrustDomain"/>
/// each (the oldest dropped first), so one domain's clients cannot push out another's; for one bundle revision (a
/// bundle change forgets them all, and a validation that read an older revision cannot bring its set back).
/// </summary>
internal sealed class LearnedIntermediates
{
    public const int CapacityPerTrustDomain = 8;

    private sealed record Snapshot(long Revision, FrozenDictionary<string, X509Certificate2[]> ByTrustDomain, X509Certificate2[] All);

    private readonly object _sync = new();
    private Snapshot _current = new(long.MinValue, FrozenDictionary<string, X509Certificate2[]>.Empty, []);

    /// <summary>Every intermediate learned under this bundle revision (the validator keeps those of the leaf's trust
    /// domain); null when none.</summary>
    public IReadOnlyList<X509Certificate2>? For(long revision)
    {
        var s = Volatile.Read(ref _current);
        return s.Revision == revision && s.All.Length > 0 ? s.All : null;
    }

    /// <summary>The intermediates learned for one trust domain under this revision (tests, diagnostics).</summary>
    public IReadOnlyList<X509Certificate2> For(long revision, string trustDomain)
    {
        var s = Volatile.Read(ref _current);
        return s.Revision == revision && s.ByTrustDomain.TryGetValue(trustDomain, out var c) ? c : [];
    }

    /// <summary>Remembers intermediates a valid chain of <paramref name="trustDomain"/> went through under this bundle
    /// revision. A revision older than the one already kept is ignored.</summary>
    public void Learn(long revision, string trustDomain, IEnumerable<X509Certificate2> used)
    {
        lock (_sync)
        {
            var s = _current;
            if (revision < s.Revision)
            {
                return;
            }

            var byDomain = s.Revision == revision
                ? s.ByTrustDomain.ToDictionary(StringComparer.Ordinal)
                : new Dictionary<string, X509Certificate2[]>(StringComparer.Ordinal);
            var known = byDomain.TryGetValue(trustDomain, out var existing) ? new List<X509Certificate2>(existing) : [];
            var changed = s.Revision != revision;
            foreach (var certificate in used)
            {
                if (!known.Exists(k => k.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span)))
                {
                    known.Add(certificate);
                    changed = true;
                }
            }

            if (!changed)
            {
                return;
            }

            if (known.Count > CapacityPerTrustDomain)
            {
                known.RemoveRange(0, known.Count - CapacityPerTrustDomain);
            }

            byDomain[trustDomain] = known.ToArray();
            Volatile.Write(ref _current, new Snapshot(revision, byDomain.ToFrozenDictionary(StringComparer.Ordinal),
                byDomain.Values.SelectMany(c => c).ToArray()));
        }
    }
}
