using System.Globalization;
using System.Text.RegularExpressions;
using LoadTool.Cli;

namespace LoadTool.Thresholds;

/// <summary>
/// Parses threshold expressions strictly: <c>METRIC[(TARGET[,TARGET])] OP NUMBER[UNIT]</c>. Every problem is a
/// <see cref="CommandLineException"/> that quotes the expression and says what was expected.
/// </summary>
internal static partial class ThresholdParser
{
    public const string Percentiles = "p50, p75, p90, p95, p99, p99.9, p99.99, max, mean";

    private static readonly string[] CountMetrics = ["errors", "failed", "good_failed", "requests", "bad_allowed", "bad_total"];
    private static readonly string[] RateMetrics = ["rps", "ok_rps", "failed_rps"];

    [GeneratedRegex(@"^\s*(?<metric>[A-Za-z_][A-Za-z0-9_.]*)\s*(?:\(\s*(?<args>[^()]*?)\s*\))?\s*(?<op><=|>=|==|!=|<|>|=)\s*(?<num>-?[0-9]+(?:\.[0-9]+)?)\s*(?<unit>[A-Za-zµ%]*)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex ExpressionRegex();

    public static Threshold Parse(string expression, IReadOnlyList<string> targets)
    {
        var m = ExpressionRegex().Match(expression);
        if (!m.Success)
        {
            throw Error(expression, "write METRIC(TARGET) OP VALUE, e.g. 'p99(gateway) < 5ms', 'ratio(gateway,yarp) >= 0.9', 'bad_allowed == 0'");
        }

        var metric = m.Groups["metric"].Value.ToLowerInvariant();
        var hasArgs = m.Groups["args"].Success;
        var args = hasArgs
            ? m.Groups["args"].Value.Split(',').Select(a => a.Trim()).ToArray()
            : [];
        if (hasArgs && args.Any(a => a.Length == 0))
        {
            throw Error(expression, "an empty target name between the parentheses");
        }

        var op = m.Groups["op"].Value switch
        {
            "<" => ComparisonOperator.Less,
            "<=" => ComparisonOperator.LessOrEqual,
            ">" => ComparisonOperator.Greater,
            ">=" => ComparisonOperator.GreaterOrEqual,
            "==" => ComparisonOperator.Equal,
            "!=" => ComparisonOperator.NotEqual,
            _ => throw Error(expression, "'=' is not an operator: use ==, !=, <, <=, > or >="),
        };
        var number = double.Parse(m.Groups["num"].Value, CultureInfo.InvariantCulture);
        var unit = m.Groups["unit"].Value;

        ThresholdKind kind;
        string key;
        int arity;
        bool targetOptional = false;
        if (metric.EndsWith("diff_median", StringComparison.Ordinal) && metric.Length > 11)
        {
            kind = ThresholdKind.LatencyDiffMedian;
            key = NormalizeLatency(metric[..^11]) ?? throw Error(expression, $"'{metric}': the part before 'diff_median' must be one of {Percentiles}");
            arity = 2;
        }
        else if (metric.EndsWith("diff", StringComparison.Ordinal) && metric.Length > 4)
        {
            kind = ThresholdKind.LatencyDiff;
            key = NormalizeLatency(metric[..^4]) ?? throw Error(expression, $"'{metric}': the part before 'diff' must be one of {Percentiles}");
            arity = 2;
        }
        else if (NormalizeLatency(metric) is { } latencyKey)
        {
            kind = ThresholdKind.Latency;
            key = latencyKey;
            arity = 1;
        }
        else if (metric == "ratio")
        {
            kind = ThresholdKind.Ratio;
            key = metric;
            arity = 2;
        }
        else if (RateMetrics.Contains(metric))
        {
            kind = ThresholdKind.Rate;
            key = metric;
            arity = 1;
        }
        else if (CountMetrics.Contains(metric))
        {
            kind = ThresholdKind.Count;
            key = metric;
            arity = 1;
            targetOptional = metric is "bad_allowed" or "bad_total" or "errors";
        }
        else if (metric == "watched")
        {
            kind = ThresholdKind.Watched;
            key = metric;
            arity = 1;
        }
        else if (metric == "error_rate")
        {
            kind = ThresholdKind.Percent;
            key = metric;
            arity = 1;
        }
        else
        {
            throw Error(expression,
                $"unknown metric '{metric}'; use {Percentiles}; pNNdiff(A,B); pNNdiff_median(A,B); ratio(A,B); {string.Join(", ", RateMetrics)}; {string.Join(", ", CountMetrics)}; error_rate; watched");
        }

        // Targets: exactly `arity` names, each configured; a single-target metric may omit it when there is one target
        // (or, for the sums bad_allowed, bad_total and errors, to mean all targets).
        string[] resolved;
        if (args.Length == 0)
        {
            if (arity == 2)
            {
                throw Error(expression, $"'{metric}' compares two targets: write {metric}(A,B)");
            }

            if (targetOptional)
            {
                resolved = [];
            }
            else if (targets.Count == 1)
            {
                resolved = [targets[0]];
            }
            else
            {
                throw Error(expression, $"there are {targets.Count} targets: name one, e.g. {metric}({targets[0]})");
            }
        }
        else
        {
            if (args.Length != arity)
            {
                throw Error(expression, arity == 1 ? $"'{metric}' takes one target" : $"'{metric}' takes two targets: {metric}(A,B)");
            }

            foreach (var a in args)
            {
                if (!targets.Contains(a))
                {
                    throw Error(expression, $"no target named '{a}' (targets: {string.Join(", ", targets)})");
                }
            }

            if (arity == 2 && args[0] == args[1])
            {
                throw Error(expression, "compare two different targets");
            }

            resolved = args;
        }

        double value;
        switch (kind)
        {
            case ThresholdKind.Latency:
            case ThresholdKind.LatencyDiff:
            case ThresholdKind.LatencyDiffMedian:
                value = unit switch
                {
                    "ms" => number,
                    "us" or "µs" => number / 1000,
                    "s" => number * 1000,
                    "" => throw Error(expression, "a latency needs a unit: ms, us or s (e.g. 5ms)"),
                    _ => throw Error(expression, $"unknown unit '{unit}': use ms, us or s"),
                };
                if (kind == ThresholdKind.Latency && number < 0)
                {
                    throw Error(expression, "a latency cannot be negative");
                }

                break;
            case ThresholdKind.Percent:
                value = unit is "%" or "" ? number : throw Error(expression, $"error_rate is a percentage: write e.g. 'error_rate(T) < 1%', not '{unit}'");
                break;
            default:
                if (unit.Length > 0)
                {
                    throw Error(expression, $"'{metric}' is a plain number: remove the unit '{unit}'");
                }

                if (number < 0)
                {
                    throw Error(expression, $"'{metric}' cannot be negative");
                }

                value = number;
                break;
        }

        return new Threshold(expression.Trim(), kind, key, resolved, op, value);
    }

    private static string? NormalizeLatency(string metric) => metric switch
    {
        "p50" or "p75" or "p90" or "p95" or "p99" or "max" or "mean" => metric,
        "p99.9" or "p999" => "p99.9",
        "p99.99" or "p9999" => "p99.99",
        _ => null,
    };

    private static CommandLineException Error(string expression, string why) => new($"--threshold '{expression}': {why}");
}
