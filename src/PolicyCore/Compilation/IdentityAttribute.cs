namespace PolicyCore.Compilation;

/// <summary>Which single-valued identity attribute a <see cref="StringSetCondition"/> reads.</summary>
internal enum IdentityAttribute : byte
{
    TrustDomain,
    Issuer,
    AuthMethod,
}
