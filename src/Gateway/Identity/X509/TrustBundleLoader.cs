using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Configuration;

namespace Gateway.Identity.X509;

/// <summary>
/// Reads the trust bundle PEM files, one per SPIFFE trust domain, and reports every problem at once: each with the file
/// and line (the PEM file's <c>BEGIN</c> line, or where the setting is written in the config file) and the reason. A set
/// is returned only when there is no error; warnings (an expired CA) do not stop it.
/// </summary>
internal static class TrustBundleLoader
{
    /// <summary>A bundle larger than this is refused before it is read (hundreds of roots fit in a few hundred KB).</summary>
    public const long MaxFileBytes = 4 * 1024 * 1024;

    private const string BeginMarker = "-----BEGIN ";
    private const string CertificateLabel = "CERTIFICATE";

    /// <param name="bundles">What the user wrote (<c>Gateway.TrustBundles</c>).</param>
    /// <param name="resolvePath">Turns a bundle's <c>File</c> into a full path (relative to the config file's folder).</param>
    /// <param name="configFile">The config file, for problems with the settings themselves.</param>
    /// <param name="time">For the expiry warnings; the system clock when null.</param>
    /// <param name="locate">Where a config path (<c>Gateway:TrustBundles:0:File</c>) is written in the config file
    /// (<c>JsonLocator.Find</c>); line 1, column 1 when null.</param>
    /// <param name="revision">The revision of the returned set.</param>
    public static (TrustBundleSet? Set, IReadOnlyList<ConfigDiagnostic> Diagnostics) Load(
        IReadOnlyList<TrustBundleOptions> bundles,
        Func<string, string> resolvePath,
        string configFile,
        TimeProvider? time = null,
        Func<string, (int Line, int Column)>? locate = null,
        long revision = 1)
    {
        var now = (time ?? TimeProvider.System).GetUtcNow();
        var diags = new List<ConfigDiagnostic>();
        var loaded = new List<TrustBundle>(bundles.Count);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);

        void ConfigError(string path, string message)
        {
            var (line, column) = locate?.Invoke(path) ?? (1, 1);
            diags.Add(new ConfigDiagnostic(configFile, line, column, message));
        }

        for (var i = 0; i < bundles.Count; i++)
        {
            var options = bundles[i];
            var prefix = $"{GatewayOptions.SectionName}:TrustBundles:{i}";
            var td = options.TrustDomain ?? "";
            var tdValid = SpiffeId.IsValidTrustDomain(td);
            if (!tdValid)
            {
                ConfigError(prefix + ":TrustDomain", DescribeBadTrustDomain(i, td));
            }
            else if (seen.TryGetValue(td, out var first))
            {
                tdValid = false;
                ConfigError(prefix + ":TrustDomain",
                    $"TrustBundles[{i}]: trust domain '{td}' is listed twice (first at TrustBundles[{first}]): put all its CA certificates in one file");
            }
            else
            {
                seen.Add(td, i);
            }

            var bundle = LoadFile(options, i, prefix, resolvePath, now, ConfigError, diags, out var file);
            if (bundle is not null && tdValid)
            {
                loaded.Add(new TrustBundle(td, file!, bundle.Value.Roots, bundle.Value.Intermediates));
            }
        }

