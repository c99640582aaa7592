using System.Security.Cryptography.X509Certificates;

namespace Gateway.Identity.X509;

/// <summary>
/// Intermediate CAs that clients sent in their handshake and through which a valid SVID chained to its trust domain's
/// roots. A resumed TLS session carries the client's certificate but not the chain it was first sent with, so a client
/// whose SVID comes from an intermediate the bundle does not hold (SPIRE with an upstream CA) would be refused on every
/// resumed connection; the validation of a connection without presented intermediates tries these, as browsers do.
/// They are only candidates: a chain must still end at one of the trust domain's roots. Kept for one bundle revision
/// (a bundle change forgets them), at most <see cref="Capacity"/>, the oldest dropped first.
/// </summary>
internal sealed class LearnedIntermediates
{
    public const int Capacity = 32;

    private sealed record Snapshot(long Revision, X509Certificate2[] Certificates);

    private readonly object _sync = new();
    private Snapshot _current = new(long.MinValue, []);

    /// <summary>The intermediates learned under this bundle revision; null when none.</summary>
    public IReadOnlyList<X509Certificate2>? For(long revision)
    {
        var s = Volatile.Read(ref _current);
        return s.Revision == revision && s.Certificates.Length > 0 ? s.Certificates : null;
    }

    /// <summary>Remembers intermediates a valid chain went through under this bundle revision.</summary>
    public void Learn(long revision, IEnumerable<X509Certificate2> used)
    {
        lock (_sync)
        {
            var s = _current;
            var known = s.Revision == revision ? new List<X509Certificate2>(s.Certificates) : [];
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

            if (known.Count > Capacity)
            {
                known.RemoveRange(0, known.Count - Capacity);
            }

            Volatile.Write(ref _current, new Snapshot(revision, known.ToArray()));
        }
    }
}
