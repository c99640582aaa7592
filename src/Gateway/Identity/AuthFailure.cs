namespace Gateway.Identity;

/// <summary>Why a credential was refused. The wire names (<see cref="AuthFailureExtensions.ToCode"/>) are stable.</summary>
public enum AuthFailure : byte
{
    None = 0,
    TokenMissing,
    MalformedToken,
    TokenTooLarge,
    TokenExpired,
    TokenNotYetValid,
    TokenLifetimeExceedsLimit,
    InvalidAudience,
    InvalidIssuer,
    UnknownKey,
    InvalidSignature,
    AlgorithmNotAllowed,
    MissingRequiredClaim,
    TrustDomainNotAllowed,
    InvalidSubject,
    KeysUnavailable,
    ValidationError,
    InvalidClaim,
}

public static class AuthFailureExtensions
{
    public static string ToCode(this AuthFailure failure) => failure switch
    {
        AuthFailure.None => "none",
        AuthFailure.TokenMissing => "token_missing",
        AuthFailure.MalformedToken => "malformed_token",
        AuthFailure.TokenTooLarge => "token_too_large",
        AuthFailure.TokenExpired => "token_expired",
        AuthFailure.TokenNotYetValid => "token_not_yet_valid",
        AuthFailure.TokenLifetimeExceedsLimit => "token_lifetime_exceeds_limit",
        AuthFailure.InvalidAudience => "invalid_audience",
        AuthFailure.InvalidIssuer => "invalid_issuer",
        AuthFailure.UnknownKey => "unknown_key",
        AuthFailure.InvalidSignature => "invalid_signature",
        AuthFailure.AlgorithmNotAllowed => "algorithm_not_allowed",
        AuthFailure.MissingRequiredClaim => "missing_required_claim",
        AuthFailure.TrustDomainNotAllowed => "trust_domain_not_allowed",
        AuthFailure.InvalidSubject => "invalid_subject",
        AuthFailure.KeysUnavailable => "keys_unavailable",
        AuthFailure.ValidationError => "invalid_token",
        AuthFailure.InvalidClaim => "invalid_claim",
        _ => "invalid_token",
    };

    public static string Describe(this AuthFailure failure) => failure switch
    {
        AuthFailure.TokenMissing => "No bearer token was presented.",
        AuthFailure.MalformedToken => "The bearer token is not a well-formed signed JWT.",
        AuthFailure.TokenTooLarge => "The bearer token is larger than the gateway accepts.",
        AuthFailure.TokenExpired => "The token has expired.",
        AuthFailure.TokenNotYetValid => "The token is not valid yet.",
        AuthFailure.TokenLifetimeExceedsLimit => "The token's lifetime is longer than its issuer's limit.",
        AuthFailure.InvalidAudience => "The token was not issued for this gateway.",
        AuthFailure.InvalidIssuer => "The token's issuer is not trusted.",
        AuthFailure.UnknownKey => "The token is signed with a key the issuer does not publish.",
        AuthFailure.InvalidSignature => "The token's signature does not verify.",
        AuthFailure.AlgorithmNotAllowed => "The token's signing algorithm is not allowed for its issuer.",
        AuthFailure.MissingRequiredClaim => "The token lacks a claim its issuer requires.",
        AuthFailure.TrustDomainNotAllowed => "The token names a SPIFFE trust domain its issuer may not vouch for.",
        AuthFailure.InvalidSubject => "The token's subject is missing or invalid.",
        AuthFailure.KeysUnavailable => "The issuer's signing keys are not available; the gateway fails closed.",
        AuthFailure.InvalidClaim => "A claim the gateway forwards or records has an invalid value.",
        _ => "The credential was refused.",
    };
}
