namespace Gateway.Identity.X509;

/// <summary>Turns an offset in a text into a 1-based line and column, for diagnostics.</summary>
internal sealed class PemLineIndex
{
    private readonly List<int> _lineStarts = [0];

    public PemLineIndex(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    public (int Line, int Column) Position(int offset)
    {
        var index = _lineStarts.BinarySearch(offset);
        if (index < 0)
        {
            index = ~index - 1;
        }

        return (index + 1, offset - _lineStarts[index] + 1);
    }
}
