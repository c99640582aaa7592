using System.Buffers.Text;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Identity.X509;

/// <summary>
/// Validates a client certificate as a SPIFFE X.509-SVID against the trust bundle of the trust domain it names:
/// exactly one URI SAN holding a SPIFFE id with a path, a leaf (not a CA), <c>digitalSignature</c> without
/// <c>keyCertSign</c>/<c>cRLSign</c>, <c>clientAuth</c> when an extended key usage is present, valid dates, and a chain
/// that ends at a root of <em>that</em> trust domain's bundle. The system roots are never consulted, nor any other
/// trust domain's bundle, nor the network (no AIA downloads, no revocation fetches). Checks run cheapest first.
/// </summary>
/// <remarks>
/// Kestrel hands the application the leaf only (<c>HttpContext.Connection.ClientCertificate</c>), so intermediates
/// come from the bundle file. When the caller has the intermediates the peer sent in the TLS handshake (the chain in
/// Kestrel's <c>ClientCertificateValidation</c> callback), it may pass them: they can only complete a path, never
/// anchor one. Nothing is cached here; a caller caches per TLS connection, keyed by <see cref="TrustBundleSet.Revision"/>.
/// </remarks>
internal sealed class SvidValidator(TimeProvider time)
{
    private const string SubjectAltNameOid = "2.5.29.17";
    private const string BasicConstraintsOid = "2.5.29.19";
    private const string KeyUsageOid = "2.5.29.15";
    private const string ExtendedKeyUsageOid = "2.5.29.37";
    /// <summary>id-kp-clientAuth.</summary>
    public const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);
    private static readonly Oid ClientAuth = new(ClientAuthOid);

    public SvidResult Validate(X509Certificate2 leaf, TrustBundleSet bundles) => Validate(leaf, bundles, null);

    /// <param name="leaf">The client certificate.</param>
    /// <param name="bundles">The snapshot to validate against (read once by the caller).</param>
    /// <param name="presentedIntermediates">Certificates the peer sent besides the leaf, if known; untrusted.</param>
    public SvidResult Validate(X509Certificate2 leaf, TrustBundleSet bundles, IReadOnlyList<X509Certificate2>? presentedIntermediates)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        ArgumentNullException.ThrowIfNull(bundles);

        X509Extension? san = null, basicConstraints = null, keyUsage = null, extendedKeyUsage = null;
        try
        {
            foreach (var ext in leaf.Extensions)
            {
                var unique = ext.Oid?.Value switch
                {
                    SubjectAltNameOid => Take(ref san, ext),
                    BasicConstraintsOid => Take(ref basicConstraints, ext),
                    KeyUsageOid => Take(ref keyUsage, ext),
                    ExtendedKeyUsageOid => Take(ref extendedKeyUsage, ext),
                    _ => true,
                };
                if (!unique)
                {
                    return SvidResult.Fail(AuthFailure.CertificateNotSvid); // a repeated extension (RFC 5280 4.2)
                }
            }

            // 1. Exactly one URI SAN: a SPIFFE id naming a workload (a path), never the bare trust domain.
            if (san is null || ReadSingleUri(san.RawData) is not { } uri
                || !SpiffeId.TryParse(uri, out var id) || id.Path.Length == 0)
            {
                return SvidResult.Fail(AuthFailure.CertificateNotSvid);
            }

            // 2. A leaf.
            if (basicConstraints is not null
                && (basicConstraints as X509BasicConstraintsExtension ?? new X509BasicConstraintsExtension(basicConstraints, basicConstraints.Critical)).CertificateAuthority)
            {
                return SvidResult.Fail(AuthFailure.CertificateIsCa);
            }

            // 3. Key usage: present, digitalSignature, neither keyCertSign nor cRLSign; clientAuth if an EKU is present.
            if (keyUsage is null)
            {
                return SvidResult.Fail(AuthFailure.CertificateKeyUsage);
            }

            var usage = (keyUsage as X509KeyUsageExtension ?? new X509KeyUsageExtension(keyUsage, keyUsage.Critical)).KeyUsages;
            if ((usage & X509KeyUsageFlags.DigitalSignature) == 0
                || (usage & (X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign)) != 0)
            {
                return SvidResult.Fail(AuthFailure.CertificateKeyUsage);
            }

            if (extendedKeyUsage is not null && !HasClientAuth(extendedKeyUsage))
            {
                return SvidResult.Fail(AuthFailure.CertificateKeyUsage);
            }

            // 4. Dates.
            var now = time.GetUtcNow();
            var notBefore = new DateTimeOffset(leaf.NotBefore.ToUniversalTime(), TimeSpan.Zero);
            var notAfter = new DateTimeOffset(leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero);
            if (now > notAfter)
            {
                return SvidResult.Fail(AuthFailure.CertificateExpired);
            }

            if (now < notBefore)
            {
                return SvidResult.Fail(AuthFailure.CertificateNotYetValid);
            }

            // 5. The bundle of the trust domain the certificate claims, and no other.
            if (!bundles.TryGetBundle(id.TrustDomain, out var bundle))
            {
                return SvidResult.Fail(AuthFailure.CertificateTrustDomainUnknown);
            }

            // 6. The chain, to that bundle's roots only. Intermediates from outside the bundle (sent by the client, or
            // learned from earlier clients) count only when they name this trust domain (URI SAN spiffe://td, as
            // SPIRE's CA certificates do): a root shared by several bundles must not let one domain's CA, or any other
            // CA under that root, sign for another domain.
            var candidates = OfTrustDomain(presentedIntermediates, id.TrustDomain);
            if (!Chains(leaf, bundle, candidates, now, out var chainNotAfter, out var used))
            {
                return SvidResult.Fail(AuthFailure.CertificateUntrusted);
            }

            // Valid until the first certificate of the chain expires (a cached result must not outlive its CA).
            return SvidResult.Valid(id, ThumbprintS256(leaf), chainNotAfter < notAfter ? chainNotAfter : notAfter, used);
        }
        catch (Exception ex) when (ex is CryptographicException or AsnContentException)
        {
            // A malformed extension: whatever it is, it is not a well-formed SVID.
            return SvidResult.Fail(AuthFailure.CertificateNotSvid);
        }
    }

    /// <summary>Base64url (no padding) SHA-256 of the certificate's DER: RFC 8705 <c>x5t#S256</c>.</summary>
    public static string ThumbprintS256(X509Certificate2 certificate)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(certificate.RawDataMemory.Span, hash);
        return Base64Url.EncodeToString(hash);
    }

    /// <summary>The chain policy used for one trust domain at one instant: trust only its roots, no network.</summary>
    internal static X509ChainPolicy CreatePolicy(TrustBundle bundle, DateTimeOffset now)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
            VerificationFlags = X509VerificationFlags.NoFlag,
            VerificationTime = now.UtcDateTime,
            VerificationTimeIgnored = false,
        };
        policy.ApplicationPolicy.Add(ClientAuth);
        bundle.ApplyTo(policy);
        return policy;
    }

    private static bool Chains(X509Certificate2 leaf, TrustBundle bundle, IReadOnlyList<X509Certificate2>? presented, DateTimeOffset now,
        out DateTimeOffset notAfter, out List<X509Certificate2>? used)
    {
        notAfter = DateTimeOffset.MaxValue;
        used = null;
        using var chain = new X509Chain { ChainPolicy = CreatePolicy(bundle, now) };
        if (presented is not null)
        {
            foreach (var c in presented)
            {
                chain.ChainPolicy.ExtraStore.Add(c);
            }
        }

        try
        {
            if (!chain.Build(leaf))
            {
                return false;
            }

            foreach (var status in chain.ChainStatus)
            {
                if (status.Status != X509ChainStatusFlags.NoError)
                {
                    return false;
                }
            }

            // Belt and braces: the anchor is one of this trust domain's roots, byte for byte.
            var elements = chain.ChainElements;
            foreach (var element in elements)
            {
                var expires = new DateTimeOffset(element.Certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
                if (expires < notAfter)
                {
                    notAfter = expires;
                }
            }

            if (elements.Count < 2 || !bundle.IsRoot(elements[^1].Certificate))
            {
                return false;
            }

            // Which of the presented candidates the chain went through (between the leaf and the root).
            if (presented is { Count: > 0 })
            {
                for (var i = 1; i < elements.Count - 1; i++)
                {
                    var raw = elements[i].Certificate.RawDataMemory.Span;
                    foreach (var candidate in presented)
                    {
                        if (candidate.RawDataMemory.Span.SequenceEqual(raw))
                        {
                            (used ??= []).Add(candidate);
                            break;
                        }
                    }
                }
            }

            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }
        }
    }

    /// <summary>The candidates whose subject alternative names include <c>spiffe://trustDomain</c>; null when none.</summary>
    internal static List<X509Certificate2>? OfTrustDomain(IReadOnlyList<X509Certificate2>? candidates, string trustDomain)
    {
        List<X509Certificate2>? kept = null;
        if (candidates is null)
        {
            return null;
        }

        foreach (var candidate in candidates)
        {
            if (NamesTrustDomain(candidate, trustDomain))
            {
                (kept ??= []).Add(candidate);
            }
        }

        return kept;
    }

    /// <summary>True when one of the CA's URI SANs is the trust domain's own SPIFFE id, <c>spiffe://td</c>; also written
    /// <c>spiffe://td/</c> (.NET's <see cref="SubjectAlternativeNameBuilder"/> adds the slash, and the dev CA is made
    /// with it).</summary>
    private static bool NamesTrustDomain(X509Certificate2 ca, string trustDomain)
    {
        try
        {
            foreach (var ext in ca.Extensions)
            {
                if (ext.Oid?.Value != SubjectAltNameOid)
                {
                    continue;
                }

                foreach (var uri in ReadUris(ext.RawData))
                {
                    var rest = uri.AsSpan();
                    if (rest.StartsWith("spiffe://", StringComparison.Ordinal))
                    {
                        rest = rest["spiffe://".Length..];
                        if (rest.EndsWith('/'))
                        {
                            rest = rest[..^1];
                        }

                        if (rest.SequenceEqual(trustDomain))
                        {
                            return true;
                        }
                    }
                }
            }
        }
        catch (Exception ex) when (ex is CryptographicException or AsnContentException)
        {
            // A malformed name list names nothing.
        }

        return false;
    }

    /// <summary>The only URI of a GeneralNames value, or null when there are none or several.</summary>
    private static string? ReadSingleUri(byte[] extensionValue)
        => ReadUris(extensionValue) is [var only] ? only : null;

    /// <summary>The URIs of a GeneralNames value, in order; DNS names, IP addresses and the rest are skipped.</summary>
    private static List<string> ReadUris(byte[] extensionValue)
    {
        var reader = new AsnReader(extensionValue, AsnEncodingRules.DER);
        var names = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        var uris = new List<string>(1);
        while (names.HasData)
        {
            if (names.PeekTag().HasSameClassAndValue(UriTag))
            {
                uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, UriTag));
            }
            else
            {
                names.ReadEncodedValue();
            }
        }

        return uris;
    }

    private static bool HasClientAuth(X509Extension ext)
    {
        var eku = ext as X509EnhancedKeyUsageExtension ?? new X509EnhancedKeyUsageExtension(ext, ext.Critical);
        foreach (var oid in eku.EnhancedKeyUsages)
        {
            if (oid.Value == ClientAuthOid)
            {
                return true;
            }
        }

        return false;
    }

    private static bool Take(ref X509Extension? slot, X509Extension ext)
    {
        if (slot is not null)
        {
            return false;
        }

        slot = ext;
        return true;
    }
}
