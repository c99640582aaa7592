using System.Text.Json;
using LoadTool.Reporting;

namespace LoadTool.Tests;

/// <summary>The CLI end to end against a tiny Kestrel upstream on 127.0.0.1.</summary>
[Collection(TimingCollection.Name)]
public sealed class EndToEndTests
{
    [Fact]
    public async Task Run_TwoSecondsAgainstUpstream_ReportsAndPassesThresholds()
    {
        await using var upstream = await TestUpstream.StartAsync();
        using var key = new TempSigningKey();
        var dir = Path.Combine(Path.GetTempPath(), $"loadtool-e2e-{Guid.NewGuid():N}");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        try
        {
            var exit = await LoadToolApp.RunAsync(
            [
                "--target", $"up={upstream.BaseUri}", "--path", "/orders/1", "--path", "/orders/2",
                "--rate", "200", "--warmup", "250ms", "--duration", "2s", "--sign-key", key.Path, "--identities", "10",
                "--bad-percent", "10", "--forbidden-path", "/forbidden/x", "--report-dir", dir,
                "--threshold", "errors(up) == 0", "--threshold", "p99(up) < 1s", "--threshold", "rps(up) > 150",
            ], stdout, stderr, CancellationToken.None);

            Assert.True(exit == 0, stdout.ToString() + stderr.ToString());
            Assert.Contains("[up measure done]", stderr.ToString(), StringComparison.Ordinal);
            Assert.Contains("PASS  errors(up) == 0", stdout.ToString(), StringComparison.Ordinal);
            foreach (var f in new[] { "report.md", "report.csv", "report.json", "report.html" })
            {
                Assert.True(File.Exists(Path.Combine(dir, f)), f);
            }

            var report = JsonReportWriter.Read(await File.ReadAllTextAsync(Path.Combine(dir, "report.json")));
            var up = Assert.Single(report.Targets);
            Assert.Equal(400, up.Requests);
            Assert.Equal(40, up.Bad.Total);
            Assert.Equal(40, up.Bad.Allowed); // a bare upstream lets every bad credential through: that is what this counts
            Assert.Equal(5, up.Bad.Kinds.Count);
            Assert.Contains(up.Stages, s => s.Name == "upstream" && Math.Abs(s.P50 - 0.41) < 0.01);
            Assert.InRange(up.Send.SendRate, 190, 210);
            Assert.True(up.BytesReceived > 0);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Run_ThresholdFails_ExitsOne()
    {
        await using var upstream = await TestUpstream.StartAsync();
        var stdout = new StringWriter();

        var exit = await LoadToolApp.RunAsync(
            ["--target", $"up={upstream.BaseUri}", "--mode", "closed", "--concurrency", "2", "--warmup", "0", "--requests", "50", "--quiet",
             "--threshold", "requests(up) == 50", "--threshold", "bad_allowed(up) > 0"],
            stdout, new StringWriter(), CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.Contains("PASS  requests(up) == 50", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("FAIL  bad_allowed(up) > 0", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WatchMetric_CountsTheMeasuredPhasesOnly()
    {
        // The upstream's /metrics counts the requests it served: warm-up requests happen before the first read, so the
        // increase is exactly the measured requests of both rounds.
        await using var upstream = await TestUpstream.StartAsync();
        var dir = Path.Combine(Path.GetTempPath(), $"loadtool-watch-{Guid.NewGuid():N}");
        var stdout = new StringWriter();
        try
        {
            var exit = await LoadToolApp.RunAsync(
                ["--target", $"up={upstream.BaseUri}", "--mode", "closed", "--concurrency", "2", "--warmup", "300ms", "--requests", "40",
                 "--rounds", "2", "--quiet", "--report-dir", dir,
                 "--watch-metric", $"up={upstream.BaseUri}metrics#test_requests_total",
                 "--threshold", "watched(up) == 80", "--threshold", "watched(up) < 80"],
                stdout, new StringWriter(), CancellationToken.None);

            Assert.Equal(1, exit); // the second threshold fails on purpose
            Assert.True(upstream.Requests > 80, "the warm-up sent requests too");
            Assert.Contains("PASS  watched(up) == 80  (measured 80)", stdout.ToString(), StringComparison.Ordinal);
            Assert.Contains("FAIL  watched(up) < 80", stdout.ToString(), StringComparison.Ordinal);
            var report = JsonReportWriter.Read(await File.ReadAllTextAsync(Path.Combine(dir, "report.json")));
            var watched = Assert.Single(report.Targets).Watched!;
            Assert.Equal(80, watched.Delta);
            Assert.Equal(2, watched.Phases);
            Assert.Contains("Watched metrics", await File.ReadAllTextAsync(Path.Combine(dir, "report.md")), StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Run_WatchMetricUnreachable_ThresholdFails()
    {
        await using var upstream = await TestUpstream.StartAsync();
        var stdout = new StringWriter();

        var exit = await LoadToolApp.RunAsync(
            ["--target", $"up={upstream.BaseUri}", "--mode", "closed", "--concurrency", "1", "--warmup", "0", "--requests", "5", "--quiet",
             "--watch-metric", "up=http://127.0.0.1:9/metrics#test_requests_total", "--threshold", "watched(up) == 0"],
            stdout, new StringWriter(), CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.Contains("FAIL  watched(up) == 0  (measured unknown", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WatchedThresholdWithoutWatch_IsAUsageError()
    {
        var stderr = new StringWriter();

        var exit = await LoadToolApp.RunAsync(["--target", "up=http://127.0.0.1:9", "--threshold", "watched(up) == 0"], new StringWriter(), stderr, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.Contains("give --watch-metric up=URL#METRIC", stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("p99(up) < 5", "needs a unit")]
    [InlineData("ratio(up,other) >= 1", "no target named 'other'")]
    public async Task Run_BadThreshold_ExitsTwoBeforeSendingAnything(string threshold, string fragment)
    {
        var stderr = new StringWriter();

        var exit = await LoadToolApp.RunAsync(["--target", "up=http://127.0.0.1:9", "--threshold", threshold], new StringWriter(), stderr, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.Contains(fragment, stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ConnectionRefused_IsCountedByKind()
    {
        var stdout = new StringWriter();
        var dir = Path.Combine(Path.GetTempPath(), $"loadtool-e2e-{Guid.NewGuid():N}");
        try
        {
            // Port 9 (discard) on loopback: nothing listens there on a test machine.
            var exit = await LoadToolApp.RunAsync(
                ["--target", "down=http://127.0.0.1:9", "--rate", "50", "--warmup", "0", "--requests", "10", "--quiet", "--report-dir", dir,
                 "--threshold", "errors(down) == 0"],
                stdout, new StringWriter(), CancellationToken.None);

            Assert.Equal(1, exit);
            using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "report.json")));
            var errors = doc.RootElement.GetProperty("targets")[0].GetProperty("errorKinds");
            Assert.Equal(10, errors.GetProperty("connection_refused").GetInt64());
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
