namespace Gateway.Hosting;

/// <summary>How to host a gateway: the knobs that tests and the CLI set, not the user's config file.</summary>
public sealed class GatewayHostSettings
{
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
    /// <summary>Overrides the audit sink (tests read records from it).</summary>
    public Stream? AuditSink { get; init; }
    /// <summary>Minimum log level for the console (stderr).</summary>
    public Microsoft.Extensions.Logging.LogLevel LogLevel { get; init; } = Microsoft.Extensions.Logging.LogLevel.Information;
    /// <summary>Message handler for key fetches (tests may inject one; production uses sockets).</summary>
    public HttpMessageHandler? KeyFetchHandler { get; init; }
}
