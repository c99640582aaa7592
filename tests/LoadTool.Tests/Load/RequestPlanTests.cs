using LoadTool.Cli;
using LoadTool.Identity;
using LoadTool.Load;

namespace LoadTool.Tests.Load;

public sealed class RequestPlanTests
{
    [Fact]
    public void Get_FivePercentBad_SpreadsBadRequestsEvenlyOverKinds()
    {
        using var key = new TempSigningKey();
        var options = key.Options(badPercent: 5, forbiddenPath: "/orders/admin/x");
        var creds = CredentialSet.Build(options);
        var plan = new RequestPlan(new Uri("http://127.0.0.1:1"), ["/a", "/b"], creds, 5, options.ForbiddenPath);

        var slots = Enumerable.Range(0, 1000).Select(i => plan.Get(i)).ToList();
        var bad = slots.Where(s => s.Bad is not null).ToList();

        Assert.Equal(50, bad.Count);
        Assert.All(Enum.GetValues<BadCredentialKind>(), k => Assert.Equal(10, bad.Count(s => s.Bad == k)));
        Assert.All(bad.Where(s => s.Bad == BadCredentialKind.NoToken), s => Assert.Null(s.Authorization));
        Assert.All(bad.Where(s => s.Bad == BadCredentialKind.ForbiddenPath), s => Assert.Equal("/orders/admin/x", s.Uri.AbsolutePath));
        Assert.All(slots.Where(s => s.Bad is null), s => Assert.StartsWith("Bearer ", s.Authorization));
        // Evenly mixed: never two bad requests closer than 19 apart at 5%.
        var idx = slots.Select((s, i) => (s, i)).Where(x => x.s.Bad is not null).Select(x => x.i).ToList();
        Assert.All(idx.Zip(idx.Skip(1)), p => Assert.InRange(p.Second - p.First, 19, 21));
    }

    [Fact]
    public void Get_PathsAndTokens_Rotate()
    {
        using var key = new TempSigningKey();
        var options = key.Options(identities: 3);
        var plan = new RequestPlan(new Uri("http://127.0.0.1:1/base/"), ["/a", "/b"], CredentialSet.Build(options), 0, null);

        Assert.Equal("/base/a", plan.Get(0).Uri.AbsolutePath);
        Assert.Equal("/base/b", plan.Get(1).Uri.AbsolutePath);
        Assert.Equal(3, Enumerable.Range(0, 6).Select(i => plan.Get(i).Authorization).Distinct().Count());
        Assert.Equal(plan.Get(0).Authorization, plan.Get(3).Authorization);
    }
}
