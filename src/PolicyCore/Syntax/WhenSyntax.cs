namespace PolicyCore.Syntax;

/// <summary>The <c>when</c> block: conditions on the identity. All present conditions must hold; each list is any-of.</summary>
internal sealed class WhenSyntax(SourcePosition position)
{
    public SourcePosition Position { get; } = position;

    public IReadOnlyList<YamlScalar> Subjects { get; set; } = [];

    public IReadOnlyList<YamlScalar> SpiffeIds { get; set; } = [];

    public IReadOnlyList<YamlScalar> TrustDomains { get; set; } = [];

    public IReadOnlyList<YamlScalar> Issuers { get; set; } = [];

    public IReadOnlyList<YamlScalar> AuthMethods { get; set; } = [];

    public List<ClaimConditionSyntax> Claims { get; } = [];

    public bool IsEmpty =>
        Subjects.Count == 0 && SpiffeIds.Count == 0 && TrustDomains.Count == 0 && Issuers.Count == 0
        && AuthMethods.Count == 0 && Claims.Count == 0;
}
