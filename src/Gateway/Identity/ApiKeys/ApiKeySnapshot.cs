using System.Collections.Frozen;

namespace Gateway.Identity.ApiKeys;

/// <summary>An immutable, loaded key store: the entries in file order and an index by id. A request reads one
/// snapshot once.</summary>
internal sealed class ApiKeySnapshot
{
    private readonly FrozenDictionary<string, ApiKeyEntry>.AlternateLookup<ReadOnlySpan<char>> _byIdSpan;

    public ApiKeySnapshot(IReadOnlyList<ApiKeyEntry> entries, long revision, string file)
    {
        Entries = entries;
        Revision = revision;
        StoreFile = file;
        ById = entries.ToFrozenDictionary(e => e.Id, StringComparer.Ordinal);
        _byIdSpan = ById.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public IReadOnlyList<ApiKeyEntry> Entries { get; }
    public FrozenDictionary<string, ApiKeyEntry> ById { get; }
    public long Revision { get; }
    public string StoreFile { get; }

    /// <summary>Lookup by id without allocating a string.</summary>
    public bool TryGet(ReadOnlySpan<char> id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ApiKeyEntry? entry)
        => _byIdSpan.TryGetValue(id, out entry);
}
