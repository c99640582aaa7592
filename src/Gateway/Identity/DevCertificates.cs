using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Identity;

/// <summary>
/// The development PKI of the demo, generated on first use into the dev issuer's git-ignored folder: a CA for the dev
/// SPIFFE trust domain (its trust bundle), a server certificate for 127.0.0.1 and localhost, and X.509-SVIDs for
/// demo workloads. Regenerated when the CA is about to expire. Never for production: SPIRE or your CA issues real SVIDs.
/// </summary>
public static class DevCertificates
{
    public const string CaFile = "dev-ca.pem";
    public const string CaKeyFile = "dev-ca-key.pem";
    public const string ServerFile = "server.pem";
    public const string ServerKeyFile = "server-key.pem";
    public const string ApiKeyStoreFile = "apikeys.json";

    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    /// <summary>Makes sure the CA, the server certificate and an SVID per workload name exist in the folder.</summary>
    /// <param name="workloads">SVIDs to issue: file name → SPIFFE id.</param>
    public static void EnsureCreated(string directory, string trustDomain, IReadOnlyDictionary<string, string> workloads)
    {
        Directory.CreateDirectory(directory);
        var caPath = Path.Combine(directory, CaFile);
        var caKeyPath = Path.Combine(directory, CaKeyFile);
        var now = DateTimeOffset.UtcNow;
        var fresh = false;
        X509Certificate2? ca = null;
        if (File.Exists(caPath) && File.Exists(caKeyPath))
        {
            try
            {
                ca = X509Certificate2.CreateFromPemFile(caPath, caKeyPath);
                if (ca.NotAfter.ToUniversalTime() < now.AddDays(2).UtcDateTime || !ca.Subject.Contains(trustDomain, StringComparison.Ordinal))
                {
                    ca.Dispose();
                    ca = null;
                }
            }
            catch (CryptographicException)
            {
                ca = null;
            }
        }

        if (ca is null)
        {
            ca = CreateCa(trustDomain, now);
            WritePem(caPath, ca.ExportCertificatePem(), secret: false);
            WritePem(caKeyPath, ca.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(), secret: true);
            fresh = true;
        }

        using (ca)
        {
            if (fresh || !File.Exists(Path.Combine(directory, ServerFile)))
            {
                using var server = Issue(ca, now, req =>
                {
                    var san = new SubjectAlternativeNameBuilder();
                    san.AddIpAddress(IPAddress.Loopback);
                    san.AddIpAddress(IPAddress.IPv6Loopback);
                    san.AddDnsName("localhost");
                    req.CertificateExtensions.Add(san.Build());
                    req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
                }, "CN=localhost");
                WritePair(directory, ServerFile, ServerKeyFile, server);
            }

            foreach (var (name, spiffeId) in workloads)
            {
                if (fresh || !File.Exists(Path.Combine(directory, name + ".pem")))
                {
                    IssueSvid(directory, name, spiffeId, ca, now);
                }
            }
        }
    }

    /// <summary>Issues an X.509-SVID for <paramref name="spiffeId"/> from the dev CA into NAME.pem and NAME-key.pem.</summary>
    public static (string CertificateFile, string KeyFile) IssueSvid(string directory, string name, string spiffeId)
    {
        using var ca = X509Certificate2.CreateFromPemFile(Path.Combine(directory, CaFile), Path.Combine(directory, CaKeyFile));
        return IssueSvid(directory, name, spiffeId, ca, DateTimeOffset.UtcNow);
    }

    private static (string, string) IssueSvid(string directory, string name, string spiffeId, X509Certificate2 ca, DateTimeOffset now)
    {
        using var svid = Issue(ca, now, req =>
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddUri(new Uri(spiffeId));
            req.CertificateExtensions.Add(san.Build());
            req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        }, "O=SPIFFE");
        return WritePair(directory, name + ".pem", name + "-key.pem", svid);
    }

    private static X509Certificate2 CreateCa(string trustDomain, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest($"CN={trustDomain} dev CA, O=gateway demo", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri("spiffe://" + trustDomain));
        req.CertificateExtensions.Add(san.Build());
        return req.CreateSelfSigned(now.AddMinutes(-5), now + Lifetime);
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, DateTimeOffset now, Action<CertificateRequest> extensions, string subject)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        extensions(req);
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        var notAfter = now + Lifetime - TimeSpan.FromHours(1);
        if (notAfter > ca.NotAfter)
        {
            notAfter = ca.NotAfter;
        }

        using var cert = req.Create(ca, now.AddMinutes(-5), notAfter, serial);
        return cert.CopyWithPrivateKey(key);
    }

    private static (string, string) WritePair(string directory, string certName, string keyName, X509Certificate2 cert)
    {
        var certPath = Path.Combine(directory, certName);
        var keyPath = Path.Combine(directory, keyName);
        WritePem(keyPath, cert.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(), secret: true);
        WritePem(certPath, cert.ExportCertificatePem(), secret: false);
        return (certPath, keyPath);
    }

    private static void WritePem(string path, string pem, bool secret)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, pem + "\n");
        if (secret && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temp, path, overwrite: true);
    }
}
