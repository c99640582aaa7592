using System.Diagnostics.CodeAnalysis;
using PolicyCore.Model;

namespace PolicyCore.Compilation;

/// <summary>
/// An identity attribute named in an attribute condition: <c>subject</c>, <c>issuer</c>, <c>trust_domain</c>,
/// <c>auth_method</c>, <c>spiffe_id</c>, <c>spiffe.NAME</c> (a segment of the <c>spiffe_path</c> layout) or
/// <c>claim.NAME</c> (a claim with exactly one value). Reading allocates nothing.
/// </summary>
internal sealed class AttributeSource
{
    private readonly AttributeKind _kind;
    private readonly string? _claim;
    private readonly SpiffePathLayout? _layout;
    private readonly int _segment;

    private AttributeSource(string text, AttributeKind kind, string? claim, SpiffePathLayout? layout, int segment)
    {
        Text = text;
        _kind = kind;
        _claim = claim;
        _layout = layout;
        _segment = segment;
    }

    public string Text { get; }

    /// <summary>Case-insensitive comparison for trust domains (as elsewhere), ordinal otherwise.</summary>
    public StringComparison Comparison => _kind == AttributeKind.TrustDomain ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    public static bool TryParse(string text, SpiffePathLayout? layout, [NotNullWhen(true)] out AttributeSource? source, [NotNullWhen(false)] out string? error)
    {
        source = null;
        error = null;
        switch (text)
        {
            case "subject": source = new(text, AttributeKind.Subject, null, null, -1); return true;
            case "issuer": source = new(text, AttributeKind.Issuer, null, null, -1); return true;
            case "trust_domain": source = new(text, AttributeKind.TrustDomain, null, null, -1); return true;
            case "auth_method": source = new(text, AttributeKind.AuthMethod, null, null, -1); return true;
            case "spiffe_id": source = new(text, AttributeKind.SpiffeId, null, null, -1); return true;
        }

        if (text.StartsWith("claim.", StringComparison.Ordinal) && text.Length > 6)
        {
            var name = text[6..];
            foreach (var c in name)
            {
                if (char.IsWhiteSpace(c) || char.IsControl(c))
                {
                    error = "a claim name has no spaces or control characters";
                    return false;
                }
            }

            source = new(text, AttributeKind.Claim, name, null, -1);
            return true;
        }

        if (text.StartsWith("spiffe.", StringComparison.Ordinal) && text.Length > 7)
        {
            var name = text[7..];
            if (layout is null)
            {
                error = $"'{text}' reads a SPIFFE path segment, but no file declares 'spiffe_path' to name the segments";
                return false;
            }

            var index = layout.IndexOf(name);
            if (index < 0)
            {
                error = $"the spiffe_path layout '{layout.Text}' has no segment named '{name}' (it has: {string.Join(", ", layout.SegmentNames)})";
                return false;
            }

            source = new(text, AttributeKind.SpiffeSegment, null, layout, index);
            return true;
        }

        error = $"unknown identity attribute '{text}'";
        return false;
    }

    /// <summary>The attribute's value, or false when the identity does not have it (cannot be evaluated).</summary>
    public bool TryRead(PolicyIdentity identity, out ReadOnlySpan<char> value)
    {
        string? text;
        switch (_kind)
        {
            case AttributeKind.Subject: text = identity.Subject; break;
            case AttributeKind.Issuer: text = identity.Issuer; break;
            case AttributeKind.TrustDomain: text = identity.TrustDomain; break;
            case AttributeKind.AuthMethod: text = identity.AuthMethod; break;
            case AttributeKind.SpiffeId: text = identity.SpiffeId; break;
            case AttributeKind.Claim:
                text = identity.Claims.TryGetValue(_claim!, out var values) && values is { Length: 1 } ? values[0] : null;
                break;
            case AttributeKind.SpiffeSegment:
                return _layout!.TryGetSegment(identity.SpiffeId, _segment, out value);
            default:
                text = null;
                break;
        }

        value = text;
        return text is not null;
    }

    public override string ToString() => Text;

    private enum AttributeKind : byte
    {
        Subject,
        Issuer,
        TrustDomain,
        AuthMethod,
        SpiffeId,
        Claim,
        SpiffeSegment,
    }
}
