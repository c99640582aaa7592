using LoadTool.Cli;
using LoadTool.Load;
using LoadTool.Reporting;
using LoadTool.Thresholds;

namespace LoadTool.Tests.Load;

/// <summary><c>--watch-metric</c>: the exposition parser, the option, and the threshold on the measured increase.</summary>
public sealed class WatchMetricTests
{
    private const string Exposition = """
        # HELP gateway_gc_gen2_collections Full (gen 2) garbage collections since start.
        # TYPE gateway_gc_gen2_collections gauge
        gateway_gc_gen2_collections 7
        gateway_decisions_total{route="orders",outcome="allow",reason="allowed_by_rule"} 120
        gateway_decisions_total{route="orders",outcome="deny",reason="denied by rule"} 3
        gateway_decisions_total_created 1.7e9
        """;

    [Theory]
    [InlineData("gateway_gc_gen2_collections", 7.0)]
    [InlineData("gateway_decisions_total", 123.0)] // a bare name adds up every label set
    [InlineData("gateway_decisions_total{route=\"orders\",outcome=\"deny\",reason=\"denied by rule\"}", 3.0)] // exact series; label value with spaces
    public void Parse_ReadsTheMetric(string metric, double expected)
    {
        Assert.Equal(expected, MetricScraper.Parse(Exposition, metric));
    }

    [Theory]
    [InlineData("gateway_gc_gen2")] // a prefix is not the metric
    [InlineData("gateway_decisions_total{route=\"other\"}")]
    [InlineData("absent")]
    public void Parse_MissingMetric_IsNull(string metric)
    {
        Assert.Null(MetricScraper.Parse(Exposition, metric));
    }

    [Fact]
    public void Option_ParsesTargetUrlAndMetric()
    {
        var o = OptionsParser.Parse(["--target", "gateway=http://127.0.0.1:8080", "--watch-metric",
            "gateway=http://127.0.0.1:9090/metrics#gateway_gc_gen2_collections"]);

        var w = Assert.Single(o.Watches);
        Assert.Equal("gateway", w.Target);
        Assert.Equal("http://127.0.0.1:9090/metrics", w.Url.ToString());
        Assert.Equal("gateway_gc_gen2_collections", w.Metric);
    }

    [Theory]
    [InlineData("gateway", "TARGET=URL#METRIC")]
    [InlineData("gateway=http://127.0.0.1:9090/metrics", "TARGET=URL#METRIC")]
    [InlineData("gateway=ftp://x/metrics#m", "not an http(s) URL")]
    [InlineData("gateway=http://127.0.0.1:9090/metrics#9lives", "not a Prometheus metric name")]
    [InlineData("gateway=http://127.0.0.1:9090/metrics#m{a=\"b\"", "not a Prometheus metric name")]
    [InlineData("other=http://127.0.0.1:9090/metrics#m", "no --target has that name")]
    public void Option_Invalid_SaysWhy(string value, string fragment)
    {
        var ex = Assert.Throws<CommandLineException>(() => OptionsParser.Parse(["--target", "gateway=http://127.0.0.1:8080", "--watch-metric", value]));
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Option_TwoForOneTarget_Refused()
    {
        var ex = Assert.Throws<CommandLineException>(() => OptionsParser.Parse(["--target", "g=http://127.0.0.1:8080",
            "--watch-metric", "g=http://127.0.0.1:9/metrics#a", "--watch-metric", "g=http://127.0.0.1:9/metrics#b"]));
        Assert.Contains("one metric per target", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Threshold_UnknownIncrease_Fails()
    {
        var report = new RunReport();
        report.Targets.Add(new TargetReport { Name = "gateway", Watched = new WatchedMetricReport { Metric = "m", Delta = null, FailedReads = 1 } });
        var t = ThresholdParser.Parse("watched(gateway) == 0", ["gateway"]);

        var outcome = ThresholdEvaluator.Evaluate(t, report);

        Assert.False(outcome.Passed);
        Assert.Contains("unknown", outcome.Actual, StringComparison.Ordinal);
    }
}
