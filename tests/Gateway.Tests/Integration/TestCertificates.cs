using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Gateway.Tests.Integration;

/// <summary>
/// A small PKI made at test time (nothing is ever committed): a root CA per SPIFFE trust domain, intermediates, leaf
/// X.509-SVIDs with every knob the SVID rules look at, a server TLS certificate for 127.0.0.1, PEM files, and
/// certificates usable by <c>SslStream</c> (Kestrel, <c>HttpClientHandler.ClientCertificates</c>).
/// Every certificate returned by a <c>Create*</c> method carries its private key.
/// </summary>
/// <remarks>
/// The SAN extension is encoded by hand (DER), not through <see cref="SubjectAlternativeNameBuilder"/>, because
/// <see cref="Uri"/> normalises what it is given (<c>spiffe://td</c> becomes <c>spiffe://td/</c>) and the tests need
/// the exact, sometimes malformed, text an attacker would send.
/// </remarks>
internal static class TestCertificates
{
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";

    private static readonly Asn1Tag DnsTag = new(TagClass.ContextSpecific, 2);
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);
    private static readonly Asn1Tag IpTag = new(TagClass.ContextSpecific, 7);

    public enum KeyKind
    {
        EcdsaP256,
        EcdsaP384,
        Rsa2048,
    }

    /// <summary>What a leaf (or any end-entity) certificate holds. The defaults make a valid X.509-SVID once
    /// <see cref="Uris"/> holds one SPIFFE id.</summary>
    public sealed record LeafSpec
    {
        /// <summary>URI SANs, written verbatim (no normalisation).</summary>
        public IReadOnlyList<string> Uris { get; init; } = [];
        public IReadOnlyList<string> DnsNames { get; init; } = [];
        public IReadOnlyList<IPAddress> IpAddresses { get; init; } = [];
        /// <summary>basicConstraints cA; the extension is written unless <see cref="OmitBasicConstraints"/>.</summary>
        public bool IsCa { get; init; }
        public bool OmitBasicConstraints { get; init; }
        /// <summary>Null: no keyUsage extension.</summary>
        public X509KeyUsageFlags? KeyUsage { get; init; } = X509KeyUsageFlags.DigitalSignature;
        /// <summary>OIDs of the extendedKeyUsage extension; null: no extension.</summary>
        public IReadOnlyList<string>? ExtendedKeyUsages { get; init; } = [ClientAuth, ServerAuth];
        /// <summary>Default: five minutes ago.</summary>
        public DateTimeOffset? NotBefore { get; init; }
        /// <summary>Default: in one hour.</summary>
        public DateTimeOffset? NotAfter { get; init; }
        public KeyKind Key { get; init; } = KeyKind.EcdsaP256;
        public string Subject { get; init; } = "O=SPIFFE";
    }

    /// <summary>A valid SVID spec for one SPIFFE id; change what a test needs with <c>with</c>.</summary>
    public static LeafSpec Svid(string spiffeId) => new() { Uris = [spiffeId] };

    /// <summary>A self-signed root CA for a trust domain (URI SAN <c>spiffe://TD</c>, as SPIRE writes it).
    /// Default validity: one hour ago to thirty days from now.</summary>
    public static X509Certificate2 CreateRootCa(string trustDomain, DateTimeOffset? notBefore = null,
        DateTimeOffset? notAfter = null, KeyKind key = KeyKind.EcdsaP256, string? subject = null)
        => CreateCa(null, subject ?? $"CN={trustDomain} root CA, O=SPIFFE", trustDomain, notBefore, notAfter, key);

    /// <summary>An intermediate CA issued by <paramref name="issuer"/> (which must hold its private key).</summary>
    public static X509Certificate2 CreateIntermediateCa(X509Certificate2 issuer, string trustDomain,
        DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, KeyKind key = KeyKind.EcdsaP256, string? subject = null)
        => CreateCa(issuer, subject ?? $"CN={trustDomain} intermediate CA, O=SPIFFE", trustDomain, notBefore, notAfter, key);

    /// <summary>A leaf issued by <paramref name="issuer"/>, or self-signed when it is null.</summary>
    public static X509Certificate2 CreateLeaf(X509Certificate2? issuer, LeafSpec spec)
    {
        var now = DateTimeOffset.UtcNow;
        using var key = NewKey(spec.Key);
        var request = NewRequest(spec.Subject, key);
        if (!spec.OmitBasicConstraints)
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(spec.IsCa, false, 0, critical: true));
        }

        if (spec.KeyUsage is { } usage)
        {
            request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        }

        if (spec.ExtendedKeyUsages is { } ekus)
        {
            var oids = new OidCollection();
            foreach (var oid in ekus)
            {
                oids.Add(new Oid(oid));
            }

            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, critical: false));
        }

        if (spec.Uris.Count + spec.DnsNames.Count + spec.IpAddresses.Count > 0)
        {
            request.CertificateExtensions.Add(SubjectAltName(spec.Uris, spec.DnsNames, spec.IpAddresses));
        }

        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return Issue(request, key, issuer, spec.NotBefore ?? now.AddMinutes(-5), spec.NotAfter ?? now.AddHours(1));
    }

    /// <summary>A valid X.509-SVID for <paramref name="spiffeId"/>, issued by <paramref name="issuer"/>.</summary>
    public static X509Certificate2 CreateSvid(X509Certificate2 issuer, string spiffeId) => CreateLeaf(issuer, Svid(spiffeId));

    /// <summary>A server TLS certificate for 127.0.0.1 (IP SAN) and <c>localhost</c> (DNS SAN), serverAuth only,
    /// issued by <paramref name="issuer"/>. Default validity: five minutes ago to one day from now.</summary>
    public static X509Certificate2 CreateServerCertificate(X509Certificate2 issuer, IPAddress? address = null,
        string dnsName = "localhost", DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, KeyKind key = KeyKind.EcdsaP256)
    {
        var now = DateTimeOffset.UtcNow;
        return CreateLeaf(issuer, new LeafSpec
        {
            Subject = "CN=" + dnsName,
            DnsNames = [dnsName],
            IpAddresses = [address ?? IPAddress.Loopback],
            KeyUsage = key == KeyKind.Rsa2048
                ? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment
                : X509KeyUsageFlags.DigitalSignature,
            ExtendedKeyUsages = [ServerAuth],
            NotBefore = notBefore ?? now.AddMinutes(-5),
            NotAfter = notAfter ?? now.AddDays(1),
            Key = key,
        });
    }

    /// <summary>Certificates as concatenated PEM <c>CERTIFICATE</c> blocks (public only).</summary>
    public static string ToPem(params X509Certificate2[] certificates)
    {
        var sb = new StringBuilder();
        foreach (var c in certificates)
        {
            sb.Append(c.ExportCertificatePem()).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>The certificate's private key as PKCS#8 PEM (<c>BEGIN PRIVATE KEY</c>).</summary>
    public static string PrivateKeyPem(X509Certificate2 certificate)
    {
        if (certificate.GetECDsaPrivateKey() is { } ec)
        {
            using (ec)
            {
                return ec.ExportPkcs8PrivateKeyPem();
            }
        }

        using var rsa = certificate.GetRSAPrivateKey() ?? throw new InvalidOperationException("the certificate carries no private key");
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>Writes CA certificates as a trust bundle PEM file; returns its full path.</summary>
    public static string WriteBundle(string folder, string fileName, params X509Certificate2[] certificates)
    {
        var path = Path.Combine(folder, fileName);
        File.WriteAllText(path, ToPem(certificates));
        return path;
    }

    /// <summary>Writes <c>NAME.pem</c> (the certificate, then <paramref name="chain"/>) and <c>NAME.key</c> (PKCS#8)
    /// into <paramref name="folder"/>, as a server or workload would read them.</summary>
    public static (string CertificateFile, string KeyFile) WriteCertificateAndKey(string folder, string name,
        X509Certificate2 certificate, params X509Certificate2[] chain)
    {
        var certFile = Path.Combine(folder, name + ".pem");
        var keyFile = Path.Combine(folder, name + ".key");
        File.WriteAllText(certFile, ToPem([certificate, .. chain]));
        File.WriteAllText(keyFile, PrivateKeyPem(certificate));
        return (certFile, keyFile);
    }

    /// <summary>
    /// The certificate with its key in a form <c>SslStream</c> can use on every platform (a PKCS#12 round trip): for
    /// <c>HttpClientHandler.ClientCertificates</c> or a Kestrel server certificate. Dispose it after use.
    /// </summary>
    public static X509Certificate2 ForTls(X509Certificate2 certificateWithKey)
    {
        if (!certificateWithKey.HasPrivateKey)
        {
            throw new InvalidOperationException("a TLS certificate needs its private key");
        }

        var pfx = certificateWithKey.Export(X509ContentType.Pkcs12);
        return X509CertificateLoader.LoadPkcs12(pfx, null, X509KeyStorageFlags.Exportable);
    }

    /// <summary>A PKCS#12 round trip of certificate and key read from PEM files (what the gateway is configured with).</summary>
    public static X509Certificate2 ForTls(string certificateFile, string keyFile)
    {
        using var fromPem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        return ForTls(fromPem);
    }

    /// <summary>A GeneralNames extension value written verbatim (DER).</summary>
    public static X509Extension SubjectAltName(IReadOnlyList<string> uris, IReadOnlyList<string>? dnsNames = null,
        IReadOnlyList<IPAddress>? ipAddresses = null, bool critical = false)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (var dns in dnsNames ?? [])
            {
                writer.WriteCharacterString(UniversalTagNumber.IA5String, dns, DnsTag);
            }

            foreach (var uri in uris)
            {
                writer.WriteCharacterString(UniversalTagNumber.IA5String, uri, UriTag);
            }

            foreach (var ip in ipAddresses ?? [])
            {
                writer.WriteOctetString(ip.GetAddressBytes(), IpTag);
            }
        }

        return new X509Extension("2.5.29.17", writer.Encode(), critical);
    }

    private static X509Certificate2 CreateCa(X509Certificate2? issuer, string subject, string trustDomain,
        DateTimeOffset? notBefore, DateTimeOffset? notAfter, KeyKind kind)
    {
        var now = DateTimeOffset.UtcNow;
        using var key = NewKey(kind);
        var request = NewRequest(subject, key);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(SubjectAltName(["spiffe://" + trustDomain]));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return Issue(request, key, issuer, notBefore ?? now.AddHours(-1), notAfter ?? now.AddDays(30));
    }

    private static X509Certificate2 Issue(CertificateRequest request, AsymmetricAlgorithm key, X509Certificate2? issuer,
        DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        if (issuer is null)
        {
            return request.CreateSelfSigned(notBefore, notAfter);
        }

        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        using var issuerEc = issuer.GetECDsaPrivateKey();
        using var issuerRsa = issuerEc is null ? issuer.GetRSAPrivateKey() : null;
        var generator = issuerEc is not null
            ? X509SignatureGenerator.CreateForECDsa(issuerEc)
            : X509SignatureGenerator.CreateForRSA(
                issuerRsa ?? throw new InvalidOperationException("the issuer certificate carries no private key"),
                RSASignaturePadding.Pkcs1);

        // The generator overload does not clamp to the issuer's validity: tests may make a leaf that outlives its CA.
        using var certificate = request.Create(issuer.SubjectName, generator, notBefore, notAfter, SerialNumber());
        return key switch
        {
            ECDsa ec => certificate.CopyWithPrivateKey(ec),
            RSA rsa => certificate.CopyWithPrivateKey(rsa),
            _ => throw new InvalidOperationException("unsupported key"),
        };
    }

    private static AsymmetricAlgorithm NewKey(KeyKind kind) => kind switch
    {
        KeyKind.EcdsaP256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        KeyKind.EcdsaP384 => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        KeyKind.Rsa2048 => RSA.Create(2048),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static CertificateRequest NewRequest(string subject, AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec when ec.KeySize > 256 => new CertificateRequest(subject, ec, HashAlgorithmName.SHA384),
        ECDsa ec => new CertificateRequest(subject, ec, HashAlgorithmName.SHA256),
        RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        _ => throw new InvalidOperationException("unsupported key"),
    };

    private static byte[] SerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01); // positive, and never a leading zero byte
        return serial;
    }
}
