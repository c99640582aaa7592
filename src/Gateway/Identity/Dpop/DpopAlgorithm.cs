namespace Gateway.Identity.Dpop;

/// <summary>The asymmetric JWS algorithms a DPoP proof may be signed with. <c>none</c> and the HMAC algorithms have no
/// member: a proof key is public, so a symmetric signature made "with" it proves nothing.</summary>
internal enum DpopAlgorithm : byte
{
    Unknown = 0,
    ES256,
    ES384,
    ES512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    EdDSA,
}
