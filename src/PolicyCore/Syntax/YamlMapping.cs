namespace PolicyCore.Syntax;

internal sealed class YamlMapping(SourcePosition position, IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> entries)
    : YamlNode(position)
{
    /// <summary>Entries in document order; keys are unique (duplicates are reported and dropped by the reader).</summary>
    public IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> Entries { get; } = entries;

    public override string KindName => "a mapping";
}
