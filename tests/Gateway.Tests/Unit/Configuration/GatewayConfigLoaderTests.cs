using Gateway.Configuration;

namespace Gateway.Tests.Unit.Configuration;

public sealed class GatewayConfigLoaderTests : IDisposable
{
    private readonly ConfigFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static ConfigDiagnostic[] Errors(LoadedConfig config) => config.Diagnostics.Where(d => !d.IsWarning).ToArray();

    /// <summary>Loads the config and returns its one error, checking the file and position.</summary>
    private ConfigDiagnostic LoadSingleError(int line, int column, string messagePart)
    {
        var config = GatewayConfigLoader.Load(_folder.Write());

        var error = Assert.Single(Errors(config));
        Assert.Equal(_folder.ConfigFile, error.File);
        Assert.Contains(messagePart, error.Message, StringComparison.Ordinal);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.True(config.HasErrors);
        return error;
    }

    [Fact]
    public void Load_ValidConfig_HasNoDiagnostics()
    {
        var config = GatewayConfigLoader.Load(_folder.Write());

        Assert.Empty(config.Diagnostics);
        Assert.False(config.HasErrors);
        Assert.NotNull(config.Policy);
        Assert.Equal(1, config.Policy!.RuleCount);
        Assert.Equal(_folder.ConfigFile, config.ConfigFile);
        Assert.Equal(_folder.Directory, config.ConfigDirectory);
        Assert.Equal([_folder.PolicyFile], config.PolicyFiles);
        Assert.Equal(new HashSet<string> { "orders", "inventory" }, config.RouteIds.ToHashSet());
    }

    [Fact]
    public void Load_ValidConfig_BindsOptions()
    {
        var options = GatewayConfigLoader.Load(_folder.Write()).Options;

        var issuer = Assert.Single(options.Issuers);
        Assert.Equal("main", issuer.Name);
        Assert.Equal("https://issuer.example", issuer.Issuer);
        Assert.Equal(["gateway"], issuer.Audiences);
        Assert.Equal("jwks.json", issuer.JwksFile);
        Assert.Equal(["ES256", "RS256"], issuer.Algorithms);
        Assert.Equal(TimeSpan.FromSeconds(30), issuer.ClockSkew);
        Assert.Equal(TimeSpan.FromHours(1), issuer.MaxTokenLifetime);
        Assert.Equal(["demo.local"], issuer.TrustDomains);
        Assert.Equal(TimeSpan.FromMinutes(1), issuer.RefreshInterval);
        Assert.Equal("http://127.0.0.1:8080", options.Listen.Public);
        Assert.False(options.DevIssuer.Enabled);
        Assert.Equal(100000, options.TokenCache.MaxEntries);
    }

