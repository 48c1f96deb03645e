using System.Text;

namespace Summon.Cli.Rendering;

/// <summary>
/// The tables of systemctl's list verbs as systemd's format-table prints them: a header of the upper-cased column
/// names, cells padded to the widest in their column and joined by one space, the last column unpadded, an empty
/// cell shown as "-"; as JSON, one object per row keyed by the column names (spaces become '_', empty cells null,
/// columns without a name left out).
/// </summary>
internal sealed class Table(params string[] columns)
{
    private readonly List<object?[]> _rows = [];
    private readonly Dictionary<(int Row, int Column), string> _colors = [];
    private readonly bool[] _hidden = new bool[columns.Length];
    private readonly int[] _minimumWidths = new int[columns.Length];

    public int Count => _rows.Count;

    /// <summary>One row: a string, a string list (several values in one cell) or null (empty) per column.</summary>
    public void Add(params object?[] cells) => _rows.Add(cells);

    public void Hide(int column) => _hidden[column] = true;

    /// <summary>Colours a cell of the last row added (an <see cref="Terminal.Ansi"/> sequence; empty for none). The text
    /// view writes it around the cell, so padding is measured on the text alone; JSON ignores it.</summary>
    public void Color(int column, string color)
    {
        if (color.Length > 0)
            _colors[(_rows.Count - 1, column)] = color;
    }

    /// <summary>A column as wide as this even when empty (systemctl keeps its glyph column in an empty list).</summary>
    public void MinimumWidth(int column, int width) => _minimumWidths[column] = width;

    public string Text(bool header)
    {
        int[] shown = Enumerable.Range(0, columns.Length).Where(i => !_hidden[i]).ToArray();
        var cells = _rows.Select(row => shown.Select(i => CellText(row[i])).ToArray()).ToList();
        string[] names = shown.Select(i => columns[i].ToUpperInvariant()).ToArray();
        int[] widths = new int[shown.Length];
        for (int c = 0; c < shown.Length; c++)
            widths[c] = Math.Max(Math.Max(header ? names[c].Length : 0, _minimumWidths[shown[c]]), cells.Count == 0 ? 0 : cells.Max(r => r[c].Length));
        var sb = new StringBuilder();
        if (header)
            Row(sb, names, widths, _ => null);
        for (int r = 0; r < cells.Count; r++)
            Row(sb, cells[r], widths, c => _colors.GetValueOrDefault((r, shown[c])));
        return sb.ToString();
    }

    public string Json(bool pretty)
    {
        int[] shown = Enumerable.Range(0, columns.Length).Where(i => !_hidden[i] && columns[i].Length > 0).ToArray();
        var json = new SystemdJson(pretty);
        json.StartArray();
        foreach (var row in _rows)
        {
            json.StartObject();
            foreach (int i in shown)
                json.Member(columns[i].Replace(' ', '_'), row[i]);
            json.EndObject();
        }
        json.EndArray();
        return json.ToString();
    }

    private static string CellText(object? cell) => cell switch
    {
        string { Length: > 0 } s => s,
        IEnumerable<string> list when list.Any() => string.Join(' ', list),
        _ => "-",
    };

    private static void Row(StringBuilder sb, string[] cells, int[] widths, Func<int, string?> colorOf)
    {
        for (int i = 0; i < cells.Length; i++)
        {
            string? color = colorOf(i);
            string text = color is null ? cells[i] : Terminal.Ansi.Paint(color, cells[i]);
            sb.Append(text);
            if (i < cells.Length - 1)
                sb.Append(' ', widths[i] - cells[i].Length + 1);
        }
        sb.Append('\n');
    }
}
