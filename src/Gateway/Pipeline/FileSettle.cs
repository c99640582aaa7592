using System.Security.Cryptography;

namespace Gateway.Pipeline;

/// <summary>
/// Waits until files stop changing: their contents must be identical across a quiet period. An editor or a deploy
/// tool that truncates and rewrites a file in pieces would otherwise have a cut-off file read — and a policy cut at a
/// line boundary is often still valid, and may allow more than the full file. (Writing a new file and renaming it
/// over the old one, as Kubernetes ConfigMap updates do, is atomic and needs no wait.)
/// </summary>
internal static class FileSettle
{
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(1);

    public static async Task WaitStableAsync(IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        var before = Fingerprint(files);
        for (var i = 0; i < 30; i++)
        {
            await Task.Delay(QuietPeriod, cancellationToken).ConfigureAwait(false);
            var now = Fingerprint(files);
            if (now == before)
            {
                return;
            }

            before = now;
        }
    }

    private static string Fingerprint(IReadOnlyList<string> files)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var f in files)
        {
            try
            {
                sha.AppendData(File.ReadAllBytes(f));
            }
            catch (IOException)
            {
                sha.AppendData([0xFF]);
            }
            catch (UnauthorizedAccessException)
            {
                sha.AppendData([0xFE]);
            }

            sha.AppendData([0]);
        }

        return Convert.ToHexString(sha.GetHashAndReset());
    }
}
