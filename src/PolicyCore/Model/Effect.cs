namespace PolicyCore.Model;

/// <summary>The effect of a rule or a decision.</summary>
public enum Effect : byte
{
    Deny = 0,
    Allow = 1,
}
