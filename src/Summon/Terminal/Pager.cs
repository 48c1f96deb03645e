using System.ComponentModel;
using System.Diagnostics;
using System.IO.Pipes;
using Summon.Processes;

namespace Summon.Cli.Terminal;

/// <summary>
/// systemd 252's pager_open()/pager_close(): when stdout and stderr are terminals and $TERM is not dumb, the verb's
/// output goes through $SYSTEMD_PAGER, else $PAGER, else pager, less, more (the first that starts); an empty value
/// or "cat" means no pager, and so does --no-pager. The pager gets LESS=$SYSTEMD_LESS or "FRSXMK" (replacing the
/// user's LESS, as systemd does) and LESSCHARSET=utf-8 in a UTF-8 locale. Standard output and error are pointed at
/// its pipe, so everything the verb prints (System.Console, <see cref="CliOutput"/>) is paged.
/// </summary>
internal static class Pager
{
    private static Process? s_pager;

    /// <summary>Starts the pager unless told not to or not on a terminal; later calls do nothing.
    /// <paramref name="jumpToEnd"/> (journalctl -e) has less start at the end.</summary>
    public static void Open(bool noPager, bool jumpToEnd = false) => Open(noPager, jumpToEnd, Environment.GetEnvironmentVariable, Tty.OnTty);

    /// <summary>Opens the pager unless the command line has --no-pager: the call every paging verb makes first.</summary>
    public static void Open(System.CommandLine.ParseResult result) => Open(result.GetValue(GlobalOptions.NoPager));

    internal static void Open(bool noPager, bool jumpToEnd, Func<string, string?> getEnv, bool onTty)
    {
        if (noPager || s_pager is not null || !onTty || Tty.IsDumb(getEnv))
            return;
        string[]? chosen = Command(getEnv);
        if (chosen is [] or ["cat"])
            return;
        string[][] candidates = chosen is null ? [["pager"], ["less"], ["more"]] : [chosen, ["pager"], ["less"], ["more"]];
        foreach (string[] candidate in candidates)
        {
            if (TryStart(candidate, jumpToEnd, getEnv) is { } pager)
            {
                s_pager = pager;
                break;
            }
        }
        if (s_pager is null)
            return;
        Console.Out.Flush();
        Console.Error.Flush();
        var pipe = ((PipeStream)s_pager.StandardInput.BaseStream).SafePipeHandle;
        StandardStreams.Redirect(StandardStreams.Output, pipe);
        StandardStreams.Redirect(StandardStreams.Error, pipe);
        // fds 1 and 2 hold the pipe now; the pager sees its end when they are closed in Close.
        s_pager.StandardInput.Dispose();
    }

    /// <summary>Ends the output (the pager reads its end) and waits for the user to leave the pager.</summary>
    public static void Close()
    {
        if (s_pager is null)
            return;
        Console.Out.Flush();
        Console.Error.Flush();
        using (var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Write))
        {
            StandardStreams.Redirect(StandardStreams.Output, devNull);
            StandardStreams.Redirect(StandardStreams.Error, devNull);
        }
        s_pager.WaitForExit();
        s_pager.Dispose();
        s_pager = null;
    }

    /// <summary>$SYSTEMD_PAGER, else $PAGER, split into words; null when neither is set.</summary>
    internal static string[]? Command(Func<string, string?> getEnv)
    {
        string? value = getEnv("SYSTEMD_PAGER") ?? getEnv("PAGER");
        return value?.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
    }

    private static Process? TryStart(string[] command, bool jumpToEnd, Func<string, string?> getEnv)
    {
        var start = new ProcessStartInfo(command[0]) { UseShellExecute = false, RedirectStandardInput = true };
        foreach (string argument in command.AsSpan(1))
            start.ArgumentList.Add(argument);
        start.Environment["LESS"] = (getEnv("SYSTEMD_LESS") ?? "FRSXMK") + (jumpToEnd ? " +G" : "");
        if (getEnv("SYSTEMD_LESSCHARSET") is { } charset)
            start.Environment["LESSCHARSET"] = charset;
        else if (IsLocaleUtf8(getEnv))
            start.Environment["LESSCHARSET"] = "utf-8";
        try
        {
            return Process.Start(start);
        }
        catch (Win32Exception)
        {
            // Not installed or not executable: systemd tries the next pager.
            return null;
        }
    }

    /// <summary>The locale's charset is UTF-8, or no locale is set at all (systemd assumes UTF-8 then).</summary>
    private static bool IsLocaleUtf8(Func<string, string?> getEnv)
    {
        string? locale = new[] { "LC_ALL", "LC_CTYPE", "LANG" }.Select(getEnv).FirstOrDefault(v => !string.IsNullOrEmpty(v));
        return locale is null || locale.Contains("UTF-8", StringComparison.OrdinalIgnoreCase) || locale.Contains("utf8", StringComparison.OrdinalIgnoreCase);
    }
}
