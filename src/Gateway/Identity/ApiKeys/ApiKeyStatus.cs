namespace Gateway.Identity.ApiKeys;

/// <summary>The state of a key at a given time. Revoked wins over expired.</summary>
internal enum ApiKeyStatus : byte
{
    Active,
    Expired,
    Revoked,
}
