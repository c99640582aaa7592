namespace Gateway.Identity;

/// <summary>How a verified identity is tied to the runtime that presented it.</summary>
public enum IdentityBinding : byte
{
    /// <summary>A bearer credential (plain JWT, API key): whoever holds a copy can use it.</summary>
    None = 0,
    /// <summary>The identity is the mTLS client certificate itself (X.509-SVID).</summary>
    Certificate,
    /// <summary>A token bound to the TLS client certificate (RFC 8705, <c>cnf.x5t#S256</c>).</summary>
    CertificateBoundToken,
    /// <summary>A token bound to a DPoP key (RFC 9449, <c>cnf.jkt</c>), proven by a fresh proof per request.</summary>
    Dpop,
}

public static class IdentityBindingExtensions
{
    public static string ToCode(this IdentityBinding binding) => binding switch
    {
        IdentityBinding.Certificate => "mtls",
        IdentityBinding.CertificateBoundToken => "x5t",
        IdentityBinding.Dpop => "dpop",
        _ => "bearer",
    };
}
