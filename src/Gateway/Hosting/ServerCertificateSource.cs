using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Gateway.Observability;
using Gateway.Pipeline;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>
/// The server certificate of one HTTPS listener, read from PEM files and reloaded when they change (SPIFFE server
/// SVIDs live hours, not years). Kestrel asks for it on every handshake; a bad new file (half written, key not
/// matching) changes nothing: the last good certificate keeps serving and the failure is logged. The certificate file
/// may hold the intermediates after the leaf: they are sent in the handshake. The chain is built once per load, never
/// with a download, so a handshake (which runs on an I/O thread with <c>Listen.Scheduling: inline</c>) neither builds
/// it again nor fetches a missing issuer from the network.
/// </summary>
internal sealed partial class ServerCertificateSource
{
    private readonly string _listener;
    private readonly string _certificateFile;
    private readonly string _keyFile;
    private Loaded _current;
    private GatewayMetrics? _metrics;

    /// <param name="listener">The listener's URL, the metrics' label (never a file path).</param>
    public ServerCertificateSource(string listener, string certificateFile, string keyFile)
    {
        _listener = listener;
        _certificateFile = certificateFile;
        _keyFile = keyFile;
        _current = LoadWithChain(certificateFile, keyFile);
        Files = [certificateFile, keyFile];
    }

    private sealed record Loaded(X509Certificate2 Certificate, SslStreamCertificateContext Context);

    public IReadOnlyList<string> Files { get; }

    private ILogger Logger { get; set; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>Called once the host's logging and metrics exist (the source exists before, for Kestrel's options).
    /// Publishes the expiry of the certificate loaded at start.</summary>
    public void Attach(ILogger logger, GatewayMetrics metrics)
    {
        Logger = logger;
        _metrics = metrics;
        PublishExpiry(Current);
    }

    private void PublishExpiry(X509Certificate2 certificate)
        => _metrics?.ServerCertificateNotAfter.WithLabels(_listener).Set(new DateTimeOffset(certificate.NotAfter.ToUniversalTime()).ToUnixTimeSeconds());

    public X509Certificate2 Current => Volatile.Read(ref _current).Certificate;

    /// <summary>The certificate with its intermediates, for the handshake.</summary>
    public SslStreamCertificateContext Context => Volatile.Read(ref _current).Context;

    /// <summary>Loads a PEM certificate and its PEM private key into a certificate SslStream can use (on Linux an
    /// ephemeral key works; the PKCS#12 round trip keeps it usable on every platform).</summary>
    public static X509Certificate2 Load(string certificateFile, string keyFile)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        if (!pem.HasPrivateKey)
        {
            throw new InvalidDataException("the key file does not hold the certificate's private key");
        }

        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary><see cref="Load"/>, plus the other certificates of the file (the intermediates) in a handshake context
    /// built offline.</summary>
    private static Loaded LoadWithChain(string certificateFile, string keyFile)
    {
        FileStamps.BeforeRead(certificateFile);
        FileStamps.BeforeRead(keyFile);
        var certificate = Load(certificateFile, keyFile);
        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(certificateFile);
        var intermediates = new X509Certificate2Collection();
        foreach (var c in all)
        {
            if (!c.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span))
            {
                intermediates.Add(c);
            }
        }

        return new Loaded(certificate, SslStreamCertificateContext.Create(certificate, intermediates, offline: true));
    }

    public void Reload()
    {
        try
        {
            var next = LoadWithChain(_certificateFile, _keyFile);
            // The old certificate may still be in use by a handshake in flight: it is left to the GC, not disposed.
            Volatile.Write(ref _current, next);
            _metrics?.ServerCertificateReloads.WithLabels(_listener, "success").Inc();
            PublishExpiry(next.Certificate);
            Log.Reloaded(Logger, _certificateFile, next.Certificate.NotAfter);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or InvalidDataException or ArgumentException)
        {
            _metrics?.ServerCertificateReloads.WithLabels(_listener, "failure").Inc();
            Log.ReloadFailed(Logger, _certificateFile, ex.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.ServerCertificateReloaded, LogLevel.Information, "Server certificate {File} reloaded; valid until {NotAfter:o}")]
        public static partial void Reloaded(ILogger logger, string file, DateTime notAfter);

        [LoggerMessage(EventIds.ServerCertificateReloadFailed, LogLevel.Error, "Server certificate {File} not reloaded ({Reason}); the last good certificate keeps serving")]
        public static partial void ReloadFailed(ILogger logger, string file, string reason);
    }
}

/// <summary>Reloads the HTTPS listeners' server certificates when their files change.</summary>
internal sealed class ServerCertificateWatcher(IReadOnlyList<ServerCertificateSource> sources) : FileChangeWatcher
{
    private readonly IReadOnlyList<string> _files = sources.SelectMany(s => s.Files).Distinct().ToList();

    protected override IReadOnlyList<string> WatchedFiles => _files;

    protected override Task OnChangedAsync(CancellationToken cancellationToken)
    {
        foreach (var s in sources)
        {
            s.Reload();
        }

        return Task.CompletedTask;
    }
}
