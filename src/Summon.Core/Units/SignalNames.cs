using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Summon.Units;

/// <summary>Linux signal names as systemd's signal_from_string() accepts them ("SIGTERM", "TERM", "15", "RTMIN+3").</summary>
internal static class SignalNames
{
    private static readonly string[] Names =
    [
        "", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM",
        "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
    ];

    /// <summary>Normalizes to "SIGTERM" (or "SIGRTMIN+n", or the number for other real-time signals).</summary>
    public static bool TryNormalize(string text, [NotNullWhen(true)] out string? name)
    {
        name = null;
        string s = text.StartsWith("SIG", StringComparison.Ordinal) ? text[3..] : text;
        int index = Array.IndexOf(Names, s);
        if (index > 0)
        {
            name = "SIG" + Names[index];
            return true;
        }

        if (s is "IOT" or "POLL")
        {
            name = s == "IOT" ? "SIGABRT" : "SIGIO";
            return true;
        }

        if (s.StartsWith("RTMIN", StringComparison.Ordinal) || s.StartsWith("RTMAX", StringComparison.Ordinal))
        {
            string rest = s[5..];
            if (rest.Length == 0 || (rest.Length > 1 && rest[0] is '+' or '-' && int.TryParse(rest[1..], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n <= 30))
            {
                name = "SIG" + s;
                return true;
            }

            return false;
        }

        if (!text.StartsWith("SIG", StringComparison.Ordinal) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number is > 0 and <= 64)
        {
            name = number < Names.Length ? "SIG" + Names[number] : number.ToString(CultureInfo.InvariantCulture);
            return true;
        }

        return false;
    }
}
