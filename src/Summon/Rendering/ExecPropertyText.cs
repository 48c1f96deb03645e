using System.Globalization;
using Summon.Processes;

namespace Summon.Cli.Rendering;

/// <summary>Reads back the run of one exec command property ("{ path=… ; argv[]=… ; … ; pid=N ; code=exited ; status=1 }").</summary>
internal sealed record ExecPropertyText(string Argv, int Pid, string Code, int Status)
{
    /// <summary>systemctl's text after "code=…, ": "status=1/FAILURE" for an exit, "signal=TERM" otherwise.</summary>
    public string StatusText => Code == "exited"
        ? $"status={Status}/{new ExitStatus(ExitCode.Exited, Status).StatusName}"
        : $"signal={new ExitStatus(ExitCode.Killed, Status).StatusName}";

    /// <summary>A clean exit of a command (status 0); anything else is shown red.</summary>
    public bool Clean => Code == "exited" && Status == 0;

    public static ExecPropertyText? Parse(string value)
    {
        string? argv = Field(value, "argv[]=", " ; ignore_errors=");
        string? pid = Field(value, " ; pid=", " ; code=");
        string? code = Field(value, " ; code=", " ; status=");
        string? status = Field(value, " ; status=", " }");
        if (argv is null || pid is null || code is null || status is null)
            return null;
        int slash = status.IndexOf('/', StringComparison.Ordinal);
        if (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out int p)
            || !int.TryParse(slash < 0 ? status : status[..slash], NumberStyles.None, CultureInfo.InvariantCulture, out int s))
            return null;
        return new ExecPropertyText(argv, p, code, s);
    }

    private static string? Field(string value, string start, string end)
    {
        int from = value.IndexOf(start, StringComparison.Ordinal);
        if (from < 0)
            return null;
        from += start.Length;
        int to = value.IndexOf(end, from, StringComparison.Ordinal);
        return to < 0 ? null : value[from..to];
    }
}