    [Fact]
    public void Load_ConfigWithUtf8ByteOrderMark_HasNoDiagnostics()
    {
        File.WriteAllText(_folder.ConfigFile, _folder.Config, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        var config = GatewayConfigLoader.Load(_folder.ConfigFile);

        Assert.Empty(config.Diagnostics);
    }

    [Fact]
    public void Load_ConfigFileMissing_ReportsItAtLineOne()
    {
        var missing = Path.Combine(_folder.Directory, "nope.json");

        var config = GatewayConfigLoader.Load(missing);

        var error = Assert.Single(config.Diagnostics);
        Assert.Equal((missing, 1, 1), (error.File, error.Line, error.Column));
        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
        Assert.Null(config.Policy);
    }

    [Fact]
    public void Load_JsonSyntaxError_ReportsErrorPositionOnly()
    {
        // Line 10 loses its comma: the reader fails at the next property, line 11 column 9.
        _folder.Replace("\"Name\": \"main\",", "\"Name\": \"main\"");

        var error = LoadSingleError(11, 9, "config is not valid JSON");

        Assert.DoesNotContain("Path:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_JsonSyntaxErrorUnclosedString_ReportsItsLine()
    {
        _folder.Replace("\"Sink\": \"stdout\"", "\"Sink\": \"stdout");

        var config = GatewayConfigLoader.Load(_folder.Write());

        var error = Assert.Single(config.Diagnostics);
        Assert.Equal(_folder.ConfigFile, error.File);
        Assert.Equal(23, error.Line);
        Assert.Null(config.Policy);
    }

    [Fact]
    public void Load_JsonWithCommentsAndTrailingCommas_IsAccepted()
    {
        _folder.Replace("\"TokenCache\": { \"MaxEntries\": 100000 }", "\"TokenCache\": { \"MaxEntries\": 100000, }, // cache");

        var config = GatewayConfigLoader.Load(_folder.Write());

        Assert.Empty(config.Diagnostics);
    }

    [Fact]
    public void Load_UnknownPropertyUnderGateway_ReportsErrorNamingIt()
    {
        _folder.Replace("\"Forwarding\":", "\"Forwardin\":");

        var config = GatewayConfigLoader.Load(_folder.Write());

        var error = Assert.Single(Errors(config), d => d.Message.Contains("'Forwardin'", StringComparison.Ordinal));
        Assert.Equal(_folder.ConfigFile, error.File);
    }

    [Fact]
    public void Load_UnknownPropertyUnderGateway_ReportsPositionOfThatProperty()
    {
        _folder.Replace("\"Forwarding\":", "\"Forwardin\":");

        LoadSingleError(24, 5, "'Forwardin'");
    }

    [Fact]
    public void Load_UnknownPropertyUnderGateway_ReportsNoOtherError()
    {
        _folder.Replace("\"Forwarding\":", "\"Forwardin\":");

        var config = GatewayConfigLoader.Load(_folder.Write());

        var error = Assert.Single(Errors(config));
        Assert.Contains("'Forwardin'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnparsableClockSkew_ReportsPositionOfThatProperty()
    {
        _folder.Replace("\"ClockSkew\": \"00:00:30\"", "\"ClockSkew\": \"thirty seconds\"");

        LoadSingleError(15, 9, "ClockSkew");
    }

    [Fact]
    public void Load_UnknownPropertyInIssuer_ReportsItsNameAndPosition()
    {
        _folder.Replace("\"Audiences\":", "\"Audience\":");

        var config = GatewayConfigLoader.Load(_folder.Write());

        // The misspelt key is named at its own position (with a hint); that the issuer then has no audiences is a
        // true second error, reported in the same pass.
        Assert.Contains(Errors(config), d => d.Line == 12 && d.Column == 9 && d.Message.Contains("'Audience'", StringComparison.Ordinal)
            && d.Message.Contains("did you mean 'Audiences'", StringComparison.Ordinal));
        Assert.Contains(Errors(config), d => d.Message.Contains("at least one non-empty audience", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("empty list", "\"Audiences\": [ ],", 12, 9)]
    [InlineData("blank audience", "\"Audiences\": [ \"gateway\", \" \" ],", 12, 9)]
    [InlineData("property left out: points at the issuer", "", 9, 7)]
    public void Load_IssuerWithoutAudiences_ReportsAudiences(string name, string line12, int line, int column)
    {
        _ = name;
        _folder.Replace("\"Audiences\": [ \"gateway\" ],", line12);

        LoadSingleError(line, column, "at least one non-empty audience");
    }

    [Theory]
    [InlineData("file and URL", "\"JwksFile\": \"jwks.json\", \"JwksUrl\": \"https://issuer.example/jwks\",")]
    [InlineData("file and discovery", "\"JwksFile\": \"jwks.json\", \"Discovery\": \"https://issuer.example/.well-known/openid-configuration\",")]
    [InlineData("none", "")]
    public void Load_IssuerWithoutExactlyOneKeySource_ReportsAtIssuer(string name, string line13)
    {
        _ = name;
        _folder.Replace("\"JwksFile\": \"jwks.json\",", line13);

        LoadSingleError(9, 7, "exactly one key source");
    }

    [Fact]
    public void Load_JwksFileMissing_ReportsJwksFile()
    {
        _folder.Replace("\"JwksFile\": \"jwks.json\",", "\"JwksFile\": \"other.json\",");

        LoadSingleError(13, 9, "JWKS file 'other.json' not found");
    }

    [Theory]
    [InlineData("none", "[ \"ES256\", \"none\" ]", 34, "algorithm 'none' is never accepted")]
    [InlineData("NONE upper case", "[ \"ES256\", \"NONE\" ]", 34, "algorithm 'none' is never accepted")]
    [InlineData("HS256", "[ \"HS256\" ]", 25, "(HMAC) is refused")]
    [InlineData("hs512 lower case", "[ \"hs512\" ]", 25, "(HMAC) is refused")]
    [InlineData("unknown", "[ \"ES257\" ]", 25, "unknown algorithm 'ES257'")]
    [InlineData("wrong case of a known one", "[ \"es256\" ]", 25, "unknown algorithm 'es256'")]
    public void Load_RefusedAlgorithm_ReportsThatListEntry(string name, string list, int column, string messagePart)
    {
        _ = name;
        _folder.Replace("\"Algorithms\": [ \"ES256\", \"RS256\" ],", "\"Algorithms\": " + list + ",");

        LoadSingleError(14, column, messagePart);
    }

    [Theory]
    [InlineData("over five minutes", "00:05:01")]
    [InlineData("negative", "-00:00:01")]
    public void Load_ClockSkewOutOfRange_ReportsClockSkew(string name, string value)
    {
        _ = name;
        _folder.Replace("\"ClockSkew\": \"00:00:30\"", $"\"ClockSkew\": \"{value}\"");

        LoadSingleError(15, 9, "ClockSkew must be between");
    }

    [Theory]
    [InlineData("zero", "00:00:00")]
    [InlineData("negative", "-01:00:00")]
    [InlineData("over one day", "1.00:00:01")]
    public void Load_MaxTokenLifetimeOutOfRange_ReportsMaxTokenLifetime(string name, string value)
    {
        _ = name;
        _folder.Replace("\"MaxTokenLifetime\": \"01:00:00\"", $"\"MaxTokenLifetime\": \"{value}\"");

        LoadSingleError(16, 9, "MaxTokenLifetime must be more than zero");
    }

    [Fact]
    public void Load_ClockSkewAtFiveMinutesAndLifetimeAtOneDay_AreAccepted()
    {
        _folder.Replace("\"ClockSkew\": \"00:00:30\"", "\"ClockSkew\": \"00:05:00\"");
        _folder.Replace("\"MaxTokenLifetime\": \"01:00:00\"", "\"MaxTokenLifetime\": \"1.00:00:00\"");

        Assert.Empty(GatewayConfigLoader.Load(_folder.Write()).Diagnostics);
    }

    [Fact]
    public void Load_RefreshIntervalUnderOneSecond_ReportsRefreshInterval()
    {
        _folder.Replace("\"RefreshInterval\": \"00:01:00\"", "\"RefreshInterval\": \"00:00:00.5\"");

        LoadSingleError(19, 9, "RefreshInterval must be at least");
    }

    [Theory]
    [InlineData("JwksUrl", "\"JwksUrl\": \"http://issuer.example/jwks\",")]
    [InlineData("Discovery", "\"Discovery\": \"http://issuer.example/.well-known/openid-configuration\",")]
    public void Load_HttpKeyUrlWithoutAllowInsecureHttp_ReportsUrl(string name, string line13)
    {
        _ = name;
        _folder.Replace("\"JwksFile\": \"jwks.json\",", line13);

        LoadSingleError(13, 9, "uses plain HTTP");
    }

    [Fact]
    public void Load_HttpJwksUrlWithAllowInsecureHttp_IsAccepted()
    {
        _folder.Replace("\"JwksFile\": \"jwks.json\",", "\"JwksUrl\": \"http://127.0.0.1:5000/jwks\", \"AllowInsecureHttp\": true,");

        Assert.Empty(Errors(GatewayConfigLoader.Load(_folder.Write())));
    }

    [Theory]
    [InlineData("relative", "/jwks")]
    [InlineData("ftp", "ftp://issuer.example/jwks")]
    public void Load_JwksUrlNotHttp_ReportsUrl(string name, string url)
    {
        _ = name;
        _folder.Replace("\"JwksFile\": \"jwks.json\",", $"\"JwksUrl\": \"{url}\",");

        LoadSingleError(13, 9, "is not an absolute http(s) URL");
    }

    [Theory]
    [InlineData("upper case", "Demo.Local")]
    [InlineData("with scheme", "spiffe://demo.local")]
    [InlineData("with port", "demo.local:443")]
    [InlineData("empty", "")]
    public void Load_InvalidTrustDomain_ReportsThatListEntry(string name, string trustDomain)
    {
        _ = name;
        _folder.Replace("\"TrustDomains\": [ \"demo.local\" ],", $"\"TrustDomains\": [ \"{trustDomain}\" ],");

        LoadSingleError(18, 27, "is not a SPIFFE trust domain");
    }

    [Fact]
    public void Load_DuplicateIssuerNameIgnoringCase_ReportsSecondName()
    {
        // A second issuer on line 21; its Name at column 9.
        _folder.Replace("      }\n    ],", """
                  },
                  { "Name": "MAIN", "Issuer": "https://other.example", "Audiences": [ "gateway" ], "JwksFile": "jwks.json" }
                ],
            """);

        LoadSingleError(21, 9, "issuer name 'MAIN' is used twice");
    }

    [Fact]
    public void Load_DuplicateIssuerValue_ReportsSecondIssuer()
    {
        _folder.Replace("      }\n    ],", """
                  },
                  { "Name": "second", "Issuer": "https://issuer.example", "Audiences": [ "gateway" ], "JwksFile": "jwks.json" }
                ],
            """);

        LoadSingleError(21, 27, "issuer 'https://issuer.example' is configured twice");
    }

    [Fact]
    public void Load_NoIssuers_WarnsButHasNoError()
    {
        _folder.Config = System.Text.RegularExpressions.Regex.Replace(
            _folder.Config, "\"Issuers\": \\[.*?\\n    \\],", "\"Issuers\": [ ],", System.Text.RegularExpressions.RegexOptions.Singleline);

        var config = GatewayConfigLoader.Load(_folder.Write());

        var warning = Assert.Single(config.Diagnostics);
        Assert.True(warning.IsWarning);
        Assert.Contains("no token issuers", warning.Message, StringComparison.Ordinal);
        Assert.Equal((8, 5), (warning.Line, warning.Column));
        Assert.False(config.HasErrors);
    }

    [Theory]
    [InlineData("https public", "\"Public\": \"https://127.0.0.1:8080\"", 4, 7, "is not a listen URL")]
    [InlineData("path on public", "\"Public\": \"http://127.0.0.1:8080/x\"", 4, 7, "is not a listen URL")]
    [InlineData("not a URL", "\"Public\": \"127.0.0.1:8080\"", 4, 7, "is not a listen URL")]
    [InlineData("host name public", "\"Public\": \"http://gateway.example:8080\"", 4, 7, "listen on an IP address")]
    [InlineData("host name admin", "\"Admin\": \"http://gateway.example:9090\"", 5, 7, "listen on an IP address")]
    [InlineData("same port as public", "\"Admin\": \"http://127.0.0.1:8080\"", 5, 7, "different port")]
    [InlineData("same port, other address", "\"Admin\": \"http://0.0.0.0:8080\"", 5, 7, "different port")]
    public void Load_BadListenUrl_ReportsThatUrl(string name, string replacement, int line, int column, string messagePart)
    {
        _ = name;
        var property = replacement[..replacement.IndexOf(':')];
        var original = property == "\"Public\"" ? "\"Public\": \"http://127.0.0.1:8080\"" : "\"Admin\": \"http://127.0.0.1:9090\"";
        _folder.Replace(original, replacement);

        LoadSingleError(line, column, messagePart);
    }

    [Theory]
    [InlineData("localhost", "http://localhost:8081")]
    [InlineData("IPv6 loopback", "http://[::1]:8081")]
    [InlineData("any address", "http://0.0.0.0:8081")]
    [InlineData("ephemeral port on both", "http://127.0.0.1:0")]
    public void Load_GoodListenUrl_IsAccepted(string name, string url)
    {
        _ = name;
        _folder.Replace("\"Public\": \"http://127.0.0.1:8080\"", $"\"Public\": \"{url}\"");
        if (url.EndsWith(":0", StringComparison.Ordinal))
        {
            _folder.Replace("\"Admin\": \"http://127.0.0.1:9090\"", "\"Admin\": \"http://127.0.0.1:0\"");
        }

        Assert.Empty(GatewayConfigLoader.Load(_folder.Write()).Diagnostics);
    }

    [Fact]
    public void Load_ListenScheduling_DefaultsToInline()
    {
        Assert.Equal(IoScheduling.Inline, GatewayConfigLoader.Load(_folder.Write()).Options.Listen.Scheduling);
    }

    [Theory]
    [InlineData("inline")]
    [InlineData("threadpool")]
    public void Load_ListenSchedulingKnown_IsBound(string value)
    {
        _folder.Replace("\"Admin\": \"http://127.0.0.1:9090\"", $"\"Admin\": \"http://127.0.0.1:9090\", \"Scheduling\": \"{value}\"");

        var config = GatewayConfigLoader.Load(_folder.Write());

        Assert.Empty(config.Diagnostics);
        Assert.Equal(value, config.Options.Listen.Scheduling);
    }

    [Theory]
    [InlineData("Inline")]
    [InlineData("eventloop")]
    [InlineData("")]
    public void Load_ListenSchedulingUnknown_ReportedAtItsLine(string value)
    {
        _folder.Replace("\"Admin\": \"http://127.0.0.1:9090\"", $"\"Admin\": \"http://127.0.0.1:9090\",\n      \"Scheduling\": \"{value}\"");

        LoadSingleError(6, 7, $"Scheduling '{value}' is unknown: use inline or threadpool");
    }

    [Theory]
    // Line 23: "Audit": { "Sink": "stdout", "Capacity": 10000, "FullMode": "drop" }
    [InlineData("unknown sink", "\"Sink\": \"stdout\"", "\"Sink\": \"syslog\"", 16, "audit sink 'syslog' is unknown")]
    [InlineData("sink in wrong case", "\"Sink\": \"stdout\"", "\"Sink\": \"Stdout\"", 16, "audit sink 'Stdout' is unknown")]
    [InlineData("file sink without path: points at Audit", "\"Sink\": \"stdout\"", "\"Sink\": \"file\"", 5, "audit sink 'file' needs a Path")]
    [InlineData("zero capacity", "\"Capacity\": 10000", "\"Capacity\": 0", 34, "Capacity must be at least 1")]
    [InlineData("unknown full mode", "\"FullMode\": \"drop\"", "\"FullMode\": \"block\"", 53, "audit FullMode 'block' is unknown")]
    public void Load_BadAudit_ReportsAuditProperty(string name, string oldText, string newText, int column, string messagePart)
    {
        _ = name;
        _folder.Replace(oldText, newText);

        LoadSingleError(23, column, messagePart);
    }

    [Fact]
    public void Load_NegativeTokenCacheSize_ReportsMaxEntries()
    {
        _folder.Replace("\"MaxEntries\": 100000", "\"MaxEntries\": -1");

        LoadSingleError(25, 21, "TokenCache.MaxEntries must be 0");
    }

    [Fact]
    public void Load_RouteNamingUndefinedCluster_ReportsClusterId()
    {
        _folder.Replace(
            "\"ClusterId\": \"demo\",\n        \"Match\": { \"Path\": \"/orders",
            "\"ClusterId\": \"missing\",\n        \"Match\": { \"Path\": \"/orders");

        LoadSingleError(30, 9, "names cluster 'missing', which is not defined");
    }

    [Fact]
    public void Load_RouteWithoutMatch_ReportsRoute()
    {
        _folder.Replace("\"Match\": { \"Path\": \"/orders/{**rest}\" }", "\"Metadata\": { \"zone\": \"prod\" }");

        LoadSingleError(29, 7, "route 'orders' needs Match.Path or Match.Hosts");
    }

    [Fact]
    public void Load_DestinationWithoutAddress_ReportsDestination()
    {
        _folder.Replace("\"Address\": \"http://127.0.0.1:5081/\"", "\"Address\": \"127.0.0.1:5081\"");

        LoadSingleError(41, 19, "needs an absolute http(s) Address");
    }

    [Theory]
    [InlineData("AuthorizationPolicy", "\"default\"", "gateway's policy files")]
    [InlineData("AuthorizationPolicy", "\"anonymous\"", "gateway's policy files")]
    [InlineData("CorsPolicy", "\"default\"", "CORS")]
    [InlineData("RateLimiterPolicy", "\"fixed\"", "would not be limited")]
    [InlineData("OutputCachePolicy", "\"cache\"", "never caches")]
    [InlineData("TimeoutPolicy", "\"slow\"", "ActivityTimeout")]
    [InlineData("Timeout", "\"00:00:05\"", "ActivityTimeout")]
    public void Load_RouteSettingNeedingAnAspNetMiddleware_ReportedAtThatSetting(string setting, string value, string messagePart)
    {
        // These YARP settings need an ASP.NET Core middleware the gateway does not run: accepted, they would silently do
        // nothing (rate limiting, caching) or break every request of the route. Refused, at their position.
        _folder.Replace("\"Match\": { \"Path\": \"/orders/{**rest}\" }", $"\"{setting}\": {value}, \"Match\": {{ \"Path\": \"/orders/{{**rest}}\" }}");

        var config = GatewayConfigLoader.Load(_folder.Write());

        var error = Assert.Single(Errors(config));
        Assert.Equal(_folder.ConfigFile, error.File);
        Assert.Contains($"route 'orders': {setting} is not supported", error.Message, StringComparison.Ordinal);
        Assert.Contains(messagePart, error.Message, StringComparison.Ordinal);
        var line = File.ReadAllLines(_folder.ConfigFile)[error.Line - 1];
        Assert.Equal(line.IndexOf($"\"{setting}\"", StringComparison.Ordinal) + 1, error.Column);
    }

    [Fact]
    public void Load_OneLineConfig_RouteErrorKeptBesideAWarningOnTheSameLine()
    {
        // A minified config puts every diagnostic on line 1: an error must not be dropped as a duplicate of a warning.
        _folder.Config = System.Text.RegularExpressions.Regex.Replace(
            _folder.Config, "\"Issuers\": \\[.*?\\n    \\],", "\"Issuers\": [ ],", System.Text.RegularExpressions.RegexOptions.Singleline);
        _folder.Replace("\"Match\": { \"Path\": \"/orders/{**rest}\" }", "\"RateLimiterPolicy\": \"fixed\", \"Match\": { \"Path\": \"/orders/{**rest}\" }");
        _folder.Config = System.Text.Json.Nodes.JsonNode.Parse(_folder.Config)!.ToJsonString();

        var config = GatewayConfigLoader.Load(_folder.Write());

        Assert.Contains(config.Diagnostics, d => d.IsWarning && d.Line == 1);
        var error = Assert.Single(Errors(config));
        Assert.Contains("RateLimiterPolicy is not supported", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void Load_NoRoutes_ReportsReverseProxy()
    {
        _folder.Config = System.Text.RegularExpressions.Regex.Replace(
            _folder.Config, "\"Routes\": \\{.*?\\n    \\},", "\"Routes\": { },", System.Text.RegularExpressions.RegexOptions.Singleline);

        var config = GatewayConfigLoader.Load(_folder.Write());

        var error = Assert.Single(Errors(config), d => d.File == _folder.ConfigFile);
        Assert.Contains("no routes", error.Message, StringComparison.Ordinal);
        Assert.Equal((27, 3), (error.Line, error.Column));
        Assert.Empty(config.RouteIds);
        // The policy names route 'orders', which no longer exists: PolicyCore reports that against the policy file.
        Assert.Contains(Errors(config), d => d.File == _folder.PolicyFile && d.Message.StartsWith("PC1011", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_NoPolicyFiles_ReportsPolicies()
    {
        _folder.Replace("\"Policies\": [ \"policies/default.yaml\" ],", "\"Policies\": [ ],");

        var config = GatewayConfigLoader.Load(_folder.Write());

        LoadSingleError(22, 5, "no policy files");
        Assert.Null(config.Policy);
    }

    [Fact]
    public void Load_MissingPolicyFile_ReportsThatListEntry()
    {
        _folder.Replace("\"policies/default.yaml\"", "\"policies/missing.yaml\"");

        var error = LoadSingleError(22, 19, "policy file 'policies/missing.yaml' not found");

        Assert.Contains(Path.Combine(_folder.Directory, "policies", "missing.yaml"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PolicyFileWithError_KeepsPolicyFilePositionAndCode()
    {
        File.WriteAllText(_folder.PolicyFile, ConfigFolder.BasePolicy.Replace("effect: allow", "effect: permit", StringComparison.Ordinal));

        var config = GatewayConfigLoader.Load(_folder.Write());

        var error = Assert.Single(Errors(config));
        Assert.Equal(_folder.PolicyFile, error.File);
        Assert.Equal((4, 13), (error.Line, error.Column));
        Assert.StartsWith("PC1006: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("permit", error.Message, StringComparison.Ordinal);
        Assert.Contains("(hint: ", error.Message, StringComparison.Ordinal);
        Assert.Null(config.Policy);
    }

    [Fact]
    public void Load_PolicyNamingUnknownRoute_IsCheckedAgainstConfigRoutes()
    {
        File.WriteAllText(_folder.PolicyFile, ConfigFolder.BasePolicy.Replace("routes: [orders]", "routes: [payments]", StringComparison.Ordinal));

        var config = GatewayConfigLoader.Load(_folder.Write());

        var error = Assert.Single(Errors(config));
        Assert.Equal(_folder.PolicyFile, error.File);
        Assert.Equal((6, 16), (error.Line, error.Column));
        Assert.StartsWith("PC1011: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PolicyWarning_IsWarningNotError()
    {
        File.WriteAllText(_folder.PolicyFile, """
            version: 1
            rules:
              - id: everyone-reads-orders
                effect: allow
                match:
                  routes: [orders]

            """);

        var config = GatewayConfigLoader.Load(_folder.Write());

        var warning = Assert.Single(config.Diagnostics);
        Assert.True(warning.IsWarning);
        Assert.StartsWith("PC2001: ", warning.Message, StringComparison.Ordinal);
        Assert.Equal(_folder.PolicyFile, warning.File);
        Assert.False(config.HasErrors);
        Assert.NotNull(config.Policy);
    }

    [Fact]
    public void Load_SeveralErrors_ReportsAllInOneLoad()
    {
        _folder.Replace("\"Admin\": \"http://127.0.0.1:9090\"", "\"Admin\": \"http://127.0.0.1:8080\"");
        _folder.Replace("\"Audiences\": [ \"gateway\" ],", "\"Audiences\": [ ],");
        _folder.Replace("\"Algorithms\": [ \"ES256\", \"RS256\" ],", "\"Algorithms\": [ \"ES256\", \"none\" ],");
        _folder.Replace("\"ClockSkew\": \"00:00:30\"", "\"ClockSkew\": \"01:00:00\"");
        _folder.Replace("\"TrustDomains\": [ \"demo.local\" ],", "\"TrustDomains\": [ \"Demo.Local\" ],");
        _folder.Replace("\"Sink\": \"stdout\"", "\"Sink\": \"syslog\"");
        _folder.Replace("\"ClusterId\": \"demo\",\n        \"Match\": { \"Path\": \"/orders", "\"ClusterId\": \"nope\",\n        \"Match\": { \"Path\": \"/orders");
        File.WriteAllText(_folder.PolicyFile, ConfigFolder.BasePolicy.Replace("effect: allow", "effect: permit", StringComparison.Ordinal));

        var config = GatewayConfigLoader.Load(_folder.Write());

        var positions = Errors(config).Select(d => (Path.GetFileName(d.File), d.Line, d.Column)).OrderBy(p => p).ToArray();
        Assert.Equal(
            [
                ("default.yaml", 4, 13),
                ("gateway.json", 5, 7),
                ("gateway.json", 12, 9),
                ("gateway.json", 14, 34),
                ("gateway.json", 15, 9),
                ("gateway.json", 18, 27),
                ("gateway.json", 23, 16),
                ("gateway.json", 30, 9),
            ],
            positions);
    }

    [Fact]
    public void Load_Overrides_AreAppliedOverTheFile()
    {
        var config = GatewayConfigLoader.Load(_folder.Write(), [new("Gateway:Audit:Sink", "bogus")]);

        var error = Assert.Single(Errors(config));
        Assert.Contains("audit sink 'bogus'", error.Message, StringComparison.Ordinal);
        Assert.Equal((23, 16), (error.Line, error.Column));
    }

    [Fact]
    public void ConfigDiagnostic_ToString_IsCompilerStyle()
    {
        Assert.Equal("a.json:3:7: error: bad", new ConfigDiagnostic("a.json", 3, 7, "bad").ToString());
        Assert.Equal("a.json:1:1: warning: meh", new ConfigDiagnostic("a.json", 1, 1, "meh", IsWarning: true).ToString());
    }
}
