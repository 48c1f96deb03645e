using System.Globalization;
using System.Text;
using Summon.Posix;

namespace Summon.Units;

/// <summary>Which specifier table applies (systemd has one per kind of setting).</summary>
internal enum SpecifierSet
{
    /// <summary>unit_full_printf()/unit_path_printf(): every specifier.</summary>
    Full,

    /// <summary>unit_name_printf(): those safe in unit names (%i %j %n %N %p and host/user ones).</summary>
    UnitName,

    /// <summary>[Install] (install_name_printf()).</summary>
    Install,
}

/// <summary>
/// Expands "%x" specifiers (systemd.unit(5) "SPECIFIERS") for one unit. An unknown letter or digit is an error
/// (EBADSLT, "Invalid slot"); "%" followed by anything else, or at the end, stays as it is.
/// </summary>
internal sealed class Specifiers
{
    private readonly UnitName _name;
    private readonly string? _fragmentPath;
    private readonly SpecifierContext _context;

    public Specifiers(UnitName name, string? fragmentPath, SpecifierContext context)
    {
        _name = name;
        _fragmentPath = fragmentPath;
        _context = context;
    }

    /// <summary>A %t or %d found no runtime directory (a user manager without $XDG_RUNTIME_DIR).</summary>
    public bool MissedRuntimeDirectory { get; private set; }

    /// <summary>Returns 0 and the expansion, or an errno (EBADSLT for an unknown specifier).</summary>
    public int Expand(string text, SpecifierSet set, out string result)
    {
        result = text;
        if (!text.Contains('%'))
            return 0;
        var sb = new StringBuilder(text.Length + 32);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c != '%')
            {
                sb.Append(c);
                continue;
            }

            if (i + 1 >= text.Length)
            {
                sb.Append('%');
                break;
            }

            char s = text[++i];
            if (s == '%')
            {
                sb.Append('%');
                continue;
            }

            int r = Lookup(s, set, out string? value);
            if (r != 0)
                return r;
            if (value is null)
            {
                if (char.IsAsciiLetterOrDigit(s))
                    return Errno.EBADSLT;
                sb.Append('%').Append(s);
                continue;
            }

            sb.Append(value);
        }

        result = sb.ToString();
        return 0;
    }

    /// <summary>0 with value (null when the letter is not in the table), or an errno.</summary>
    private int Lookup(char s, SpecifierSet set, out string? value)
    {
        value = null;
        bool full = set == SpecifierSet.Full;
        bool install = set == SpecifierSet.Install;
        switch (s)
        {
            case 'n': value = _name.Name; return 0;
            case 'N': value = _name.NameWithoutSuffix; return 0;
            case 'p': value = _name.Prefix; return 0;
            case 'i': value = _name.Instance ?? ""; return 0;
            case 'j': value = LastComponent(); return 0;
            case 'a': value = _context.Architecture; return 0;
            case 'b': return Required(_context.BootId, Errno.ENOMEDIUM, out value);
            case 'B': value = OsRelease("BUILD_ID"); return 0;
            case 'H': value = _context.Hostname; return 0;
            case 'l': value = ShortHostname(); return 0;
            case 'm': return Required(_context.MachineId, Errno.ENOENT, out value);
            case 'o': value = OsRelease("ID"); return 0;
            case 'v': value = _context.KernelRelease; return 0;
            case 'w': value = OsRelease("VERSION_ID"); return 0;
            case 'W': value = OsRelease("VARIANT_ID"); return 0;
            case 'g': value = _context.GroupName; return 0;
            case 'G': value = _context.Gid.ToString(CultureInfo.InvariantCulture); return 0;
            case 'u': value = _context.UserName; return 0;
            case 'U': value = _context.Uid.ToString(CultureInfo.InvariantCulture); return 0;
        }

        if (install)
            return 0;

        switch (s)
        {
            case 'A': value = OsRelease("IMAGE_VERSION"); return 0;
            case 'M': value = OsRelease("IMAGE_ID"); return 0;
            case 'q': value = _context.PrettyHostname ?? ShortHostname(); return 0;
        }

        if (!full)
            return 0;

        switch (s)
        {
            case 'P': return Unescape(_name.Prefix, out value);
            case 'I': return Unescape(_name.Instance ?? "", out value);
            case 'J': return Unescape(LastComponent(), out value);
            case 'f':
                return UnitNameEscaping.TryUnescapePath(_name.Instance ?? _name.Prefix, out value) ? 0 : Errno.EINVAL;
            case 'y': value = RealFragmentPath() ?? ""; return 0;
            case 'Y': value = Path.GetDirectoryName(RealFragmentPath() ?? "") ?? ""; return 0;
            case 'c': value = $"/{Slice()}/{_name.Name}"; return 0;
            case 'r': value = "/" + Slice(); return 0;
            case 'R': value = "/"; return 0;
            case 't':
                MissedRuntimeDirectory |= _context.RuntimeDirectory is null;
                return Required(_context.RuntimeDirectory, Errno.ENXIO, out value);
            case 'S': value = _context.StateDirectory; return 0;
            case 'C': value = _context.CacheDirectory; return 0;
            case 'L': value = _context.LogsDirectory; return 0;
            case 'E': value = _context.ConfigDirectory; return 0;
            case 'd' when _context.CredentialsRoot is { } credentials:
                value = $"{credentials}/{_name.Name}";
                return 0;
            case 'd':
                if (_context.RuntimeDirectory is null)
                {
                    MissedRuntimeDirectory = true;
                    return Errno.ENXIO;
                }
                value = $"{_context.RuntimeDirectory}/credentials/{_name.Name}";
                return 0;
            case 'T': value = _context.TempDirectory; return 0;
            case 'V': value = _context.VarTempDirectory; return 0;
            case 'h': value = _context.Home; return 0;
            case 's': value = _context.Shell; return 0;
        }

        return 0;
    }

    private static int Required(string? v, int errno, out string? value)
    {
        value = v;
        return v is null ? errno : 0;
    }

    private static int Unescape(string s, out string? value) => UnitNameEscaping.TryUnescape(s, out value) ? 0 : Errno.EINVAL;

    private string LastComponent()
    {
        int dash = _name.Prefix.LastIndexOf('-');
        return dash >= 0 ? _name.Prefix[(dash + 1)..] : _name.Prefix;
    }

    private string ShortHostname()
    {
        int dot = _context.Hostname.IndexOf('.');
        return dot >= 0 ? _context.Hostname[..dot] : _context.Hostname;
    }

    private string OsRelease(string key) => _context.OsRelease.GetValueOrDefault(key) ?? "";

    private string Slice() => _context.UserMode ? "app.slice" : "system.slice";

    private string? RealFragmentPath()
    {
        if (_fragmentPath is null)
            return null;
        try
        {
            FileSystemInfo? target = new FileInfo(_fragmentPath).ResolveLinkTarget(returnFinalTarget: true);
            return target?.FullName ?? _fragmentPath;
        }
        catch (IOException)
        {
            return _fragmentPath;
        }
    }
}
