namespace Gateway.Audit;

/// <summary>One request's audit record: who, what, the outcome and why. Never a token, only its id or hash.</summary>
internal sealed record AuditRecord(
    DateTimeOffset Time,
    string RequestId,
    string? Identity,
    string? Issuer,
    string? AuthMethod,
    string? TokenId,
    string? TokenHash,
    string? Route,
    string Method,
    string Host,
    string Path,
    string Decision,
    string? Rule,
    string? Reason,
    int Status,
    double DurationMs,
    string? SourceAddress);
