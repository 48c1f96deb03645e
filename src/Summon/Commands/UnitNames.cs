using Summon.Units;

namespace Summon.Cli.Commands;

/// <summary>Turns what a user typed into unit names the way systemctl does ("demo-echo" → "demo-echo.service").</summary>
internal static class UnitNames
{
    public static string Mangle(string name)
    {
        if (UnitName.TryParse(name, out _) || UnitPattern.IsGlob(name))
            return name;   // systemctl leaves globs unsuffixed: "demo-echo@*" matches the template's instances
        if (name.EndsWith('@'))
            return name + ".service";
        return name + ".service";
    }

    public static List<string> Mangle(IEnumerable<string>? names) => names?.Select(Mangle).ToList() ?? [];
}
