namespace Summon.Control;

/// <summary>One request from the CLI: a method and its arguments. One JSON object per line.</summary>
internal sealed class ControlRequest
{
    public string Method { get; set; } = "";

    /// <summary>Unit names; globs ("demo-echo@*") match the loaded units, and for ListUnits they are its patterns.</summary>
    public List<string> Units { get; set; } = [];

    /// <summary>For ListUnits: only units of these types ("socket", "service"); null or empty for all.</summary>
    public List<string>? Types { get; set; }

    /// <summary>For ListUnits: only units in one of these load, active or sub states (--state=, --failed).</summary>
    public List<string>? States { get; set; }

    /// <summary>For ListUnits and unit globs: include inactive units too (--all).</summary>
    public bool All { get; set; }

    /// <summary>For jobs: do not wait for them to finish (--no-block).</summary>
    public bool NoBlock { get; set; }

    /// <summary>For Kill: the signal number.</summary>
    public int Signal { get; set; }

    /// <summary>For Kill: "main" or "all".</summary>
    public string? KillWhom { get; set; }

    /// <summary>start/stop/restart: --job-mode= (replace when null).</summary>
    public string? JobMode { get; set; }

    /// <summary>
    /// For Show: only these properties (show -p, is-active's ActiveState); null for all. The manager then skips the
    /// costly ones nobody asked for (UnitFileState reads the unit directories) and sends less.
    /// </summary>
    public List<string>? Properties { get; set; }

    /// <summary>For Reexecute: the absolute path of the binary to execve (--binary); null for the manager's own.</summary>
    public string? Binary { get; set; }
}

/// <summary>
/// The reply: the jobs that failed (the CLI words them and picks the exit code), unit data, and errors of the
/// protocol itself (an unknown method) worded by the manager.
/// </summary>
internal sealed class ControlReply
{
    public List<string> Errors { get; set; } = [];

    public List<JobError> Failures { get; set; } = [];

    public List<UnitInfo> Units { get; set; } = [];

    /// <summary>
    /// Not sent: what the manager does on the loop once this reply is written or its client is gone (a re-exec's
    /// execve, which must not come before the CLI has its answer).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Action? AfterSent { get; set; }
}

/// <summary>A unit's properties in systemd's bus order, values formatted as `systemctl show` prints them.</summary>
internal sealed class UnitInfo
{
    public string Id { get; set; } = "";

    public List<UnitProperty> Properties { get; set; } = [];

    public string? Get(string name)
    {
        foreach (var p in Properties)
            if (p.Name == name)
                return p.Value;
        return null;
    }

    public IEnumerable<string> GetAll(string name)
    {
        foreach (var p in Properties)
            if (p.Name == name)
                yield return p.Value;
    }
}

internal sealed record UnitProperty(string Name, string Value);

/// <summary>Method names of the control protocol.</summary>
internal static class ControlMethods
{
    public const string Ping = "Ping", Start = "Start", Stop = "Stop", Restart = "Restart", Reload = "Reload",
        ResetFailed = "ResetFailed", Show = "Show", ListUnits = "ListUnits", ReloadUnit = "ReloadUnit", Kill = "Kill";

    // The job engine's (issue 13, jobs part).
    public const string Isolate = "Isolate", ListJobs = "ListJobs";

    // The re-exec (issue 17): Reexecute's reply and Ping's carry the manager's identity (ManagerIdentity).
    public const string Reexecute = "Reexecute";
}

/// <summary>
/// The manager's identity in Ping's and Reexecute's replies: one entry named <see cref="Id"/> with its pid and its re-exec
/// generation, so `daemon-reexec` can tell the new image answering from the old one.
/// </summary>
internal static class ManagerIdentity
{
    public const string Id = "summon";

    public const string Pid = "ManagerPID", Generation = "ReexecGeneration", Failure = "ReexecFailure";

    /// <summary>The entry; <paramref name="failure"/> is why the last re-exec of <paramref name="generation"/> + 1 did not happen.</summary>
    public static UnitInfo Of(int pid, long generation, string? failure)
    {
        var info = new UnitInfo
        {
            Id = Id,
            Properties =
            [
                new UnitProperty(Pid, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new UnitProperty(Generation, generation.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ],
        };
        if (failure is not null)
            info.Properties.Add(new UnitProperty(Failure, failure));
        return info;
    }

    /// <summary>The identity in <paramref name="reply"/>: its generation and failure, or null from a manager that does not say.</summary>
    public static (long Generation, string? Failure)? In(ControlReply reply)
    {
        foreach (var unit in reply.Units)
            if (unit.Id == Id && long.TryParse(unit.Get(Generation), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long generation))
                return (generation, unit.Get(Failure));
        return null;
    }
}
