using System.Globalization;
using System.Text;

namespace Summon.Manager.DynamicUsers;

/// <summary>
/// The name a DynamicUser= unit's user and group get without User=/Group= (systemd's user_from_unit_name()): the unit
/// name's prefix when it is a valid user name, else "_du" and a hash of it, so the name is the same at every start.
/// </summary>
internal static class DynamicUserName
{
    /// <summary>"web" for web.service and web@1.service; "_du" + 16 hex digits when the prefix is no user name.</summary>
    public static string FromUnit(string unitId)
    {
        int dot = unitId.LastIndexOf('.');
        string name = dot > 0 ? unitId[..dot] : unitId;
        int at = name.IndexOf('@', StringComparison.Ordinal);
        string prefix = at >= 0 ? name[..at] : name;
        return IsValid(prefix) ? prefix : "_du" + Hash(prefix).ToString("x16", CultureInfo.InvariantCulture);
    }

    /// <summary>valid_user_group_name() in its strict form: [a-zA-Z_][a-zA-Z0-9_-]*, at most 31 characters.</summary>
    public static bool IsValid(string name)
    {
        if (name.Length is 0 or > 31 || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
            return false;
        foreach (char c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
                return false;
        return true;
    }

    /// <summary>FNV-1a (64 bits) of the UTF-8 bytes: stable across runs and machines, which is all the name needs.</summary>
    internal static ulong Hash(string text)
    {
        ulong hash = 0xcbf29ce484222325;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= 0x100000001b3;
        }

        return hash;
    }
}
