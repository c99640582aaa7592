namespace Gateway.Identity;

/// <summary>Which credential a request presented (decides the <c>WWW-Authenticate</c> challenge of a refusal).</summary>
internal enum CredentialKind : byte
{
    /// <summary>Not authenticated (yet).</summary>
    None = 0,
    Bearer,
    Dpop,
    ApiKey,
    Certificate,
}
