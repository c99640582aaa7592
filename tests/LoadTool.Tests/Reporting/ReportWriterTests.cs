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

    /// <summary>Two targets measured from synthetic recordings: yarp ~0.3 ms, gateway ~0.5 ms with a slow tail, 5 bad
    /// requests refused, Server-Timing stages.</summary>
    internal static RunReport SampleReport()
    {
        var options = OptionsParser.Parse(["--target", "yarp=http://127.0.0.1:1", "--target", "gateway=http://127.0.0.1:2", "--rate", "100", "--baseline", "yarp"]);
        var f = Stopwatch.Frequency;
        PhaseRecorder Make(string name, double baseMs, double tailMs, bool bad)
        {
            var r = new PhaseRecorder(name, measured: true) { StartTicks = 0, PlannedEndTicks = f, Scheduled = 100, RequestedRate = 100 };
            for (var i = 0; i < 100; i++)
            {
                var ms = i >= 98 ? tailMs : baseMs + (i * 0.001);
                var isBad = bad && i % 20 == 0;
                r.RecordSend(i * f / 100, (i * f / 100) + (f / 100_000));
                r.RecordResponse(isBad ? 401 : 200, (long)(ms * f / 1000), 10, isBad ? BadCredentialKind.Expired : null, f / 2);
                r.RecordServerTiming(ServerTimingParser.Parse("auth;dur=0.012, policy;dur=0.003, total;dur=0.455"));
            }

            return r;
        }

        var phases = new Dictionary<string, List<PhaseRecorder>>
        {
            ["yarp"] = [Make("yarp", 0.3, 0.9, false)],
            ["gateway"] = [Make("gateway", 0.5, 4, true)],
        };
        var report = ReportBuilder.Build(options, phases, DateTimeOffset.UnixEpoch, 2.5, ["expired"]);
        report.Thresholds.Add(new ThresholdOutcome { Expression = "bad_allowed == 0", Actual = "0", Passed = true });
        return report;
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
