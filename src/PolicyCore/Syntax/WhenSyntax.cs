namespace PolicyCore.Syntax;

/// <summary>
/// A condition block: the rule's <c>when</c>, a <c>not</c>/<c>any</c>/<c>all</c> operand, a role grant or an identity
/// alias (the last two accept identity fields only). All present conditions must hold; each list is any-of.
/// </summary>
internal sealed class WhenSyntax(SourcePosition position)
{
    public SourcePosition Position { get; } = position;

    public IReadOnlyList<YamlScalar> Subjects { get; set; } = [];

    public IReadOnlyList<YamlScalar> SpiffeIds { get; set; } = [];

    public IReadOnlyList<YamlScalar> TrustDomains { get; set; } = [];

    public IReadOnlyList<YamlScalar> Issuers { get; set; } = [];

    public IReadOnlyList<YamlScalar> AuthMethods { get; set; } = [];

    public List<ClaimConditionSyntax> Claims { get; } = [];

    /// <summary><c>roles</c>: the identity holds any of these roles (version 2).</summary>
    public IReadOnlyList<YamlScalar> Roles { get; set; } = [];

    /// <summary><c>identities</c>: the identity is any of these aliases (version 2).</summary>
    public IReadOnlyList<YamlScalar> Identities { get; set; } = [];

    public List<LabelConditionSyntax> Labels { get; } = [];

    public List<AttributeConditionSyntax> Attributes { get; } = [];

    public TimeWindowSyntax? Time { get; set; }

    public List<ValueConditionSyntax> Headers { get; } = [];

    public List<ValueConditionSyntax> Query { get; } = [];

    /// <summary><c>sender_constrained: true|false</c>: whether the credential is bound to its holder (version 2).</summary>
    public YamlScalar? SenderConstrained { get; set; }

    public WhenSyntax? Not { get; set; }

    /// <summary>Null when absent; <see cref="AnyPosition"/> is the key's position.</summary>
    public List<WhenSyntax>? Any { get; set; }

    public SourcePosition AnyPosition { get; set; }

    public List<WhenSyntax>? All { get; set; }

    public SourcePosition AllPosition { get; set; }

    /// <summary>True when a field was present but unusable (already reported); suppresses "empty" diagnostics.</summary>
    public bool HadError { get; set; }

    public bool IsEmpty =>
        Subjects.Count == 0 && SpiffeIds.Count == 0 && TrustDomains.Count == 0 && Issuers.Count == 0
        && AuthMethods.Count == 0 && Claims.Count == 0 && Roles.Count == 0 && Identities.Count == 0 && Labels.Count == 0
        && Attributes.Count == 0 && Time is null && SenderConstrained is null && Headers.Count == 0 && Query.Count == 0 && Not is null && Any is null
        && All is null;
}
