using PolicyCore.Model;

namespace PolicyCore.Compilation;

/// <summary>The requirement names of the language, what an identity meets, and the reason code of an unmet one.</summary>
internal static class RequirementNames
{
    public const string SenderConstrained = "sender_constrained";

    /// <summary>Every name <c>require</c> accepts (for "did you mean" hints).</summary>
    public static readonly string[] All = [SenderConstrained];

    public static bool TryParse(string name, out RequirementFlags flag)
    {
        flag = name switch
        {
            SenderConstrained => RequirementFlags.SenderConstrained,
            _ => RequirementFlags.None,
        };
        return flag != RequirementFlags.None;
    }

    /// <summary>The requirements this identity meets. Allocation-free.</summary>
    public static RequirementFlags Met(PolicyIdentity identity)
        => identity.SenderConstrained ? RequirementFlags.SenderConstrained : RequirementFlags.None;

    /// <summary>The reason code for a deny because of these unmet requirements (the first one decides).</summary>
    public static DecisionReason Reason(RequirementFlags unmet)
    {
        _ = unmet; // one requirement exists today; a new one adds its own reason here, first bit first
        return DecisionReason.SenderConstraintRequired;
    }

    public static string[] ToNames(RequirementFlags flags)
    {
        var names = new List<string>(1);
        if ((flags & RequirementFlags.SenderConstrained) != 0)
        {
            names.Add(SenderConstrained);
        }

        return [.. names];
    }

    /// <summary>Why an identity does not meet these requirements, for explanations.</summary>
    public static string DescribeUnmet(RequirementFlags unmet)
        => (unmet & RequirementFlags.SenderConstrained) != 0
            ? "the credential is not sender-constrained (a plain bearer credential; needs mTLS, a certificate-bound or a DPoP-bound token)"
            : "";
}
