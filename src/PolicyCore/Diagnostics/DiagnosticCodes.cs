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

    /// <summary>Warning: a rule has no <c>when</c> conditions, so it matches every authenticated identity.</summary>
    public const string RuleWithoutConditions = "PC2001";
    /// <summary>Warning: a file has no rules.</summary>
    public const string EmptyRules = "PC2002";
    /// <summary>Warning: an auth method the gateway does not produce (jwt, mtls, api_key).</summary>
    public const string UnknownAuthMethod = "PC2003";
}
