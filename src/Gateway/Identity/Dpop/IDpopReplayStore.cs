namespace Gateway.Identity.Dpop;

/// <summary>
/// Remembers which DPoP proofs were used, by key, until they expire (RFC 9449 §11.1). Keys are opaque, fixed-length
/// (43 characters of base64url) and hold nothing secret: the validator derives them from the proof key's thumbprint and
/// the proof's <c>jti</c>, so the same <c>jti</c> from two keys are two keys.
/// </summary>
/// <remarks>
/// What every implementation, and in particular a fleet store shared by several gateway instances (e.g. Redis
/// <c>SET key 1 NX PX ttl</c>), must guarantee:
/// <list type="bullet">
/// <item>Check-and-set is one atomic operation: of any number of concurrent calls with the same key, across all
/// instances, exactly one gets <see cref="ReplayCheck.Registered"/>.</item>
/// <item><see cref="ReplayCheck.Registered"/> only once the key is durably stored for everyone who asks next (for
/// Redis: on the primary, with replication lag and failover understood as a replay window; <c>WAIT</c> if that
/// window is not acceptable).</item>
/// <item>A key stays at least until <c>expires</c>. The store never evicts an unexpired key to make room (Redis:
/// <c>maxmemory-policy noeviction</c>, or a dedicated instance): an evicted key is a replay that succeeds. The TTL is
/// computed from <c>expires</c> and the gateway's clock, or given as an absolute time (<c>PXAT</c>).</item>
/// <item>When it cannot answer (full, unreachable, timed out, an error), it returns
/// <see cref="ReplayCheck.Unavailable"/> rather than throwing, and never guesses <see cref="ReplayCheck.Registered"/>:
/// the gateway fails closed. Cancellation through the token may throw <see cref="OperationCanceledException"/>.</item>
/// <item>It bounds its own wait (a short timeout): it runs on the request path of every DPoP request.</item>
/// </list>
/// </remarks>
internal interface IDpopReplayStore
{
    ValueTask<ReplayCheck> TryRegisterAsync(string key, DateTimeOffset expires, CancellationToken ct);
}