        // One CA in two trust domains' bundles can issue identities of both: a trust domain is then no boundary.
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var b in loaded)
        {
            foreach (var ca in b.Roots.Concat(b.Intermediates))
            {
                var thumbprint = ca.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256);
                if (owners.TryGetValue(thumbprint, out var other) && other != b.TrustDomain)
                {
                    var index = bundles.ToList().FindIndex(o => o.TrustDomain == b.TrustDomain);
                    var (line, column) = locate?.Invoke($"{GatewayOptions.SectionName}:TrustBundles:{index}:File") ?? (1, 1);
                    diags.Add(new ConfigDiagnostic(configFile, line, column,
                        $"the CA '{ca.Subject}' is in the bundles of both '{other}' and '{b.TrustDomain}': it can issue identities of either trust domain", IsWarning: true));
                }
                else
                {
                    owners.TryAdd(thumbprint, b.TrustDomain);
                }
            }
        }

        foreach (var d in diags)
        {
            if (!d.IsWarning)
            {
                return (null, diags);
            }
        }

        return (new TrustBundleSet(loaded, revision), diags);
    }

    /// <summary>The full paths of every bundle file (also the missing ones, so that the watcher sees them appear).</summary>
    public static IReadOnlyList<string> ResolveFiles(IReadOnlyList<TrustBundleOptions> bundles, Func<string, string> resolvePath)
    {
        var files = new List<string>(bundles.Count);
        foreach (var b in bundles)
        {
            if (string.IsNullOrWhiteSpace(b.File))
            {
                continue;
            }

            try
            {
                var full = resolvePath(b.File);
                if (!files.Contains(full))
                {
                    files.Add(full);
                }
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
            {
                // Reported by Load.
            }
        }

        return files;
    }

    private static string DescribeBadTrustDomain(int index, string td)
    {
        var hint = td.StartsWith("spiffe://", StringComparison.OrdinalIgnoreCase)
            ? " (write the trust domain alone, without 'spiffe://')"
            : td.Length == 0 ? "" : " (lowercase letters, digits, '.', '-' and '_' only)";
        return td.Length == 0
            ? $"TrustBundles[{index}]: TrustDomain is required"
            : $"TrustBundles[{index}]: '{td}' is not a valid SPIFFE trust domain{hint}";
    }

    private static (X509Certificate2[] Roots, X509Certificate2[] Intermediates)? LoadFile(
        TrustBundleOptions options, int index, string prefix, Func<string, string> resolvePath, DateTimeOffset now,
        Action<string, string> configError, List<ConfigDiagnostic> diags, out string? fullPath)
    {
        fullPath = null;
        if (string.IsNullOrWhiteSpace(options.File))
        {
            configError(prefix + ":File", $"TrustBundles[{index}]: File is required (the PEM file with the trust domain's CA certificates)");
            return null;
        }

        string text;
        try
        {
            fullPath = resolvePath(options.File);
            var info = new FileInfo(fullPath);
            if (!info.Exists)
            {
                configError(prefix + ":File", $"TrustBundles[{index}]: trust bundle file '{options.File}' not found (looked at {fullPath})");
                return null;
            }

            if (info.Length > MaxFileBytes)
            {
                configError(prefix + ":File",
                    $"TrustBundles[{index}]: trust bundle file '{options.File}' is larger than {MaxFileBytes / (1024 * 1024)} MiB");
                return null;
            }

            Pipeline.FileStamps.BeforeRead(fullPath);
            text = File.ReadAllText(fullPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            configError(prefix + ":File", $"TrustBundles[{index}]: trust bundle file '{options.File}' cannot be read: {ex.Message}");
            return null;
        }

        var file = fullPath;
        var roots = new List<X509Certificate2>();
        var intermediates = new List<X509Certificate2>();
        var certificateBlocks = 0;
        var firstDiagnostic = diags.Count;
        var lines = new PemLineIndex(text);

        void Error(int offset, string message)
        {
            var (line, column) = lines.Position(offset);
            diags.Add(new ConfigDiagnostic(file, line, column, message));
        }

        void Warn(int offset, string message)
        {
            var (line, column) = lines.Position(offset);
            diags.Add(new ConfigDiagnostic(file, line, column, message, IsWarning: true));
        }

        var pos = 0;
        while (pos < text.Length)
        {
            var begin = text.IndexOf(BeginMarker, pos, StringComparison.Ordinal);
            if (begin < 0)
            {
                break;
            }

            var label = ReadLabel(text, begin);
            if (label.EndsWith("PRIVATE KEY", StringComparison.Ordinal))
            {
                // Whatever follows is never parsed, so a key cannot be echoed into a message.
                Error(begin, $"private key material ('{label}') in a trust bundle: bundles are public and hold CA certificates only; remove the key (and treat it as exposed)");
                pos = SkipBlock(text, begin, label);
                continue;
            }

            if (!PemEncoding.TryFind(text.AsSpan(begin), out var fields) || fields.Location.Start.GetOffset(text.Length - begin) != 0)
            {
                if (label == CertificateLabel)
                {
                    certificateBlocks++;
                }

                Error(begin, $"unparseable PEM block '{label}': no matching '-----END {label}-----' line, or its base64 content is invalid");
                pos = NextLine(text, begin);
                continue;
            }

            var blockEnd = begin + fields.Location.End.GetOffset(text.Length - begin);
            var foundLabel = text.AsSpan(begin)[fields.Label].ToString();
            if (foundLabel != CertificateLabel)
            {
                Error(begin, $"unexpected PEM block '{foundLabel}': a trust bundle holds 'CERTIFICATE' blocks only");
                pos = blockEnd;
                continue;
            }

            certificateBlocks++;
            var der = new byte[fields.DecodedDataLength];
            if (!Convert.TryFromBase64Chars(text.AsSpan(begin)[fields.Base64Data], der, out var written) || written != der.Length)
            {
                Error(begin, "unparseable PEM block 'CERTIFICATE': its base64 content is invalid");
                pos = blockEnd;
                continue;
            }

            X509Certificate2 cert;
            try
            {
                cert = X509CertificateLoader.LoadCertificate(der);
            }
            catch (CryptographicException ex)
            {
                Error(begin, $"unparseable certificate: {ex.Message}");
                pos = blockEnd;
                continue;
            }

            var subject = cert.Subject.Length == 0 ? "(empty subject)" : cert.Subject;
            if (!IsCa(cert, out var malformed))
            {
                Error(begin, malformed
                    ? $"certificate '{subject}' has a malformed basicConstraints extension"
                    : $"certificate '{subject}' is not a CA: a bundle root or intermediate needs basicConstraints CA=true (is this a leaf certificate?)");
                cert.Dispose();
                pos = blockEnd;
                continue;
            }

            var notAfter = new DateTimeOffset(cert.NotAfter.ToUniversalTime(), TimeSpan.Zero);
            var notBefore = new DateTimeOffset(cert.NotBefore.ToUniversalTime(), TimeSpan.Zero);
            if (notAfter < now)
            {
                Warn(begin, $"CA certificate '{subject}' expired on {notAfter.ToString("u", CultureInfo.InvariantCulture)}: no certificate chains through it any more");
            }
            else if (notBefore > now)
            {
                Warn(begin, $"CA certificate '{subject}' is not valid before {notBefore.ToString("u", CultureInfo.InvariantCulture)}: no certificate chains through it until then");
            }

            (IsSelfIssued(cert) ? roots : intermediates).Add(cert);
            pos = blockEnd;
        }

        if (certificateBlocks == 0)
        {
            diags.Add(new ConfigDiagnostic(file, 1, 1,
                $"no certificate in trust bundle file for '{options.TrustDomain}': expected PEM '-----BEGIN CERTIFICATE-----' blocks (a DER file must be converted to PEM)"));
            return null;
        }

        var failed = false;
        for (var i = firstDiagnostic; i < diags.Count && !failed; i++)
        {
            failed = !diags[i].IsWarning;
        }

        if (!failed && roots.Count == 0)
        {
            diags.Add(new ConfigDiagnostic(file, 1, 1,
                $"no root in trust bundle file for '{options.TrustDomain}': at least one self-signed CA certificate is required, intermediates alone are never trusted"));
            failed = true;
        }

        if (failed)
        {
            // Never published: safe to release now.
            foreach (var c in roots.Concat(intermediates))
            {
                c.Dispose();
            }

            return null;
        }

        return (roots.ToArray(), intermediates.ToArray());
    }

    internal static bool IsCa(X509Certificate2 cert, out bool malformed)
    {
        malformed = false;
        foreach (var ext in cert.Extensions)
        {
            if (ext.Oid?.Value != "2.5.29.19")
            {
                continue;
            }

            try
            {
                var bc = ext as X509BasicConstraintsExtension ?? new X509BasicConstraintsExtension(ext, ext.Critical);
                return bc.CertificateAuthority;
            }
            catch (CryptographicException)
            {
                malformed = true;
                return false;
            }
        }

        return false;
    }

    /// <summary>Subject equals issuer (byte for byte), and when both key identifiers are present they agree. The chain
    /// builder verifies the signature; a certificate that only claims to be self-issued can never anchor a chain.</summary>
    private static bool IsSelfIssued(X509Certificate2 cert)
    {
        if (!cert.SubjectName.RawData.AsSpan().SequenceEqual(cert.IssuerName.RawData))
        {
            return false;
        }

        byte[]? ski = null;
        byte[]? aki = null;
        try
        {
            foreach (var ext in cert.Extensions)
            {
                switch (ext.Oid?.Value)
                {
                    case "2.5.29.14":
                        ski = (ext as X509SubjectKeyIdentifierExtension ?? new X509SubjectKeyIdentifierExtension(ext, ext.Critical))
                            .SubjectKeyIdentifierBytes.ToArray();
                        break;
                    case "2.5.29.35":
                        aki = (ext as X509AuthorityKeyIdentifierExtension ?? new X509AuthorityKeyIdentifierExtension(ext.RawData, ext.Critical))
                            .KeyIdentifier?.ToArray();
                        break;
                }
            }
        }
        catch (CryptographicException)
        {
            return false;
        }

        return ski is null || aki is null || ski.AsSpan().SequenceEqual(aki);
    }

    private static string ReadLabel(string text, int begin)
    {
        var start = begin + BeginMarker.Length;
        var end = text.IndexOf("-----", start, StringComparison.Ordinal);
        var eol = text.IndexOf('\n', start);
        if (end < 0 || (eol >= 0 && eol < end) || end - start > 64)
        {
            return "?";
        }

        return text[start..end];
    }

    private static int SkipBlock(string text, int begin, string label)
    {
        var end = text.IndexOf("-----END " + label + "-----", begin, StringComparison.Ordinal);
        return end < 0 ? NextLine(text, begin) : end + 14 + label.Length;
    }

    private static int NextLine(string text, int offset)
    {
        var eol = text.IndexOf('\n', offset);
        return eol < 0 ? text.Length : eol + 1;
    }
}
