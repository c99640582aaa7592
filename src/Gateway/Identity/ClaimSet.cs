using System.Collections;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Gateway.Identity;

/// <summary>
/// A token's claims as policy reads them: names and values in two flat arrays. A validated token's identity stays in
/// the token cache for as long as the token lives (up to 100,000 of them), so every byte of it is kept for minutes and
/// collected by a full GC: a <see cref="Dictionary{TKey,TValue}"/> per token cost its buckets and entry table on top of
/// the claims. Claim names are looked up by ordinal comparison in order (a token has a dozen or two); past
/// <see cref="IndexFrom"/> claims a dictionary index is built once.
/// </summary>
internal sealed class ClaimSet : IReadOnlyDictionary<string, string[]>
{
    private const int IndexFrom = 24;

    /// <summary>Claim names of JWT, OIDC and common identity providers, one instance each: names parsed from every
    /// token are replaced by these, so a cached identity does not hold its own copies of "iss", "sub", "exp"…</summary>
    private static readonly FrozenSet<string> WellKnownNames = new[]
    {
        "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "scope", "scp", "azp", "client_id", "cnf", "typ", "sid",
        "auth_time", "acr", "amr", "roles", "groups", "email", "email_verified", "name", "preferred_username", "tid",
        "oid", "appid", "appidacr", "azpacr", "idp", "ver", "uti", "rh", "nonce", "at_hash", "act", "may_act", "tenant",
        "namespace", "service_account",
    }.ToFrozenSet(StringComparer.Ordinal);

    private readonly string[] _names;
    private readonly string[][] _values;
    private readonly Dictionary<string, int>? _index;

    public ClaimSet(string[] names, string[][] values)
    {
        if (names.Length != values.Length)
        {
            throw new ArgumentException("One value array per name.", nameof(values));
        }

        _names = names;
        _values = values;
        if (names.Length >= IndexFrom)
        {
            _index = new Dictionary<string, int>(names.Length, StringComparer.Ordinal);
            for (var i = 0; i < names.Length; i++)
            {
                if (!_index.TryAdd(names[i], i))
                {
                    throw new ArgumentException($"Claim '{names[i]}' appears twice.", nameof(names));
                }
            }
        }
        else
        {
            for (var i = 1; i < names.Length; i++)
            {
                if (Array.IndexOf(names, names[i], 0, i) >= 0)
                {
                    throw new ArgumentException($"Claim '{names[i]}' appears twice.", nameof(names));
                }
            }
        }
    }

    /// <summary>The shared instance of a well-known claim name, or the name itself.</summary>
    public static string Name(string name) => WellKnownNames.TryGetValue(name, out var known) ? known : name;

    public int Count => _names.Length;

    public string[] this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    // Enumerated, never the arrays themselves: a caller cannot change a cached identity's claims.
    public IEnumerable<string> Keys => _names.Select(static n => n);

    public IEnumerable<string[]> Values => _values.Select(static v => v);

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string[] value)
    {
        var i = IndexOf(key);
        if (i < 0)
        {
            value = null;
            return false;
        }

        value = _values[i];
        return true;
    }

    private int IndexOf(string key)
    {
        if (_index is not null)
        {
            return _index.TryGetValue(key, out var i) ? i : -1;
        }

        var names = _names;
        for (var i = 0; i < names.Length; i++)
        {
            if (string.Equals(names[i], key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    public IEnumerator<KeyValuePair<string, string[]>> GetEnumerator()
    {
        for (var i = 0; i < _names.Length; i++)
        {
            yield return new KeyValuePair<string, string[]>(_names[i], _values[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
