namespace PolicyCore.Compilation;

/// <summary>
/// What a rule's <c>require</c> or a route requirement asks of the identity, as bits (the hot path compares one byte).
/// Names and parsing: <see cref="RequirementNames"/>.
/// </summary>
[Flags]
internal enum RequirementFlags : byte
{
    None = 0,
    /// <summary><c>sender_constrained</c>: the credential is bound to its holder (mTLS, certificate-bound or DPoP token).</summary>
    SenderConstrained = 1,
}
