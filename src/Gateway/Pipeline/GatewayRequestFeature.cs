using Gateway.Identity;
using PolicyCore.Model;

namespace Gateway.Pipeline;

/// <summary>What the gateway learned about one request, stage by stage; read by the audit record and transforms.</summary>
internal sealed class GatewayRequestFeature
{
    public long StartTimestamp { get; init; }
    public string? CanonicalPath { get; set; }
    public string? RouteId { get; set; }
    public WorkloadIdentity? Identity { get; set; }
    public AuthResult Auth { get; set; }
    public Decision? Decision { get; set; }
    /// <summary>The reason code of the outcome: a rejection, an authentication failure, a decision, an upstream error.</summary>
    public string? Reason { get; set; }
    public string Outcome { get; set; } = "reject";
    public double AuthSeconds { get; set; }
    public double PolicySeconds { get; set; }
    /// <summary>When forwarding began (0 when the request was not forwarded).</summary>
    public long UpstreamStartTimestamp { get; set; }
}
