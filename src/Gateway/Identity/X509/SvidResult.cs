using System.Diagnostics.CodeAnalysis;

namespace Gateway.Identity.X509;

/// <summary>
/// The outcome of validating a client certificate as an X.509-SVID. On failure only <see cref="Failure"/> is set: the
/// SPIFFE id a refused certificate claims is never handed out, so it cannot be used by mistake.
/// </summary>
internal readonly record struct SvidResult
{
    private SvidResult(AuthFailure failure, SpiffeId id, string? thumbprintS256, DateTimeOffset notAfter,
        IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2>? candidatesUsed = null)
    {
        Failure = failure;
        Id = id;
        ThumbprintS256 = thumbprintS256;
        NotAfter = notAfter;
        CandidatesUsed = candidatesUsed;
    }

    /// <summary><see cref="AuthFailure.None"/> when the certificate is a valid SVID of a trusted trust domain.</summary>
    public AuthFailure Failure { get; }

    /// <summary>The workload's SPIFFE id (its only URI SAN); default on failure.</summary>
    public SpiffeId Id { get; }

    /// <summary>Base64url SHA-256 of the certificate's DER: the RFC 8705 <c>cnf.x5t#S256</c> form. Null on failure.</summary>
    public string? ThumbprintS256 { get; }

    /// <summary>The certificate's notAfter (UTC): a cache entry must not outlive it.</summary>
    public DateTimeOffset NotAfter { get; }

    /// <summary>Of the candidate intermediates given to the validation (not the bundle's own), those the valid chain
    /// went through: the same instances. Null when none.</summary>
    public IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2>? CandidatesUsed { get; }

    [MemberNotNullWhen(true, nameof(ThumbprintS256))]
    public bool IsValid => Failure == AuthFailure.None;

    public static SvidResult Valid(SpiffeId id, string thumbprintS256, DateTimeOffset notAfter,
        IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2>? candidatesUsed = null)
        => new(AuthFailure.None, id, thumbprintS256, notAfter, candidatesUsed);

    public static SvidResult Fail(AuthFailure failure)
        => failure == AuthFailure.None
            ? throw new ArgumentException("a failure needs a reason", nameof(failure))
            : new(failure, default, null, default);
}
