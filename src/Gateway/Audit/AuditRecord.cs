namespace Gateway.Audit;

/// <summary>One request's audit record: who, what, the outcome and why. Never a token, only its id or hash. A value:
/// it is serialized at once into the writer's buffer, so no record object is allocated per request.</summary>
internal readonly record struct AuditRecord(
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
    System.Net.IPAddress? SourceAddress)
{
    /// <summary>What shadow rules would have decided ("allow"/"deny"), when they would decide.</summary>
    public string? ShadowDecision { get; init; }
    public string? ShadowRule { get; init; }
    /// <summary>Rules examined that could not be evaluated (missing claim, label…), and the first of them.</summary>
    public int UnevaluableRules { get; init; }
    public string? UnevaluableRule { get; init; }
    public string? RateLimitClass { get; init; }
    /// <summary>How the identity was bound to the caller: <c>bearer</c>, <c>mtls</c>, <c>x5t</c> or <c>dpop</c>.</summary>
    public string? Binding { get; init; }
}
