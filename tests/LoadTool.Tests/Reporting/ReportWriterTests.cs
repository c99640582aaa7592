using System.Diagnostics;
using System.Xml.Linq;
using LoadTool.Cli;
using LoadTool.Identity;
using LoadTool.Load;
using LoadTool.Reporting;
using LoadTool.Thresholds;
using LoadTool.Timing;

namespace LoadTool.Tests.Reporting;

public sealed class ReportWriterTests
{
    [Fact]
    public void Html_IsSelfContainedWithAnSvgPlotLinePerTarget()
    {
        var html = HtmlReportWriter.Write(SampleReport());

        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Equal(2, CountOf(html, "<polyline class=\"series\""));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        // The plot is well-formed XML.
        var svg = html[html.IndexOf("<svg", StringComparison.Ordinal)..(html.IndexOf("</svg>", StringComparison.Ordinal) + 6)];
        Assert.Equal("svg", XElement.Parse(svg).Name.LocalName);
    }

    [Fact]
    public void Json_RoundTrips()
    {
        var report = SampleReport();

        var json = JsonReportWriter.Write(report);
        var back = JsonReportWriter.Read(json);

        Assert.Equal(json, JsonReportWriter.Write(back));
        Assert.Equal(report.Targets[1].LatencyMs.P99, back.Targets[1].LatencyMs.P99);
        Assert.Equal("gateway", back.Comparisons[0].Target);
        Assert.Equal(report.Targets[1].Stages.Count, back.Targets[1].Stages.Count);
    }

    [Fact]
    public void Csv_HasAHeaderAndOneRowPerTargetOfEqualWidth()
    {
        var lines = CsvReportWriter.Write(SampleReport()).TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();

        Assert.Equal(3, lines.Count);
        Assert.StartsWith("target,url,", lines[0], StringComparison.Ordinal);
        Assert.Contains("stage_auth_p99_ms", lines[0], StringComparison.Ordinal);
        Assert.All(lines, l => Assert.Equal(lines[0].Split(',').Length, l.Split(',').Length));
    }

