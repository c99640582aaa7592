using LoadTool.Cli;

namespace LoadTool.Identity;

/// <summary>The tokens a run rotates through (valid ones) and one prepared credential per bad kind in use.</summary>
internal sealed class CredentialSet
{
    private CredentialSet(string[] valid, IReadOnlyDictionary<BadCredentialKind, string?> bad)
    {
        Valid = valid;
        Bad = bad;
        BadKinds = [.. bad.Keys.Order()];
    }

    /// <summary>Valid tokens, rotated across requests. Empty when no credentials were configured.</summary>
    public string[] Valid { get; }

    /// <summary>Bad kind → its token (null for <see cref="BadCredentialKind.NoToken"/>; a valid token for ForbiddenPath).</summary>
    public IReadOnlyDictionary<BadCredentialKind, string?> Bad { get; }

    /// <summary>The kinds mixed in, in a fixed order; bad requests cycle through them evenly.</summary>
    public BadCredentialKind[] BadKinds { get; }

    public static CredentialSet None { get; } = new([], new Dictionary<BadCredentialKind, string?>());

    public static CredentialSet Build(LoadToolOptions o, TimeProvider? time = null)
    {
        var now = (time ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        string[] valid;
        var bad = new Dictionary<BadCredentialKind, string?>();
        if (o.SignKeyFile is not null)
        {
            var minter = new TokenMinter(SigningKeyLoader.Load(o.SignKeyFile), o.Issuer, o.Audience, o.Claims);
            valid = new string[o.Identities];
            for (var i = 0; i < valid.Length; i++)
            {
                valid[i] = minter.Mint(TokenMinter.Subject(o.SubjectTemplate, o.TrustDomain, i), now.AddSeconds(-5), now + o.TokenLifetime);
            }

            var sub0 = TokenMinter.Subject(o.SubjectTemplate, o.TrustDomain, 0);
            bad[BadCredentialKind.Expired] = minter.Mint(sub0, now.AddHours(-2), now.AddHours(-1));
            bad[BadCredentialKind.WrongAudience] = minter.Mint(sub0, now.AddSeconds(-5), now + o.TokenLifetime, "not-" + o.Audience);
        }
        else if (o.TokenFile is not null)
        {
            try
            {
                valid = [.. File.ReadAllLines(o.TokenFile).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];
            }
            catch (IOException ex)
            {
                throw new CommandLineException($"--token-file '{o.TokenFile}': {ex.Message}");
            }

            if (valid.Length == 0)
            {
                throw new CommandLineException($"--token-file '{o.TokenFile}': no tokens (one per line)");
            }
        }
        else
        {
            return None;
        }

        bad[BadCredentialKind.BadSignature] = TokenMinter.SpoilSignature(valid[0]);
        bad[BadCredentialKind.NoToken] = null;
        if (o.ForbiddenPath is not null)
        {
            bad[BadCredentialKind.ForbiddenPath] = valid[0];
        }

        return new CredentialSet(valid, bad);
    }
}
