namespace PolicyCore.Syntax;

/// <summary><c>obligations</c> of an allow rule: upstream headers and a rate-limit class.</summary>
internal sealed class ObligationsSyntax(SourcePosition position)
{
    public SourcePosition Position { get; } = position;

    public List<KeyValuePair<YamlScalar, YamlScalar>> Headers { get; } = [];

    public YamlScalar? RateLimitClass { get; set; }
}
