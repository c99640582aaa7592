namespace PolicyCore.Syntax;

/// <summary><c>when.time</c>: days of the week, an hour range <c>from</c>–<c>to</c> and an IANA time zone.</summary>
internal sealed class TimeWindowSyntax(SourcePosition position)
{
    public SourcePosition Position { get; } = position;

    public IReadOnlyList<YamlScalar> Days { get; set; } = [];

    public YamlScalar? From { get; set; }

    public YamlScalar? To { get; set; }

    public YamlScalar? TimeZone { get; set; }
}
