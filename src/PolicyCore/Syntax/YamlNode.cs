namespace PolicyCore.Syntax;

/// <summary>A node of the YAML tree as written, with its position. Built from parser events, so every node has one.</summary>
internal abstract class YamlNode(SourcePosition position)
{
    public SourcePosition Position { get; } = position;

    /// <summary>"a scalar", "a list", "a mapping": for messages.</summary>
    public abstract string KindName { get; }
}
