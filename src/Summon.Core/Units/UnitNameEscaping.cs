using System.Diagnostics.CodeAnalysis;
using System.Text;
using Summon.Posix;

namespace Summon.Units;

/// <summary>systemd-escape: '/' ↔ '-', bytes outside [A-Za-z0-9:_.] (and a leading '.') as \xHH.</summary>
internal static class UnitNameEscaping
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

    private const int PathMax = 4096, NameMax = 255;

    /// <summary>path_is_valid(): non-empty, shorter than PATH_MAX, no component longer than NAME_MAX.</summary>
    public static bool IsValidPath(string path)
        => path.Length > 0 && Encoding.UTF8.GetByteCount(path) < PathMax
        && path.Split('/').All(c => Encoding.UTF8.GetByteCount(c) <= NameMax);

    /// <summary>path_is_normalized(): valid, and no "." or ".." components and no "//".</summary>
    public static bool IsNormalizedPath(string path)
        => IsValidPath(path) && !path.Contains("//", StringComparison.Ordinal)
        && !path.Split('/').Any(c => c is "." or "..");

    /// <summary>unit_name_path_escape() with its errno: "//" and "." are dropped, ".." or an invalid path is EINVAL.</summary>
    public static int TryEscapePath(string path, out string? escaped)
    {
        escaped = null;
        string[] parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
        if (parts.Length == 0)
        {
            escaped = "-";
            return 0;
        }

        string simplified = (path.StartsWith('/') ? "/" : "") + string.Join('/', parts);
        if (!IsNormalizedPath(simplified))
            return Errno.EINVAL;
        escaped = Escape(string.Join('/', parts));
        return 0;
    }

    /// <summary>unit_name_replace_instance(): foo@.service + "x" → foo@x.service; EINVAL for an invalid template,
    /// instance or result.</summary>
    public static int TryReplaceInstance(string template, string instance, out string? result)
    {
        result = null;
        if (!UnitName.TryParse(template, out UnitName? t) || t.IsPlain || instance.Length == 0
            || !instance.All(c => UnitName.IsValidChar(c) || c == '@')
            || !UnitName.TryParse($"{t.Prefix}@{instance}{t.Suffix}", out UnitName? built))
            return Errno.EINVAL;
        result = built.Name;
        return 0;
    }

    /// <summary>
    /// unit_name_mangle() without globs: a valid unit name stays; an absolute path becomes a .device (under /dev/ or
    /// /sys/) or .mount unit; otherwise '/' → '-', bytes outside [A-Za-z0-9:-_.\\] as \xHH, and ".service" is
    /// appended unless the name ends in a unit type. EINVAL when the result is no valid unit name.
    /// Long paths that systemd shortens with a hash are refused here (see docs/compatibility.md).
    /// </summary>
    public static int TryMangle(string name, out string? result)
    {
        result = null;
        if (UnitName.TryParse(name, out _))
        {
            result = name;
            return 0;
        }

        if (name.StartsWith('/'))
        {
            string simplified = "/" + string.Join('/', name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != "."));
            bool device = simplified.StartsWith("/dev/", StringComparison.Ordinal) || simplified.StartsWith("/sys/", StringComparison.Ordinal);
            foreach (string suffix in device ? [".device", ".mount"] : new[] { ".mount" })
            {
                if (TryEscapePath(simplified, out string? escaped) == 0 && UnitName.TryParse(escaped + suffix, out UnitName? fromPath) && fromPath.IsPlain)
                {
                    result = fromPath.Name;
                    return 0;
                }
            }
        }

        byte[] bytes = Encoding.UTF8.GetBytes(name);
        var sb = new StringBuilder(bytes.Length * 4 + 8);
        foreach (byte b in bytes)
        {
            if (b == '/')
                sb.Append('-');
            else if (b < 128 && (char.IsAsciiLetterOrDigit((char)b) || b is (byte)':' or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'\\' or (byte)'@'))
                sb.Append((char)b);
            else
                sb.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        string s = sb.ToString();
        int dot = s.LastIndexOf('.');
        if (dot < 0 || !UnitTypes.TryParse(s[(dot + 1)..], out _))
            s += ".service";
        if (!UnitName.TryParse(s, out _))
            return Errno.EINVAL;
        result = s;
        return 0;
    }
}
