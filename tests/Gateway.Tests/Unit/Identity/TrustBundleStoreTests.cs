using System.Security.Cryptography.X509Certificates;
using Gateway.Configuration;
using Gateway.Identity;
using Gateway.Identity.X509;
using Gateway.Tests.Integration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Unit.Identity;

/// <summary>Reloads: a bad bundle file never replaces the snapshot serving requests; a good one does, with a higher
/// revision.</summary>
public sealed class TrustBundleStoreTests : IDisposable
{
    private const string Id = "spiffe://a.example/ns/shop/sa/frontend";

    private static readonly DateTimeOffset Now = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly TrustBundleFolder _folder = new();
    private readonly TrustBundleTestLogger _logger = new();
    private readonly SvidValidator _validator;
    private readonly X509Certificate2 _oldRoot = Root();
    private readonly X509Certificate2 _newRoot = Root();
    private readonly TrustBundleOptions[] _options = [TrustBundleFolder.Bundle("a.example", "a.pem")];

    public TrustBundleStoreTests() => _validator = new SvidValidator(_time);

    public void Dispose() => _folder.Dispose();

    private static X509Certificate2 Root() => TestCertificates.CreateRootCa("a.example", Now.AddDays(-30), Now.AddDays(365));

    private static X509Certificate2 Leaf(X509Certificate2 issuer) => TestCertificates.CreateLeaf(issuer,
        TestCertificates.Svid(Id) with { NotBefore = Now.AddMinutes(-5), NotAfter = Now.AddHours(1) });

    /// <summary>A store as the host makes it: the config loader loaded the initial set.</summary>
    private TrustBundleStore Store()
    {
        var (set, diags) = TrustBundleLoader.Load(_options, _folder.Resolve, _folder.ConfigFile, _time);
        Assert.Empty(diags);
        return new TrustBundleStore(set!, _options, _folder.Resolve, _folder.ConfigFile, _time, _logger);
    }

    [Fact]
    public void Constructor_InitialSet_ServedAndFilesWatched()
    {
        _folder.Write("a.pem", TestCertificates.ToPem(_oldRoot));

        var store = Store();

        Assert.Equal(1, store.Current.Revision);
        Assert.Equal([_folder.Resolve("a.pem")], store.WatchedFiles);
    }

    [Fact]
    public void Reload_BrokenFile_KeepsLastGoodSnapshotAndLogsWhere()
    {
        var file = _folder.Write("a.pem", TestCertificates.ToPem(_oldRoot));
        var store = Store();
        var before = store.Current;
        using var leaf = Leaf(_oldRoot);

        _folder.Write("a.pem", "-----BEGIN CERTIFICATE-----\nbroken\n");
        var diags = store.Reload();

        Assert.Same(before, store.Current);
        Assert.Equal(1, store.Current.Revision);
        var d = Assert.Single(diags);
        Assert.Equal((file, 1), (d.File, d.Line));
        Assert.Equal(AuthFailure.None, _validator.Validate(leaf, store.Current).Failure);
        var logs = _logger.Entries;
        Assert.Contains(logs, e => e.Level == LogLevel.Error && e.Message.StartsWith(file + ":1:1: error: unparseable PEM block", StringComparison.Ordinal));
        Assert.Contains(logs, e => e.Level == LogLevel.Error && e.Message.Contains("revision 1 keeps serving", StringComparison.Ordinal));
    }

