using System.Collections.Frozen;
using Gateway.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Identity;

/// <summary>One trusted issuer as the hot path reads it: its checks, prebuilt, and its key manager.</summary>
internal sealed class IssuerRuntime
{
    private sealed record ParametersForKeys(IssuerKeySet Keys, TokenValidationParameters Parameters);

    private ParametersForKeys? _parameters;

    public IssuerRuntime(IssuerOptions options, IssuerKeyManager keys)
    {
        Options = options;
        Name = options.Name;
        Issuer = options.Issuer;
        Audiences = options.Audiences.ToArray();
        Algorithms = (options.Algorithms.Count == 0 ? GatewayConfigLoader.DefaultAlgorithms : options.Algorithms)
            .ToFrozenSet(StringComparer.Ordinal);
        ClockSkew = options.ClockSkew;
        MaxLifetime = options.MaxTokenLifetime;
        RequiredClaims = options.RequiredClaims.ToArray();
        TrustDomains = options.TrustDomains.ToFrozenSet(StringComparer.Ordinal);
        Keys = keys;
        EdDsaParameters = Base();
        EdDsaParameters.SignatureValidator = static (token, _) => new JsonWebToken(token);
    }

    /// <summary>What the user wrote, to tell on reload whether this issuer changed.</summary>
    public IssuerOptions Options { get; }

    public string Name { get; }
    public string Issuer { get; }
    public string[] Audiences { get; }
    public FrozenSet<string> Algorithms { get; }
    public TimeSpan ClockSkew { get; }
    public TimeSpan MaxLifetime { get; }
    public string[] RequiredClaims { get; }
    public FrozenSet<string> TrustDomains { get; }
    public IssuerKeyManager Keys { get; }

    /// <summary>Parameters for tokens whose Ed25519 signature the gateway has already verified with NSec.</summary>
    public TokenValidationParameters EdDsaParameters { get; }

    /// <summary>Validation parameters bound to this key set (rebuilt only when the key set changes).</summary>
    public TokenValidationParameters ParametersFor(IssuerKeySet keys)
    {
        var p = Volatile.Read(ref _parameters);
        if (p is not null && ReferenceEquals(p.Keys, keys))
        {
            return p.Parameters;
        }

        var tvp = Base();
        tvp.IssuerSigningKeys = keys.SecurityKeys;
        tvp.ValidAlgorithms = Algorithms.Where(a => a != "EdDSA").ToArray();
        tvp.TryAllIssuerSigningKeys = true;
        Volatile.Write(ref _parameters, new ParametersForKeys(keys, tvp));
        return tvp;
    }

    private TokenValidationParameters Base() => new()
    {
        ValidIssuer = Issuer,
        ValidateIssuer = true,
        ValidAudiences = Audiences,
        ValidateAudience = true,
        // Lifetime is checked by the gateway itself, with its TimeProvider and its own reason codes.
        ValidateLifetime = false,
        RequireExpirationTime = false,
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = false,
        SaveSigninToken = false,
        ValidateTokenReplay = false,
        ClockSkew = ClockSkew,
    };
}
