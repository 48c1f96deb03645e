using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Summon.Units;

/// <summary>systemd-escape: '/' ↔ '-', bytes outside [A-Za-z0-9:_.] (and a leading '.') as \xHH.</summary>
public static class UnitNameEscaping
{
    /// <summary>unit_name_escape(): "foo bar/baz" → "foo\x20bar-baz".</summary>
    public static string Escape(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        var sb = new StringBuilder(bytes.Length * 2);
        for (int i = 0; i < bytes.Length; i++)
        {
            byte b = bytes[i];
            if (b == '/')
                sb.Append('-');
            else if ((i == 0 && b == '.') || !(b < 128 && (char.IsAsciiLetterOrDigit((char)b) || b is (byte)':' or (byte)'_' or (byte)'.')))
                sb.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            else
                sb.Append((char)b);
        }

        return sb.ToString();
    }

    /// <summary>unit_name_unescape(): '-' → '/', \xHH → byte. Throws <see cref="ArgumentException"/> on a bad escape.</summary>
    public static string Unescape(string text)
        => TryUnescape(text, out string? result) ? result : throw new ArgumentException($"Invalid escape sequence in {text}", nameof(text));

    public static bool TryUnescape(string text, [NotNullWhen(true)] out string? result)
    {
        result = null;
        var bytes = new List<byte>(text.Length);
        byte[] input = Encoding.UTF8.GetBytes(text);
        for (int i = 0; i < input.Length; i++)
        {
            byte b = input[i];
            if (b == '-')
            {
                bytes.Add((byte)'/');
            }
            else if (b == '\\')
            {
                if (i + 3 >= input.Length || input[i + 1] != 'x' || !char.IsAsciiHexDigit((char)input[i + 2]) || !char.IsAsciiHexDigit((char)input[i + 3]))
                    return false;
                bytes.Add(Convert.ToByte(Encoding.ASCII.GetString(input, i + 2, 2), 16));
                i += 3;
            }
            else
            {
                bytes.Add(b);
            }
        }

        result = Encoding.UTF8.GetString(bytes.ToArray());
        return true;
    }

    /// <summary>unit_name_path_escape(): "/run/foo//bar/" → "run-foo-bar", "/" → "-". Throws on ".." components.</summary>
    public static string EscapePath(string path)
    {
        string[] parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
        if (parts.Contains(".."))
            throw new ArgumentException($"Path is not normalized: {path}", nameof(path));
        return parts.Length == 0 ? "-" : Escape(string.Join('/', parts));
    }

    /// <summary>unit_name_path_unescape(): "run-foo" → "/run/foo", "-" → "/"; false for empty or un-normalized results.</summary>
    public static bool TryUnescapePath(string text, [NotNullWhen(true)] out string? path)
    {
        path = null;
        if (text.Length == 0)
            return false;
        if (text == "-")
        {
            path = "/";
            return true;
        }

        if (!TryUnescape(text, out string? unescaped) || unescaped.StartsWith('/') || unescaped.EndsWith('/'))
            return false;
        string full = "/" + unescaped;
        if (full.Split('/').Skip(1).Any(p => p is "" or "." or ".."))
            return false;
        path = full;
        return true;
    }
}
