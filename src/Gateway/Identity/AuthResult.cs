namespace Gateway.Identity;

/// <summary>The outcome of authentication, as a value: an identity or a reason.</summary>
public readonly record struct AuthResult(WorkloadIdentity? Identity, AuthFailure Failure, string? IssuerName, string? TokenHash)
{
    public bool Succeeded => Identity is not null;

    public static AuthResult Fail(AuthFailure failure, string? issuer = null, string? tokenHash = null)
        => new(null, failure, issuer, tokenHash);
}