    [Fact]
    public void Reload_FileDeleted_KeepsLastGoodSnapshot()
    {
        var file = _folder.Write("a.pem", TestCertificates.ToPem(_oldRoot));
        var store = Store();
        var before = store.Current;

        File.Delete(file);
        var diags = store.Reload();

        Assert.Same(before, store.Current);
        Assert.Contains("not found", Assert.Single(diags).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reload_LeafCertificateAddedToBundle_KeepsLastGoodSnapshot()
    {
        _folder.Write("a.pem", TestCertificates.ToPem(_oldRoot));
        var store = Store();
        var before = store.Current;
        using var leaf = Leaf(_oldRoot);

        _folder.Write("a.pem", TestCertificates.ToPem(_oldRoot, leaf));
        store.Reload();

        Assert.Same(before, store.Current);
    }

    [Fact]
    public void Reload_NewRootAdded_RevisionIncreasesAndNewRootTrusted()
    {
        _folder.Write("a.pem", TestCertificates.ToPem(_oldRoot));
        var store = Store();
        using var newLeaf = Leaf(_newRoot);
        using var oldLeaf = Leaf(_oldRoot);
        Assert.Equal(AuthFailure.CertificateUntrusted, _validator.Validate(newLeaf, store.Current).Failure);

        _folder.Write("a.pem", TestCertificates.ToPem(_oldRoot, _newRoot));
        var diags = store.Reload();

        Assert.Empty(diags);
        Assert.Equal(2, store.Current.Revision);
        Assert.Equal(AuthFailure.None, _validator.Validate(newLeaf, store.Current).Failure);
        Assert.Equal(AuthFailure.None, _validator.Validate(oldLeaf, store.Current).Failure);
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("revision 2", StringComparison.Ordinal));
    }

    [Fact]
    public void Reload_OldRootRemoved_ItsLeavesNoLongerTrusted()
    {
        _folder.Write("a.pem", TestCertificates.ToPem(_oldRoot, _newRoot));
        var store = Store();
        using var oldLeaf = Leaf(_oldRoot);
        var before = store.Current;

        _folder.Write("a.pem", TestCertificates.ToPem(_newRoot));
        store.Reload();

        Assert.Equal(AuthFailure.CertificateUntrusted, _validator.Validate(oldLeaf, store.Current).Failure);
        Assert.Equal(AuthFailure.None, _validator.Validate(oldLeaf, before).Failure); // a request holding the old snapshot
    }

    [Fact]
    public void Reload_FixedAfterBroken_Recovers()
    {
        _folder.Write("a.pem", TestCertificates.ToPem(_oldRoot));
        var store = Store();

        _folder.Write("a.pem", "garbage");
        store.Reload();
        Assert.Equal(1, store.Current.Revision);
        _folder.Write("a.pem", TestCertificates.ToPem(_newRoot));
        store.Reload();

        Assert.Equal(2, store.Current.Revision);
        Assert.True(store.Current.TryGetBundle("a.example", out var bundle));
        Assert.Equal(_newRoot.Thumbprint, Assert.Single(bundle.Roots).Thumbprint);
    }

    [Fact]
    public void Reload_ExpiredCaOnly_WarnsAndApplies()
    {
        _folder.Write("a.pem", TestCertificates.ToPem(_oldRoot));
        var store = Store();
        using var expired = TestCertificates.CreateRootCa("a.example", Now.AddDays(-30), Now.AddDays(-1));

        _folder.Write("a.pem", TestCertificates.ToPem(_oldRoot, expired));
        var diags = store.Reload();

        Assert.True(Assert.Single(diags).IsWarning);
        Assert.Equal(2, store.Current.Revision);
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("expired", StringComparison.Ordinal));
    }

    [Fact]
    public void Replace_NewConfig_RenumberedAfterCurrentAndWatchMoves()
    {
        _folder.Write("a.pem", TestCertificates.ToPem(_oldRoot));
        _folder.Write("b.pem", TestCertificates.ToPem(_newRoot));
        var store = Store();
        store.Reload();
        var watchedBefore = store.WatchedFiles;
        TrustBundleOptions[] options = [TrustBundleFolder.Bundle("b.example", "b.pem")];
        var (set, _) = TrustBundleLoader.Load(options, _folder.Resolve, _folder.ConfigFile, _time);

        store.Replace(set!, options, _folder.Resolve, _folder.ConfigFile);

        Assert.Equal(3, store.Current.Revision);
        Assert.True(store.Current.TryGetBundle("b.example", out _));
        Assert.False(store.Current.TryGetBundle("a.example", out _));
        Assert.NotSame(watchedBefore, store.WatchedFiles);
        Assert.Equal([_folder.Resolve("b.pem")], store.WatchedFiles);

        _folder.Write("b.pem", TestCertificates.ToPem(_newRoot, _oldRoot));
        store.Reload(); // reloads the new config's bundles
        Assert.Equal(4, store.Current.Revision);
        Assert.True(store.Current.TryGetBundle("b.example", out var b));
        Assert.Equal(2, b.Roots.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // rotated while the gateway was starting: after the loader read the file, before the watch began
    public async Task Watcher_BundleFileRewritten_Reloads(bool beforeTheWatchStarts)
    {
        _folder.Write("a.pem", TestCertificates.ToPem(_oldRoot));
        var store = Store();
        using var watcher = new TrustBundleWatcher(store);
        if (beforeTheWatchStarts)
        {
            _folder.Write("a.pem", TestCertificates.ToPem(_oldRoot, _newRoot));
        }

        await watcher.StartAsync(CancellationToken.None);
        try
        {
            // No pause: the watch starts in StartAsync, so a write right after it is a change.
            if (!beforeTheWatchStarts)
            {
                _folder.Write("a.pem", TestCertificates.ToPem(_oldRoot, _newRoot));
            }

            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (store.Current.Revision == 1 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            Assert.Equal(2, store.Current.Revision);
            Assert.True(store.Current.TryGetBundle("a.example", out var bundle));
            Assert.Equal(2, bundle.Roots.Count);
        }
        finally
        {
            await watcher.StopAsync(CancellationToken.None);
        }
    }
}
