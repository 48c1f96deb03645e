using System.Globalization;

namespace Summon.Posix;

/// <summary>
/// The one signal table: Linux signal numbers, systemd's names for them ("TERM", "RTMIN+3"), and systemd's
/// signal_from_string() rules for reading them back (KillSignal=, SuccessExitStatus=, kill -s).
/// </summary>
internal static class Signals
{
    public const int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7, SIGFPE = 8,
        SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15, SIGSTKFLT = 16,
        SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23, SIGXCPU = 24,
        SIGXFSZ = 25, SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28, SIGIO = 29, SIGPWR = 30, SIGSYS = 31;

    /// <summary>glibc's SIGRTMIN (the kernel's 32 and 33 are reserved by NPTL) and SIGRTMAX.</summary>
    public const int SIGRTMIN = 34, SIGRTMAX = 64;

    /// <summary>The kernel's first real-time signals, which glibc keeps for its threads (NPTL): never reset or sent.</summary>
    public const int NptlCancel = 32, NptlSetxid = 33;

    /// <summary>Names without "SIG", indexed by number (SIGHUP … SIGSYS).</summary>
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
        if (signal is >= SIGRTMIN and <= SIGRTMAX)
            return "RTMIN+" + (signal - SIGRTMIN).ToString(CultureInfo.InvariantCulture);
        return signal.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// signal_from_string(): a number 1…64; or, with or without "SIG", a name ("TERM"), "RTMIN", "RTMIN+n",
    /// "RTMAX" or "RTMAX-n" (0 ≤ n ≤ 30). Only '+' follows RTMIN and only '-' follows RTMAX. The glibc aliases IOT and
    /// POLL are accepted too, as Summon always has. False for anything else.
    /// </summary>
    public static bool TryParse(string text, out int signal)
    {
        // A number is tried on the whole text, so "SIG15" is no signal.
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out signal))
            return signal is > 0 and <= SIGRTMAX;

        string name = text.StartsWith("SIG", StringComparison.Ordinal) ? text[3..] : text;
        int index = Array.IndexOf(s_names, name, 1);
        if (index > 0)
        {
            signal = index;
            return true;
        }

        signal = name switch
        {
            "IOT" => SIGABRT,
            "POLL" => SIGIO,
            _ when name.StartsWith("RTMIN", StringComparison.Ordinal) => TryOffset(name[5..], '+', out int n) ? SIGRTMIN + n : 0,
            _ when name.StartsWith("RTMAX", StringComparison.Ordinal) => TryOffset(name[5..], '-', out int n) ? SIGRTMAX - n : 0,
            _ => 0,
        };
        return signal != 0;
    }

    /// <summary>What follows RTMIN/RTMAX: nothing, or the sign and a decimal offset of at most SIGRTMAX − SIGRTMIN.</summary>
    private static bool TryOffset(string rest, char sign, out int offset)
    {
        offset = 0;
        if (rest.Length == 0)
            return true;
        return rest[0] == sign
            && int.TryParse(rest.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out offset)
            && offset <= SIGRTMAX - SIGRTMIN;
    }
}
