using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Gateway.Identity.Dpop;

/// <summary>
/// Imported proof keys by the thumbprint (<c>cnf.jkt</c>) their tokens are bound to. Importing an EC key costs about
/// twice the signature check (the platform validates the point), and a DPoP client signs every proof with the same key,
/// so the import is paid once per key. A key enters only after a proof made with it passed every check against a token
/// bound to it (so filling the cache needs valid bound tokens, one per key); when full, nothing more is added (the
/// uncached path is only slower). Verification with a cached key is serialized per key: the platform does not document
/// concurrent use of one key object as safe.
/// </summary>
internal sealed class DpopKeyCache : IDisposable
{
    private readonly ConcurrentDictionary<string, AsymmetricAlgorithm> _keys = new(StringComparer.Ordinal);
    private readonly int _max;
    private int _count;

    public DpopKeyCache(int maxEntries) => _max = maxEntries;

    public int Count => Volatile.Read(ref _count);

    /// <summary>True when a key is cached for <paramref name="jkt"/> and the signature verifies with it.</summary>
    public bool TryVerify(string jkt, DpopAlgorithm algorithm, ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature)
    {
        if (!_keys.TryGetValue(jkt, out var key))
        {
            return false;
        }

        lock (key)
        {
            return DpopProofKey.VerifyWith(key, algorithm, signingInput, signature);
        }
    }

    /// <summary>Takes ownership of <paramref name="key"/> when it is added; otherwise the caller keeps it.</summary>
    public bool TryAdd(string jkt, AsymmetricAlgorithm key)
    {
        if (Volatile.Read(ref _count) >= _max || !_keys.TryAdd(jkt, key))
        {
            return false;
        }

        Interlocked.Increment(ref _count);
        return true;
    }

    public void Dispose()
    {
        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }

        _keys.Clear();
    }
}
