using PolicyCore.Syntax;

namespace PolicyCore.Diagnostics;

/// <summary>Collects every diagnostic of one load; never stops at the first.</summary>
internal sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    public bool HasErrors { get; private set; }

    public int Count => _items.Count;

    public void Error(string code, string file, SourcePosition position, string message, string? hint = null)
        => Add(new Diagnostic(code, DiagnosticSeverity.Error, file, position.Line, position.Column, message, hint));

    public void Warning(string code, string file, SourcePosition position, string message, string? hint = null)
        => Add(new Diagnostic(code, DiagnosticSeverity.Warning, file, position.Line, position.Column, message, hint));

    public void Add(Diagnostic diagnostic)
    {
        _items.Add(diagnostic);
        if (diagnostic.Severity == DiagnosticSeverity.Error)
        {
            HasErrors = true;
        }
    }

    /// <summary>Diagnostics ordered by file (in the order the files were given), then line, then column.</summary>
    public Diagnostic[] ToSortedArray(IReadOnlyList<string> fileOrder)
    {
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < fileOrder.Count; i++)
        {
            order.TryAdd(fileOrder[i], i);
        }

        var indexed = new (Diagnostic Item, int Seq)[_items.Count];
        for (var i = 0; i < _items.Count; i++)
        {
            indexed[i] = (_items[i], i);
        }

        Array.Sort(indexed, (a, b) =>
        {
            var fa = order.TryGetValue(a.Item.File, out var x) ? x : int.MaxValue;
            var fb = order.TryGetValue(b.Item.File, out var y) ? y : int.MaxValue;
            var c = fa.CompareTo(fb);
            if (c == 0) c = a.Item.Line.CompareTo(b.Item.Line);
            if (c == 0) c = a.Item.Column.CompareTo(b.Item.Column);
            if (c == 0) c = a.Seq.CompareTo(b.Seq);
            return c;
        });

        var result = new Diagnostic[indexed.Length];
        for (var i = 0; i < indexed.Length; i++)
        {
            result[i] = indexed[i].Item;
        }

        return result;
    }
}
