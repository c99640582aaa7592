namespace Gateway.Identity.ApiKeys;

/// <summary>Log event ids of the API key store and authenticator. (Kept here until they move into
/// <see cref="Gateway.Observability.EventIds"/>, which this change does not own.)</summary>
internal static class ApiKeyEventIds
{
    public const int StoreReloaded = 7101;
    public const int StoreReloadRejected = 7102;
    public const int StoreDiagnostic = 7103;
    public const int KeyRefused = 7104;
    public const int StoreUnavailable = 7105;
}
