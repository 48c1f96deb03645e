using System.Globalization;
using System.Text;

namespace Summon.Cli.Rendering;

/// <summary>
/// JSON as systemd's json_variant_dump() writes it, for `-o json` (one line) and `-o json-pretty` (tab-indented,
/// " : " between name and value): arrays of objects whose values are strings, string lists or null.
/// </summary>
internal sealed class SystemdJson(bool pretty)
{
    private readonly StringBuilder _sb = new();
    private readonly Stack<bool> _first = new();

    public void StartArray() => Open('[');

    public void EndArray() => Close(']');

    public void StartObject() => Open('{');

    public void EndObject() => Close('}');

    public void Member(string name, object? value)
    {
        Separator();
        String(name);
        _sb.Append(pretty ? " : " : ":");
        switch (value)
        {
            case null:
                _sb.Append("null");
                break;
            case string s:
                String(s);
                break;
            case IEnumerable<string> list:
                Open('[');
                foreach (string item in list)
                {
                    Separator();
                    String(item);
                }
                Close(']');
                break;
            default:
                String(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
                break;
        }
    }

    public override string ToString() => _sb.ToString() + "\n";

    private void Open(char bracket)
    {
        if (_first.Count > 0 && _sb[^1] != ' ' && _sb[^1] != ':')
            Separator();
        _sb.Append(bracket);
        _first.Push(true);
    }

    private void Close(char bracket)
    {
        bool empty = _first.Pop();
        if (pretty && !empty)
            NewLine(_first.Count);
        _sb.Append(bracket);
    }

    /// <summary>A comma before every element but the first, and in pretty mode a new line indented by depth.</summary>
    private void Separator()
    {
        if (!_first.Pop())
            _sb.Append(',');
        _first.Push(false);
        if (pretty)
            NewLine(_first.Count);
    }

    private void NewLine(int depth) => _sb.Append('\n').Append('\t', depth);

    private void String(string text)
    {
        _sb.Append('"');
        foreach (char c in text)
        {
            switch (c)
            {
                case '"': _sb.Append("\\\""); break;
                case '\\': _sb.Append("\\\\"); break;
                case '\n': _sb.Append("\\n"); break;
                case '\r': _sb.Append("\\r"); break;
                case '\t': _sb.Append("\\t"); break;
                case '\b': _sb.Append("\\b"); break;
                case '\f': _sb.Append("\\f"); break;
                case < ' ': _sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: _sb.Append(c); break;
            }
        }
        _sb.Append('"');
    }
}
