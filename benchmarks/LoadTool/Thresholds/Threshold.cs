namespace LoadTool.Thresholds;

/// <summary>A parsed threshold: <c>metric(targets) op value</c>. <see cref="Value"/> is in milliseconds for latency
/// kinds, in percent for <see cref="ThresholdKind.Percent"/>, and a plain number otherwise.</summary>
internal sealed record Threshold(
    string Expression, ThresholdKind Kind, string Metric, IReadOnlyList<string> Targets, ComparisonOperator Operator, double Value)
{
    public bool Holds(double actual) => Operator switch
    {
        ComparisonOperator.Less => actual < Value,
        ComparisonOperator.LessOrEqual => actual <= Value,
        ComparisonOperator.Greater => actual > Value,
        ComparisonOperator.GreaterOrEqual => actual >= Value,
        ComparisonOperator.Equal => actual == Value,
        _ => actual != Value,
    };
}
