using Summon.Posix;

namespace Summon.Units;

/// <summary>What `verify` prints (to stderr, in order) and its exit status.</summary>
internal sealed record VerifyResult(IReadOnlyList<string> Messages, int ExitCode);

/// <summary>
/// `summon verify FILE…`, like systemd-analyze verify (252): each file's directory goes to the front of the search
/// path; each unit is loaded (a template foo@.socket as foo@i.socket); then for each loaded unit: required
/// dependencies must load, a socket's service must load, and the first command of every Exec* list (unless prefixed
/// with '-') must be an executable file. Parse warnings alone leave the exit status 0; any error makes it 1.
/// Documentation= man pages are not checked (as with --man=no).
/// </summary>
internal static class UnitVerifier
{
    /// <param name="files">The unit files to check.</param>
    /// <param name="basePath">The search path their directories are put in front of.</param>
    /// <param name="context">What specifiers expand to.</param>
    /// <param name="findExecutable">The PATH lookup the manager spawns with (Processes.ExecutableLookup.Find).</param>
    public static VerifyResult Verify(IReadOnlyList<string> files, UnitSearchPath basePath, SpecifierContext context, ExecutableSearch findExecutable)
    {
        var messages = new List<string>();
        var prepared = new List<UnitName>();
        var dirs = new List<string>();
        bool failed = false;
        foreach (string file in files)
        {
            if (!UnitName.TryParse(Path.GetFileName(file), out UnitName? name))
            {
                messages.Add($"Failed to prepare filename {file}: {Errno.Describe(Errno.EINVAL)}");
                failed = true;
                continue;
            }

            prepared.Add(name.IsTemplate ? name.WithInstance("i") : name);
            dirs.Add(Path.GetDirectoryName(Path.GetFullPath(file))!);
        }

        var loader = new UnitLoader(basePath.Prepend(dirs), context);
        int logged = 0;
        void Drain()
        {
            for (; logged < loader.Log.Count; logged++)
                messages.Add(loader.Log[logged].ToString());
        }

        var loaded = new List<LoadedUnit>();
        foreach (UnitName name in prepared)
        {
            LoadedUnit unit = loader.Load(name);
            if (unit.LoadStateMessage is string problem)
            {
                loader.Report(unit, new Diagnostic(DiagnosticSeverity.Error, "", problem));
                failed = true;
            }
            else
            {
                loaded.Add(unit);
            }

            Drain();
        }

        foreach (LoadedUnit unit in loaded)
        {
            failed |= !VerifyUnit(loader, unit, findExecutable);
            Drain();
        }

        return new VerifyResult(messages, failed ? 1 : 0);
    }

    private static bool VerifyUnit(UnitLoader loader, LoadedUnit unit, ExecutableSearch findExecutable)
    {
        bool ok = VerifyStartJob(loader, unit);
        ok &= VerifySocket(loader, unit);
        ok &= VerifyExecutables(loader, unit, findExecutable);
        return ok;
    }

    /// <summary>A start job pulls in Requires=/Requisite=/BindsTo= units (recursively); each must load. Wanted units
    /// that fail to load are warned about.</summary>
    private static bool VerifyStartJob(UnitLoader loader, LoadedUnit unit)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { unit.Name.Name };
        var queue = new Queue<LoadedUnit>([unit]);
        while (queue.Count > 0)
        {
            LoadedUnit current = queue.Dequeue();
            foreach (string dep in current.Unit.Requires.Concat(current.Unit.Requisite).Concat(current.Unit.BindsTo))
            {
                if (!seen.Add(dep) || !UnitName.TryParse(dep, out UnitName? depName))
                    continue;
                LoadedUnit d = loader.Load(depName);
                if (d.LoadStateMessage is string problem)
                {
                    loader.Report(unit, new Diagnostic(DiagnosticSeverity.Error, unit.Name.Name, $"Failed to create {unit.Name}/start: {problem}"));
                    return false;
                }

                queue.Enqueue(d);
            }

            // Wants= (and a service's Sockets=, which implies Wants=): a unit that loaded badly is only warned about;
            // not-found and masked ones are silent (logged at debug level by systemd).
            foreach (string dep in current.Unit.Wants.Concat(current.Service?.Sockets ?? []))
            {
                if (!seen.Add(dep) || !UnitName.TryParse(dep, out UnitName? depName))
                    continue;
                LoadedUnit d = loader.Load(depName);
                if (d.LoadState is LoadState.BadSetting or LoadState.Error)
                    loader.Report(unit, new Diagnostic(DiagnosticSeverity.Warning, d.Name.Name, $"Cannot add dependency job, ignoring: {d.LoadStateMessage}"));
            }
        }

        return true;
    }

    private static bool VerifySocket(UnitLoader loader, LoadedUnit unit)
    {
        if (unit.Socket is null)
            return true;
        UnitName serviceName = UnitLoader.ServiceNameFor(unit);
        LoadedUnit service = loader.Load(serviceName);
        if (service.LoadState == LoadState.Loaded)
            return true;
        loader.Report(unit, new Diagnostic(DiagnosticSeverity.Error, unit.Name.Name, $"service {serviceName} not loaded, socket cannot be started."));
        return false;
    }

    private static bool VerifyExecutables(UnitLoader loader, LoadedUnit unit, ExecutableSearch findExecutable)
    {
        IEnumerable<(string Name, List<ExecCommand> Commands)> lists = unit.Service?.ExecLists ?? unit.Socket?.ExecLists ?? [];
        bool ok = true;
        foreach ((_, List<ExecCommand> commands) in lists)
        {
            if (commands.Count == 0 || commands[0].Flags.HasFlag(ExecFlags.IgnoreFailure))
                continue;
            int r = findExecutable(commands[0].Path, out _);
            if (r == 0)
                continue;
            loader.Report(unit, new Diagnostic(DiagnosticSeverity.Error, unit.Name.Name, $"Command {commands[0].Path} is not executable: {Errno.Describe(r)}"));
            ok = false;
        }

        return ok;
    }
}
