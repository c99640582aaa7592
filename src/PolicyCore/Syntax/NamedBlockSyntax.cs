namespace PolicyCore.Syntax;

/// <summary>
/// A top-level named definition: a role (<c>roles.NAME</c>, any of its <see cref="Grants"/>) or an identity alias
/// (<c>identities.NAME</c>, exactly one grant: the alias's own fields).
/// </summary>
internal sealed class NamedBlockSyntax(string file, YamlScalar name)
{
    public string File { get; } = file;

    public YamlScalar Name { get; } = name;

    public YamlScalar? Description { get; set; }

    public List<WhenSyntax> Grants { get; } = [];

    /// <summary>Position of the <c>grants</c> key (roles), or the name.</summary>
    public SourcePosition GrantsPosition { get; set; }

    public bool HadError { get; set; }
}
