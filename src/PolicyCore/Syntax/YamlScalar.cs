namespace PolicyCore.Syntax;

internal sealed class YamlScalar(SourcePosition position, string value, bool isPlain) : YamlNode(position)
{
    public string Value { get; } = value;

    /// <summary>A plain (unquoted) scalar: <c>~</c>, <c>null</c> and the empty value are YAML nulls.</summary>
    public bool IsPlain { get; } = isPlain;

    public bool IsNull => IsPlain && (Value.Length == 0 || Value is "~" or "null" or "Null" or "NULL");

    public override string KindName => "a scalar";
}