    [Fact]
    public void Markdown_And_Text_ShowEverySection()
    {
        var report = SampleReport();
        var md = MarkdownReportWriter.Write(report);
        var text = new StringWriter();
        TextReportWriter.Write(report, text);

        foreach (var s in new[] { md, text.ToString() })
        {
            Assert.Contains("Throughput and latency", s, StringComparison.Ordinal);
            Assert.Contains("Compared with yarp", s, StringComparison.Ordinal);
            Assert.Contains("Bad credentials", s, StringComparison.Ordinal);
            Assert.Contains("Server-Timing", s, StringComparison.Ordinal);
            Assert.Contains("PASS", s, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Evaluate_Thresholds_ReadTheReport()
    {
        var report = SampleReport();
        string[] names = ["yarp", "gateway"];
        bool Check(string e) => ThresholdEvaluator.Evaluate(ThresholdParser.Parse(e, names), report).Passed;

        Assert.True(Check("bad_allowed == 0"));
        Assert.True(Check("p99(gateway) > 1ms"));
        Assert.False(Check("p99(gateway) < 1ms"));
        Assert.True(Check("p99diff(gateway,yarp) > 0.5ms"));
        Assert.True(Check("ratio(gateway,yarp) >= 0.99"));
        Assert.True(Check("errors == 0"));
        Assert.True(Check("bad_total(gateway) == 5"));
    }

    [Fact]
    public void RoundByRound_MedianOfPairedDifferences_IgnoresOneDisturbedRound()
    {
        // Five rounds; in round 2 something else on the machine hit the gateway (a 40 ms tail). The merged p99 of the
        // gateway is that round's tail; the median of the paired per-round differences is the steady 0.2 ms.
        var options = OptionsParser.Parse(["--target", "yarp=http://127.0.0.1:1", "--target", "gateway=http://127.0.0.1:2", "--rate", "100", "--baseline", "yarp", "--rounds", "5"]);
        var phases = new Dictionary<string, List<PhaseRecorder>>
        {
            ["yarp"] = [.. Enumerable.Range(0, 5).Select(_ => Make("yarp", 0.3, 1.0, false))],
            ["gateway"] = [.. Enumerable.Range(0, 5).Select(i => i == 1 ? Make("gateway", 0.5, 40, false, tail: 10) : Make("gateway", 0.5, 1.2, false))],
        };
        var report = ReportBuilder.Build(options, phases, DateTimeOffset.UnixEpoch, 2.5, []);
        string[] names = ["yarp", "gateway"];
        ThresholdOutcome Check(string e) => ThresholdEvaluator.Evaluate(ThresholdParser.Parse(e, names), report);

        var cmp = Assert.Single(report.Comparisons);
        Assert.Equal(5, report.Targets[1].RoundLatencyMs.Count);
        Assert.Equal(40, report.Targets[1].RoundLatencyMs[1].P99, 1);
        Assert.True(cmp.LatencyDiffMs.P99 > 30);
        Assert.Equal(0.2, cmp.RoundDiffMedianMs!.P99, 2);
        Assert.Equal(5, cmp.RoundDiffMedianMs.Count);
        Assert.False(Check("p99diff(gateway,yarp) <= 0.5ms").Passed);
        Assert.True(Check("p99diff_median(gateway,yarp) <= 0.5ms").Passed);
        Assert.False(Check("p99diff_median(gateway,yarp) <= 0.1ms").Passed);

        var md = MarkdownReportWriter.Write(report);
        Assert.Contains("round by round", md, StringComparison.Ordinal);
        Assert.Contains("Each round on its own", md, StringComparison.Ordinal);
        var csv = CsvReportWriter.Write(report).Split('\n');
        Assert.Contains("p99_diff_median_ms", csv[0], StringComparison.Ordinal);
        Assert.Equal(csv[0].Split(',').Length, csv[2].TrimEnd('\r').Split(',').Length);
    }

    [Fact]
    public void RoundByRound_OneRound_ThresholdFailsAsUnknown()
    {
        var report = SampleReport();

        var outcome = ThresholdEvaluator.Evaluate(ThresholdParser.Parse("p99diff_median(gateway,yarp) <= 10ms", ["yarp", "gateway"]), report);

        Assert.Null(report.Comparisons[0].RoundDiffMedianMs);
        Assert.False(outcome.Passed);
        Assert.Contains("needs --rounds 2", outcome.Actual, StringComparison.Ordinal);
    }

    [Fact]
    public void MedianRoundDifference_PairsRoundsByIndex_EvenCountTakesTheMiddleTwo()
    {
        LatencySummary L(double p99) => new() { P99 = p99, Count = 100 };
        var a = new[] { L(5), L(1), L(9), L(2) };
        var b = new[] { L(1), L(1), L(1), L(1) };

        // Differences 4, 0, 8, 1 → sorted 0, 1, 4, 8 → (1 + 4) / 2.
        Assert.Equal(2.5, LatencySummary.MedianRoundDifference(a, b)!.P99, 9);
        Assert.Null(LatencySummary.MedianRoundDifference([L(1)], [L(2)]));
        // Unknown rather than flattering: rounds that do not pair up, or a round that recorded nothing.
        Assert.Null(LatencySummary.MedianRoundDifference(a, b[..3]));
        Assert.Null(LatencySummary.MedianRoundDifference(a, [L(1), L(1), new LatencySummary(), L(1)]));
    }

    /// <summary>Two targets measured from synthetic recordings: yarp ~0.3 ms, gateway ~0.5 ms with a slow tail, 5 bad
    /// requests refused, Server-Timing stages.</summary>
    internal static RunReport SampleReport()
    {
        var options = OptionsParser.Parse(["--target", "yarp=http://127.0.0.1:1", "--target", "gateway=http://127.0.0.1:2", "--rate", "100", "--baseline", "yarp"]);
        var phases = new Dictionary<string, List<PhaseRecorder>>
        {
            ["yarp"] = [Make("yarp", 0.3, 0.9, false)],
            ["gateway"] = [Make("gateway", 0.5, 4, true)],
        };
        var report = ReportBuilder.Build(options, phases, DateTimeOffset.UnixEpoch, 2.5, ["expired"]);
        report.Thresholds.Add(new ThresholdOutcome { Expression = "bad_allowed == 0", Actual = "0", Passed = true });
        return report;
    }

    /// <summary>One measured phase of 100 requests: base latency rising by 1 µs per request, the last <paramref name="tail"/> at the tail.</summary>
    private static PhaseRecorder Make(string name, double baseMs, double tailMs, bool bad, int tail = 2)
    {
        var f = Stopwatch.Frequency;
        var r = new PhaseRecorder(name, measured: true) { StartTicks = 0, PlannedEndTicks = f, Scheduled = 100, RequestedRate = 100 };
        for (var i = 0; i < 100; i++)
        {
            var ms = i >= 100 - tail ? tailMs : baseMs + (i * 0.001);
            var isBad = bad && i % 20 == 0;
            r.RecordSend(i * f / 100, (i * f / 100) + (f / 100_000));
            r.RecordResponse(isBad ? 401 : 200, (long)(ms * f / 1000), 10, isBad ? BadCredentialKind.Expired : null, f / 2);
            r.RecordServerTiming(ServerTimingParser.Parse("auth;dur=0.012, policy;dur=0.003, total;dur=0.455"));
        }

        return r;
    }

    private static int CountOf(string s, string what)
    {
        var n = 0;
        for (var i = s.IndexOf(what, StringComparison.Ordinal); i >= 0; i = s.IndexOf(what, i + 1, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }
}
