using Gateway.Configuration;
using Gateway.Identity.X509;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Unit.Identity;

/// <summary>A temporary folder standing in for the config folder: bundle files, a config file path, options and a
/// resolver like the config loader's (relative to the folder). Deleted on dispose.</summary>
internal sealed class TrustBundleFolder : IDisposable
{
    public TrustBundleFolder()
    {
        Directory = Path.Combine(Path.GetTempPath(), "gateway-bundles-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string ConfigFile => Path.Combine(Directory, "gateway.json");

    public string Resolve(string file) => Path.GetFullPath(Path.Combine(Directory, file));

    public string Write(string file, string text)
    {
        var path = Resolve(file);
        File.WriteAllText(path, text);
        return path;
    }

    public static TrustBundleOptions Bundle(string trustDomain, string file) => new() { TrustDomain = trustDomain, File = file };

    public (TrustBundleSet? Set, IReadOnlyList<ConfigDiagnostic> Diagnostics) Load(FakeTimeProvider time, params TrustBundleOptions[] bundles)
        => TrustBundleLoader.Load(bundles, Resolve, ConfigFile, time);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
