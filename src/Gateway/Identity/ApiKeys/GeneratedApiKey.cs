namespace Gateway.Identity.ApiKeys;

/// <summary>A new key: the key itself (shown once, never stored), its id and its stored hash.</summary>
internal sealed record GeneratedApiKey(string Id, string Key, string Hash)
{
    /// <summary>Never the key: a record's generated ToString would print it.</summary>
    public override string ToString() => "API key " + Id;
}
