namespace Gateway.Observability;

/// <summary>Every log event id in one place.</summary>
internal static class EventIds
{
    public const int KeyRefreshSucceeded = 1001;
    public const int KeyRefreshFailed = 1002;
    public const int KeyProblem = 1003;
    public const int ForcedRefresh = 1004;
    public const int PolicyReloaded = 2001;
    public const int PolicyReloadRejected = 2002;
    public const int PolicyDiagnostic = 2003;
    public const int AuditDropped = 3001;
    public const int AuditWriteFailed = 3002;
    public const int UpstreamError = 4001;
    public const int Started = 5001;
    public const int ConfigReloaded = 6001;
    public const int ConfigReloadRejected = 6002;
    public const int ConfigDiagnostic = 6003;
    public const int ConfigNeedsRestart = 6004;
    public const int ServerCertificateReloaded = 7001;
    public const int ServerCertificateReloadFailed = 7002;
    public const int TrustBundlesReloaded = 7101;
    public const int TrustBundleReloadRejected = 7102;
    public const int TrustBundleDiagnostic = 7103;
    public const int ApiKeyStoreReloaded = 7201;
    public const int ApiKeyStoreReloadRejected = 7202;
    public const int ApiKeyStoreDiagnostic = 7203;
    public const int ApiKeyRefused = 7204;
    public const int ApiKeyStoreUnavailable = 7205;
}
