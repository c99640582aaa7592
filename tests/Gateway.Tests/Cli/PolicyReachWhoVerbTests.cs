using System.Text.Json;

namespace Gateway.Tests.Cli;

[Collection("Console")]
public sealed class PolicyReachWhoVerbTests
{
    private const string V2Policy = """
        version: 2
        spiffe_path: /ns/{namespace}/sa/{service_account}
        identities:
          stocker: { spiffe_ids: ["spiffe://demo.local/ns/shop/sa/stocker"] }
        roles:
          inventory-reader:
            grants:
              - identities: [stocker]
              - spiffe_ids: ["spiffe://demo.local/ns/ops/sa/*"]
        rules:
          - id: readers-read-inventory
            effect: allow
            match: { routes: [inventory], methods: [GET], paths: ["/inventory/**"] }
            when: { roles: [inventory-reader] }
          - id: batch-night-window
            effect: allow
            match: { routes: [inventory], methods: [POST] }
            when:
              spiffe_ids: ["spiffe://demo.local/ns/shop/sa/stocker"]
              time: { days: [mon-fri], from: "01:00", to: "05:00" }
          - id: same-namespace
            effect: allow
            match: { labels: { zone: prod }, methods: [GET] }
            when:
              attributes: [{ identity: spiffe.namespace, equals_label: namespace }]
          - id: no-admin
            effect: deny
            match: { paths: ["/inventory/admin/**"] }
        """;

    [Fact]
    public async Task Reach_ShippedPolicy_ListsRouteMethodsPathsAndCarveOut()
    {
        using var config = new CliConfig();

        var (exit, output, _) = await CliRun.RunAsync(
            "policy", "reach", "--config", config.ConfigFile, "--identity", "spiffe://demo.local/ns/shop/sa/frontend", "--claim", "scope=orders.read");

        Assert.Equal(0, exit);
        Assert.Contains("route orders  /orders/{**rest}  labels namespace=shop, zone=prod", output);
        Assert.Matches(@"allow GET, HEAD\s+/orders/\{id\}, /orders/\*\*\s+by frontend-reads-orders", output);
        Assert.Matches(@"except deny \*\s+/orders/admin/\*\*\s+by no-admin-paths", output);
        Assert.Contains("not reachable: inventory", output);
        Assert.Contains("1 of 2 route(s) reachable", output);
    }

    [Fact]
    public async Task Reach_WithoutRequiredClaim_ReachesNothing()
    {
        using var config = new CliConfig();

        var (exit, output, _) = await CliRun.RunAsync("policy", "reach", "--config", config.ConfigFile, "--identity", "spiffe://demo.local/ns/shop/sa/frontend");

        Assert.Equal(0, exit);
        Assert.Contains("0 of 2 route(s) reachable", output);
    }

    [Fact]
    public async Task Reach_RolesAliasesLabelsAndTimeWindow_MarksConditional()
    {
        using var config = new CliConfig(V2Policy);

        var (exit, output, _) = await CliRun.RunAsync(
            "policy", "reach", "--config", config.ConfigFile, "--identity", "spiffe://demo.local/ns/shop/sa/stocker", "--json");

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("inventory-reader", doc.RootElement.GetProperty("identity").GetProperty("roles")[0].GetString());
        var routes = doc.RootElement.GetProperty("routes").EnumerateArray().ToDictionary(r => r.GetProperty("route").GetString()!);
        var inventory = routes["inventory"].GetProperty("grants").EnumerateArray().ToDictionary(g => g.GetProperty("id").GetString()!);
        Assert.False(inventory["readers-read-inventory"].GetProperty("conditional").GetBoolean());
        Assert.True(inventory["batch-night-window"].GetProperty("conditional").GetBoolean());
        Assert.StartsWith("time:", inventory["batch-night-window"].GetProperty("dependsOn").GetString());
        Assert.True(inventory.ContainsKey("same-namespace"));
        Assert.True(routes.ContainsKey("orders")); // same namespace (shop) as both routes' label
        Assert.Equal("no-admin", routes["inventory"].GetProperty("denies")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Reach_OtherNamespace_OnlyThroughRole()
    {
        using var config = new CliConfig(V2Policy);

        var (_, output, _) = await CliRun.RunAsync("policy", "reach", "--config", config.ConfigFile, "--identity", "spiffe://demo.local/ns/ops/sa/auditor");

        Assert.Contains("by readers-read-inventory", output);
        Assert.DoesNotContain("by same-namespace", output);
        Assert.Contains("not reachable: orders", output);
    }

    [Fact]
    public async Task Who_ShippedPolicy_ListsIdentitiesAndDenies()
    {
        using var config = new CliConfig();

        var (exit, output, _) = await CliRun.RunAsync("policy", "who", "--config", config.ConfigFile, "--route", "orders");

        Assert.Equal(0, exit);
        Assert.Contains("allow frontend-reads-orders", output);
        Assert.Contains("spiffe_ids: [spiffe://demo.local/ns/shop/sa/frontend]", output);
        Assert.Contains("claims: scope contains orders.read", output);
        Assert.Contains("except deny no-admin-paths", output);
    }

    [Fact]
    public async Task Who_PathOutsideAdmin_HasNoDeny()
    {
        using var config = new CliConfig();

        var (_, output, _) = await CliRun.RunAsync("policy", "who", "--config", config.ConfigFile, "--route", "orders", "--method", "GET", "--path", "/orders/42");

        Assert.Contains("allow frontend-reads-orders", output);
        Assert.DoesNotContain("no-admin-paths", output);
    }

    [Fact]
    public async Task Who_MethodNotAllowed_Nobody()
    {
        using var config = new CliConfig();

        var (_, output, _) = await CliRun.RunAsync("policy", "who", "--config", config.ConfigFile, "--route", "orders", "--method", "DELETE");

        Assert.Contains("nobody", output);
    }

    [Fact]
    public async Task Who_Json_ExpandsRolesAndAliases()
    {
        using var config = new CliConfig(V2Policy);

        var (exit, output, _) = await CliRun.RunAsync("policy", "who", "--config", config.ConfigFile, "--route", "inventory", "--method", "GET", "--json");

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        var allow = doc.RootElement.GetProperty("allow").EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!);
        Assert.Equal(["readers-read-inventory", "same-namespace"], allow.Keys.Order());
        var grants = allow["readers-read-inventory"].GetProperty("roles").GetProperty("inventory-reader");
        Assert.Equal("identities: [stocker]", grants[0].GetString());
        Assert.Equal("no-admin", doc.RootElement.GetProperty("deny")[0].GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("no route", new string[0], "--route")]
    [InlineData("unknown route", new[] { "--route", "nope" }, "--route 'nope' is not in the config")]
    [InlineData("positional", new[] { "--route", "orders", "extra" }, "unexpected argument 'extra'")]
    public async Task Who_UsageError_ExitsTwo(string name, string[] args, string expected)
    {
        _ = name;
        using var config = new CliConfig();

        var (exit, _, error) = await CliRun.RunAsync(["policy", "who", "--config", config.ConfigFile, .. args]);

        Assert.Equal(2, exit);
        Assert.Contains(expected, error);
    }
}
