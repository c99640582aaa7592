using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Gateway.Identity.Dpop;

/// <summary>
/// Imported proof keys by the thumbprint (<c>cnf.jkt</c>) their tokens are bound to. Importing an EC key costs about
/// twice the signature check (the platform validates the point), and a DPoP client signs every proof with the same key,
/// so the import is paid once per key. A key enters only after a proof made with it passed every check against a token
/// bound to it (so filling the cache needs valid bound tokens, one per key); when full, the cache starts a new
/// generation. Verification with a cached key is serialized per key (the platform does not document concurrent use of
/// one key object as safe); a request that finds the key busy verifies with its own import instead of waiting.
/// </summary>
internal sealed class DpopKeyCache : IDisposable
{
    private ConcurrentDictionary<string, AsymmetricAlgorithm> _keys = new(StringComparer.Ordinal);
    private readonly int _max;
    private int _count;

    public DpopKeyCache(int maxEntries) => _max = maxEntries;

    public int Count => Volatile.Read(ref _count);

    /// <summary>True when a key is cached for <paramref name="jkt"/> and the signature verifies with it.</summary>
    public bool TryVerify(string jkt, DpopAlgorithm algorithm, ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature)
    {
        if (!Volatile.Read(ref _keys).TryGetValue(jkt, out var key) || !Monitor.TryEnter(key))
        {
            // Not cached, or busy with another request: the caller takes the uncached path (never a queue behind a
            // key that someone holding a copied token could keep busy).
            return false;
        }

        try
        {
            return DpopProofKey.VerifyWith(key, algorithm, signingInput, signature);
        }
        finally
        {
            Monitor.Exit(key);
        }
    }

    /// <summary>Takes ownership of <paramref name="key"/> when it is added; otherwise the caller keeps it. When the
    /// cache is full it starts over (a new generation), so new clients are cached again; the keys of the old generation
    /// are left to the garbage collector (a request may still be using one).</summary>
    public bool TryAdd(string jkt, AsymmetricAlgorithm key)
    {
        if (Interlocked.Increment(ref _count) > _max)
        {
            Volatile.Write(ref _keys, new ConcurrentDictionary<string, AsymmetricAlgorithm>(StringComparer.Ordinal));
            Volatile.Write(ref _count, 1);
        }

        if (!Volatile.Read(ref _keys).TryAdd(jkt, key))
        {
            Interlocked.Decrement(ref _count);
            return false;
        }

        return true;
    }

    public void Dispose()
    {
        var keys = Volatile.Read(ref _keys);
        foreach (var key in keys.Values)
        {
            key.Dispose();
        }

        keys.Clear();
    }
}
