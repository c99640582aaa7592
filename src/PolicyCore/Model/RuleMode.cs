namespace PolicyCore.Model;

/// <summary>Whether a rule decides (<see cref="Enforce"/>) or is only evaluated and reported (<see cref="Shadow"/>).</summary>
public enum RuleMode : byte
{
    Enforce = 0,
    Shadow = 1,
}
