using LoadTool.Cli;
using LoadTool.Thresholds;

namespace LoadTool.Tests.Thresholds;

public sealed class ThresholdParserTests
{
    private static readonly string[] Targets = ["upstream", "yarp", "gateway"];

    public static TheoryData<string, string, string, string, string, double> Valid => new()
    {
        // expression, kind, metric, targets, operator, value (ms for latencies)
        { "p99(gateway) < 5ms", "Latency", "p99", "gateway", "Less", 5 },
        { "p50(yarp) <= 250us", "Latency", "p50", "yarp", "LessOrEqual", 0.25 },
        { "p99.9(gateway)<1s", "Latency", "p99.9", "gateway", "Less", 1000 },
        { "p999(gateway) < 2 ms", "Latency", "p99.9", "gateway", "Less", 2 },
        { "max(upstream) < 100ms", "Latency", "max", "upstream", "Less", 100 },
        { "ratio(gateway,yarp) >= 0.9", "Ratio", "ratio", "gateway,yarp", "GreaterOrEqual", 0.9 },
        { "  ratio( gateway , yarp )>=0.70 ", "Ratio", "ratio", "gateway,yarp", "GreaterOrEqual", 0.7 },
        { "p99diff(gateway,yarp) <= 0.5ms", "LatencyDiff", "p99", "gateway,yarp", "LessOrEqual", 0.5 },
        { "meandiff(gateway,yarp) < -1ms", "LatencyDiff", "mean", "gateway,yarp", "Less", -1 },
        { "p99diff_median(gateway,yarp) <= 0.5ms", "LatencyDiffMedian", "p99", "gateway,yarp", "LessOrEqual", 0.5 },
        { "p99.9diff_median(gateway,yarp) < 800us", "LatencyDiffMedian", "p99.9", "gateway,yarp", "Less", 0.8 },
        { "bad_allowed == 0", "Count", "bad_allowed", "", "Equal", 0 },
        { "bad_allowed(gateway) == 0", "Count", "bad_allowed", "gateway", "Equal", 0 },
        { "errors(gateway) == 0", "Count", "errors", "gateway", "Equal", 0 },
        { "errors != 3", "Count", "errors", "", "NotEqual", 3 },
        { "watched(gateway) == 0", "Watched", "watched", "gateway", "Equal", 0 },
        { "rps(gateway) > 1000", "Rate", "rps", "gateway", "Greater", 1000 },
        { "error_rate(gateway) < 1%", "Percent", "error_rate", "gateway", "Less", 1 },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parse_ValidExpression_GivesThreshold(string expression, string kind, string metric, string targets, string op, double value)
    {
        var t = ThresholdParser.Parse(expression, Targets);

        Assert.Equal(kind, t.Kind.ToString());
        Assert.Equal(metric, t.Metric);
        Assert.Equal(targets, string.Join(',', t.Targets));
        Assert.Equal(op, t.Operator.ToString());
        Assert.Equal(value, t.Value, 9);
    }

    [Fact]
    public void Parse_SingleTargetMetricWithoutTarget_UsesTheOnlyTarget()
        => Assert.Equal(["api"], ThresholdParser.Parse("p99 < 5ms", ["api"]).Targets);

    public static TheoryData<string, string> Invalid => new()
    {
        // expression, a fragment of the message
        { "p99(gateway) < 5", "needs a unit" },
        { "p99(gateway) < 5min", "unknown unit" },
        { "p98(gateway) < 5ms", "unknown metric" },
        { "p98diff_median(gateway,yarp) < 5ms", "before 'diff_median'" },
        { "p99diff_median(gateway) < 5ms", "takes two targets" },
        { "p99diff_median(gateway,yarp) < 5", "needs a unit" },
        { "p99(nginx) < 5ms", "no target named 'nginx'" },
        { "p99 < 5ms", "name one" },
        { "p99(gateway,yarp) < 5ms", "takes one target" },
        { "ratio(gateway) >= 0.9", "takes two targets" },
        { "ratio >= 0.9", "compares two targets" },
        { "ratio(gateway,gateway) >= 0.9", "two different targets" },
        { "ratio(gateway,yarp) >= 0.9ms", "remove the unit" },
        { "bad_allowed = 0", "'=' is not an operator" },
        { "bad_allowed =< 0", "write METRIC(TARGET) OP VALUE" },
        { "p99(gateway) <", "write METRIC(TARGET) OP VALUE" },
        { "", "write METRIC(TARGET) OP VALUE" },
        { "p99(gateway) < 5ms and p90(gateway) < 1ms", "write METRIC(TARGET) OP VALUE" },
        { "p99(, yarp) < 5ms", "empty target name" },
        { "errors(gateway) == -1", "cannot be negative" },
        { "error_rate(gateway) < 1ms", "percentage" },
        { "xdiff(gateway,yarp) < 1ms", "before 'diff'" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Parse_InvalidExpression_ThrowsClearMessage(string expression, string fragment)
    {
        var ex = Assert.Throws<CommandLineException>(() => ThresholdParser.Parse(expression, Targets));

        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("--threshold '", ex.Message, StringComparison.Ordinal);
    }
}
