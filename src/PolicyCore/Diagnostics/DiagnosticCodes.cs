namespace PolicyCore.Diagnostics;

/// <summary>Stable diagnostic codes. Never renumber or reuse a code; add new ones at the end of their range.</summary>
public static class DiagnosticCodes
{
    /// <summary>The file is not valid YAML.</summary>
    public const string YamlSyntax = "PC1001";
    /// <summary>The file is missing or cannot be read.</summary>
    public const string FileUnreadable = "PC1002";
    /// <summary>A required field is missing or empty.</summary>
    public const string MissingField = "PC1003";
    /// <summary>A field name is not part of the language.</summary>
    public const string UnknownField = "PC1004";
    /// <summary>A value has the wrong shape (scalar, list or mapping expected).</summary>
    public const string WrongType = "PC1005";
    /// <summary>The effect is not <c>allow</c> or <c>deny</c>.</summary>
    public const string InvalidEffect = "PC1006";
    /// <summary>Two rules share an id (across all files loaded together).</summary>
    public const string DuplicateRuleId = "PC1007";
    /// <summary>A path pattern is malformed.</summary>
    public const string InvalidPathPattern = "PC1008";
    /// <summary>A subject, SPIFFE id, trust domain, issuer or auth method pattern is malformed.</summary>
    public const string InvalidIdentityPattern = "PC1009";
    /// <summary>An HTTP method is not a token of letters.</summary>
    public const string InvalidMethod = "PC1010";
    /// <summary>A route id is empty, or unknown to the gateway's route table.</summary>
    public const string UnknownRoute = "PC1011";
    /// <summary>The <c>version</c> is not supported.</summary>
    public const string UnsupportedVersion = "PC1012";
    /// <summary>A rule id has characters outside <c>[A-Za-z0-9._-]</c> or is too long.</summary>
    public const string InvalidRuleId = "PC1013";
    /// <summary>A host pattern is malformed.</summary>
    public const string InvalidHostPattern = "PC1014";
    /// <summary>A claim condition needs a name and exactly one of equals / contains / contains_any.</summary>
    public const string InvalidClaimCondition = "PC1015";
    /// <summary>The input is larger or more deeply nested than allowed.</summary>
    public const string InputLimitExceeded = "PC1016";
    /// <summary>A mapping has the same key twice.</summary>
    public const string DuplicateKey = "PC1017";
    /// <summary>A YAML feature the policy language does not accept (aliases, several documents, complex keys).</summary>
    public const string UnsupportedYaml = "PC1018";
    /// <summary>A construct of version 2 (roles, identities, labels, attributes, time, headers, query, not/any/all, mode,
    /// obligations, spiffe_path) in a <c>version: 1</c> file.</summary>
    public const string RequiresVersionTwo = "PC1019";
    /// <summary>A rule or role names a role that no file defines.</summary>
    public const string UnknownRole = "PC1020";
    /// <summary>A rule or role names an identity alias that no file defines.</summary>
    public const string UnknownIdentity = "PC1021";
    /// <summary>Roles refer to each other in a cycle.</summary>
    public const string RoleCycle = "PC1022";
    /// <summary>Two roles, or two identity aliases, share a name (across all files loaded together).</summary>
    public const string DuplicateName = "PC1023";
    /// <summary>A role, identity alias, label or SPIFFE segment name is malformed.</summary>
    public const string InvalidName = "PC1024";
    /// <summary>A role or identity alias selects nobody or everybody (no grants, an empty grant).</summary>
    public const string EmptySelector = "PC1025";
    /// <summary>An attribute condition is malformed: unknown identity attribute, unknown SPIFFE segment, operator count.</summary>
    public const string InvalidAttributeCondition = "PC1026";
    /// <summary>The <c>spiffe_path</c> layout is malformed, or two files declare different layouts.</summary>
    public const string InvalidSpiffePath = "PC1027";
    /// <summary>A time window is malformed: day, hour or unknown time zone.</summary>
    public const string InvalidTimeWindow = "PC1028";
    /// <summary>A header or query condition is malformed (name, operator).</summary>
    public const string InvalidRequestCondition = "PC1029";
    /// <summary>A condition or obligation names an identity header (Authorization, Cookie, X-Workload-*, ...).</summary>
    public const string IdentityHeaderRefused = "PC1030";
    /// <summary>A <c>mode</c> is not <c>enforce</c> or <c>shadow</c>.</summary>
    public const string InvalidMode = "PC1031";
    /// <summary>Obligations are malformed, or attached to a deny rule.</summary>
    public const string InvalidObligations = "PC1032";
    /// <summary>A <c>not</c>/<c>any</c>/<c>all</c> is empty or nested too deeply.</summary>
    public const string InvalidCombinator = "PC1033";
    /// <summary>A label condition is malformed (no values, empty value).</summary>
    public const string InvalidLabelCondition = "PC1034";
    /// <summary>A <c>require</c> names a requirement the language does not know (only <c>sender_constrained</c> exists).</summary>
    public const string UnknownRequirement = "PC1035";
    /// <summary>A deny rule has <c>require</c>: unbound credentials would escape the deny; the condition belongs in <c>when</c>.</summary>
    public const string RequirementOnDeny = "PC1036";

    /// <summary>Warning: a rule has no <c>when</c> conditions, so it matches every authenticated identity.</summary>
    public const string RuleWithoutConditions = "PC2001";
    /// <summary>Warning: a file has no rules.</summary>
    public const string EmptyRules = "PC2002";
    /// <summary>Warning: an auth method the gateway does not produce (jwt, mtls, api_key).</summary>
    public const string UnknownAuthMethod = "PC2003";
    /// <summary>Warning: an enforced allow rule can never decide: a broader enforced deny covers every request it matches.</summary>
    public const string UnreachableRule = "PC2004";
    /// <summary>Warning: a role or identity alias is defined but no rule or role uses it.</summary>
    public const string UnusedDefinition = "PC2005";
}
