namespace PolicyCore.Tests.Diagnostics;

public class PolicyLoaderFuzzTests
{
    private const string Seed = """
        version: 1
        rules:
          - id: payments-read
            effect: allow
            match:
              routes: [payments]
              hosts: ["*.example.org"]
              methods: [GET]
              paths: ["/payments/{id}", "/payments/**"]
            when:
              spiffe_ids: ["spiffe://example.org/ns/*/sa/reader"]
              claims:
                - name: scope
                  contains_any: [a, b]
        """;

    private static readonly char[] Noise = [' ', '\n', '\t', ':', '-', '[', ']', '{', '}', '"', '\'', '*', '&', '!', '#', '|', '>', '%', '@', '`', ',', '?', 'x', '/'];

    [Theory]
    [InlineData("Seed3", 3)]
    [InlineData("Seed99", 99)]
    public void LoadText_RandomlyMutatedInput_NeverThrows(string name, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 1500; i++)
        {
            var chars = new List<char>(Seed);
            var edits = 1 + random.Next(4);
            for (var e = 0; e < edits; e++)
            {
                var at = random.Next(chars.Count);
                switch (random.Next(3))
                {
                    case 0: chars.RemoveAt(at); break;
                    case 1: chars.Insert(at, Noise[random.Next(Noise.Length)]); break;
                    default: chars[at] = Noise[random.Next(Noise.Length)]; break;
                }
            }

            var text = new string([.. chars]);
            var result = PolicyLoader.LoadText(name + ".yaml", text);

            Assert.True(result.Succeeded || result.Diagnostics.Count > 0, text);
            foreach (var diagnostic in result.Diagnostics)
            {
                Assert.True(diagnostic.Line >= 1 && diagnostic.Column >= 1, diagnostic.ToString());
            }
        }
    }
}
