using System.Globalization;

namespace Summon.Processes;

/// <summary>Linux signal numbers the manager sends, and systemd's names for all of them ("TERM", "RTMIN+3").</summary>
public static class Signals
{
    public const int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGABRT = 6, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11,
        SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19,
        SIGWINCH = 28;

    /// <summary>glibc's SIGRTMIN (the kernel's 32 and 33 are reserved by NPTL) and SIGRTMAX.</summary>
    public const int SIGRTMIN = 34, SIGRTMAX = 64;

    private static readonly string[] s_names =
    [
        "", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE",
        "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM",
        "PROF", "WINCH", "IO", "PWR", "SYS",
    ];

    /// <summary>systemd's signal_to_string(): "TERM"; "RTMIN+n" for real-time signals; the number otherwise.</summary>
    public static string Name(int signal)
    {
        if (signal > 0 && signal < s_names.Length)
            return s_names[signal];
        if (signal >= SIGRTMIN && signal <= SIGRTMAX)
            return "RTMIN+" + (signal - SIGRTMIN).ToString(CultureInfo.InvariantCulture);
        return signal.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// signal_from_string(): "SIGTERM", "TERM", "IOT"/"POLL", "RTMIN", "RTMIN+n", "RTMAX", "RTMAX-n" (with or without
    /// "SIG") or a number; false for anything else.
    /// </summary>
    public static bool TryParse(string text, out int signal)
    {
        string name = text.StartsWith("SIG", StringComparison.Ordinal) ? text[3..] : text;
        for (int i = 1; i < s_names.Length; i++)
        {
            if (s_names[i] == name)
            {
                signal = i;
                return true;
            }
        }
        if (name is "IOT" or "POLL")
        {
            signal = name == "IOT" ? SIGABRT : 29;
            return true;
        }
        if (name.StartsWith("RTMIN", StringComparison.Ordinal) || name.StartsWith("RTMAX", StringComparison.Ordinal))
        {
            bool min = name[3] == 'I';
            string rest = name[5..];
            int offset = 0;
            if (rest.Length > 0 && (rest[0] != (min ? '+' : '-')
                || !int.TryParse(rest.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset > SIGRTMAX - SIGRTMIN))
            {
                signal = 0;
                return false;
            }
            signal = min ? SIGRTMIN + offset : SIGRTMAX - offset;
            return true;
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out signal) && signal is > 0 and <= SIGRTMAX;
    }
}
