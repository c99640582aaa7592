using LoadTool.Load;

namespace LoadTool.Cli;

/// <summary>What the user asked for on the command line, validated. Read-only once parsed.</summary>
internal sealed class LoadToolOptions
{
    public const string DefaultIssuer = "https://dev-issuer.gateway.local";
    public const string DefaultAudience = "gateway";
    public const string DefaultSubjectTemplate = "spiffe://{td}/ns/load/sa/w{i}";

    public List<TargetSpec> Targets { get; } = [];
    public List<string> Paths { get; } = [];
    public string Method { get; set; } = "GET";
    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public LoadMode Mode { get; set; } = LoadMode.Open;
    public double Rate { get; set; } = 1000;
    public double RateFrom { get; set; }
    public double RateTo { get; set; }
    public int Concurrency { get; set; } = 32;
    public int MaxInFlight { get; set; } = 2000;
    public TimeSpan Warmup { get; set; } = TimeSpan.FromSeconds(3);
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(10);
    public long? Requests { get; set; }
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
    public int Rounds { get; set; } = 1;
    public string? Baseline { get; set; }
    public int SpinMicroseconds { get; set; } = 100;

    public string? SignKeyFile { get; set; }
    public string Issuer { get; set; } = DefaultIssuer;
    public string Audience { get; set; } = DefaultAudience;
    public int Identities { get; set; } = 1;
    public string TrustDomain { get; set; } = "demo.local";
    public string SubjectTemplate { get; set; } = DefaultSubjectTemplate;
    public List<KeyValuePair<string, string>> Claims { get; } = [];
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(30);
    public string? TokenFile { get; set; }
    public double BadPercent { get; set; }
    public string? ForbiddenPath { get; set; }

    public string? ReportDirectory { get; set; }
    public List<string> Thresholds { get; } = [];
    public List<WatchSpec> Watches { get; } = [];
    public bool Quiet { get; set; }

    /// <summary>The command line as given (for reports).</summary>
    public string CommandLine { get; set; } = "";

    public string BaselineName => Baseline ?? Targets[0].Name;

    /// <summary>The mean requested rate of the measured phase (open and ramp), or null for closed loop.</summary>
    public double? RequestedRate => Mode switch
    {
        LoadMode.Open => Rate,
        LoadMode.Ramp => (RateFrom + RateTo) / 2,
        _ => null,
    };
}
