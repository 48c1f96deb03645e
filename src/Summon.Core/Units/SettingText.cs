using System.Text;

namespace Summon.Units;

/// <summary>How systemd prints setting values: modes as "0644", enum names as "on-failure", booleans as "yes"/"no".</summary>
internal static class SettingText
{
    public static string Octal(uint mode) => "0" + Convert.ToString(mode, 8).PadLeft(3, '0');

    public static string YesNo(bool value) => value ? "yes" : "no";

    /// <summary>"OnFailure" → "on-failure" (enum member names to systemd's spelling).</summary>
    public static string Kebab(string pascal)
    {
        var sb = new StringBuilder(pascal.Length + 4);
        foreach (char c in pascal)
        {
            if (char.IsUpper(c) && sb.Length > 0)
                sb.Append('-');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}
