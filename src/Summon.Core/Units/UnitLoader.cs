using Summon.Posix;

namespace Summon.Units;

/// <summary>
/// Loads units by name from a <see cref="UnitSearchPath"/> the way systemd's manager does: the fragment (for an
/// instance, the literal file or else its template), drop-ins, masking (empty file or /dev/null link), parsing, the
/// socket's related service, and the socket_verify()/service_verify() rules. Each unit is loaded once per loader;
/// <see cref="Log"/> holds every diagnostic in the order systemd would print it. Never throws for user input.
/// </summary>
internal sealed partial class UnitLoader
{
    private readonly Dictionary<string, LoadedUnit> _units = new(StringComparer.Ordinal);
    private readonly List<Diagnostic> _log = [];
    private readonly Dictionary<LoadedUnit, int> _flushed = [];

    /// <param name="path">Where unit files are looked up.</param>
    /// <param name="context">What specifiers expand to: <see cref="SpecifierContext.ForHost"/> for this machine.</param>
    public UnitLoader(UnitSearchPath path, SpecifierContext context)
    {
        SearchPath = path;
        Context = context;
    }

    public UnitSearchPath SearchPath { get; }

    public SpecifierContext Context { get; }

    /// <summary>The alias symlinks of the search path (scanned on first use).</summary>
    public UnitAliases Aliases => _aliases ??= UnitAliases.Scan(SearchPath);

    private UnitAliases? _aliases;

    /// <summary>Every diagnostic of every unit loaded so far, in load order (what `verify` prints).</summary>
    public IReadOnlyList<Diagnostic> Log => _log;

    /// <summary>Units loaded so far.</summary>
    public IReadOnlyCollection<LoadedUnit> Units => _units.Values;

    /// <summary>Loads (once) the unit of this name; an alias name gives its target's unit (whose
    /// <see cref="LoadedUnit.Name"/> is the canonical name).</summary>
    public LoadedUnit Load(UnitName name)
    {
        if (_units.TryGetValue(name.Name, out LoadedUnit? cached))
            return cached;

        UnitName canonical = Aliases.Resolve(name);
        if (canonical != name)
        {
            LoadedUnit target = Load(canonical);
            _units[name.Name] = target;
            return target;
        }

        string? fragment = Aliases.IsRejected(name.Name) ? null : SearchPath.FindFragment(name.Name);
        if (fragment is null && name.IsInstance && !Aliases.IsRejected(name.Template().Name))
            fragment = SearchPath.FindFragment(name.Template().Name);
        return LoadFragment(name, fragment);
    }

    /// <summary>Loads a given file; the unit name is its file name (a template file loads as the template).</summary>
    public LoadedUnit LoadFile(string path)
    {
        string full = Path.GetFullPath(path);
        if (!UnitName.TryParse(Path.GetFileName(full), out UnitName? name))
        {
            var unit = new LoadedUnit { Name = UnitName.Parse("invalid.service"), FragmentPath = full, LoadState = LoadState.Error, LoadError = Errno.EINVAL };
            Report(unit, new Diagnostic(DiagnosticSeverity.Error, "", $"Failed to prepare filename {path}: {Errno.Describe(Errno.EINVAL)}"));
            return unit;
        }

        if (_units.TryGetValue(name.Name, out LoadedUnit? cached))
            return cached;
        return LoadFragment(name, full);
    }

    /// <summary>Adds a message to a unit and to <see cref="Log"/> (used by the verifier for its own findings).</summary>
    internal void Report(LoadedUnit unit, Diagnostic diagnostic)
    {
        Flush(unit);
        unit.Diagnostics.Add(diagnostic);
        Flush(unit);
    }

    private void Flush(LoadedUnit unit)
    {
        int done = _flushed.GetValueOrDefault(unit);
        for (int i = done; i < unit.Diagnostics.Count; i++)
            _log.Add(unit.Diagnostics[i]);
        _flushed[unit] = unit.Diagnostics.Count;
    }

    private LoadedUnit LoadFragment(UnitName name, string? fragment)
    {
        var unit = new LoadedUnit
        {
            Name = name,
            Names = Aliases.NamesOf(name),
            FragmentPath = fragment,
            Socket = name.Type == UnitType.Socket ? new SocketSection() : null,
            Service = name.Type == UnitType.Service ? new ServiceSection() : null,
        };
        unit.DropInPaths = DropIns.Find(SearchPath, unit.Names.Select(UnitName.Parse));
        _units[name.Name] = unit;

        if (fragment is null)
        {
            // Device units come from the kernel, not from files: they load without a fragment (device_load()).
            unit.LoadState = name.Type == UnitType.Device ? LoadState.Loaded : LoadState.NotFound;
            return unit;
        }

        if (IsMasked(fragment))
        {
            unit.LoadState = LoadState.Masked;
            return unit;
        }

        var specifiers = new Specifiers(name, fragment, Context);
        var parser = new UnitSettingsParser(unit, specifiers, Context, unit.Diagnostics, LoadRelatedForSetting(unit));
        int r = ParseFile(unit, parser, fragment);
        if (r == 0)
        {
            // systemd's unit_load_dropin ignores what config_parse returns: an error (a line not UTF-8 clean, a bad
            // section header, a fatal setting) ends that drop-in alone, after its file:line message.
            foreach (string dropIn in unit.DropInPaths)
                ParseFile(unit, parser, dropIn);
        }
        unit.NeedsRuntimeDirectory = specifiers.MissedRuntimeDirectory;

        if (r == Errno.ENOEXEC)
        {
            Report(unit, new Diagnostic(DiagnosticSeverity.Error, name.Name, "Unit configuration has fatal error, unit will not be started."));
            unit.LoadState = LoadState.BadSetting;
            return unit;
        }

        if (r != 0)
        {
            unit.LoadState = LoadState.Error;
            unit.LoadError = r;
            Flush(unit);
            return unit;
        }

        unit.LoadState = LoadState.Loaded;
        if (unit.Socket is not null)
        {
            AddSocketExtras(unit, unit.Socket);
            if (HasUnnormalizedSocketPath(unit.Socket))
            {
                unit.LoadState = LoadState.Error;
                unit.LoadError = Errno.EPERM;
                Flush(unit);
                return unit;
            }
        }

        string? problem = unit.Socket is not null ? UnitValidation.VerifySocket(unit.Socket)
            : unit.Service is not null ? UnitValidation.VerifyService(unit.Service, unit.Unit.SuccessAction)
            : null;
        if (problem is not null)
        {
            Report(unit, new Diagnostic(DiagnosticSeverity.Error, name.Name, problem));
            unit.LoadState = LoadState.BadSetting;
        }

        Flush(unit);
        return unit;
    }

    private int ParseFile(LoadedUnit unit, UnitSettingsParser parser, string file)
    {
        byte[] data;
        try
        {
            data = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Report(unit, new Diagnostic(DiagnosticSeverity.Error, unit.Name.Name, $"Failed to open {file}: {e.Message}"));
            return e is UnauthorizedAccessException ? Errno.EACCES : Errno.EIO;
        }

        var lexer = new UnitFileLexer(file, unit.Name.Type.Sections(), unit.Diagnostics);
        int r = lexer.Parse(data, a =>
        {
            int rr = parser.Apply(file, a);
            Flush(unit);
            return rr;
        });
        Flush(unit);
        return r;
    }

    /// <summary>Service= loads the named unit right away (its warnings come first, as in systemd).</summary>
    private Func<string, string?> LoadRelatedForSetting(LoadedUnit unit) => name =>
    {
        Flush(unit);
        Load(UnitName.Parse(name));
        return null;
    };

    /// <summary>socket_add_extras(): an Accept=no socket loads its service (Service= or the same-named one).</summary>
    private void AddSocketExtras(LoadedUnit unit, SocketSection socket)
    {
        if (socket.Accept || socket.Service is not null)
            return;
        Flush(unit);
        Load(unit.Name.WithType(UnitType.Service));
    }

    /// <summary>socket_add_mount_dependencies(): the unit requires the mounts of each unix socket path, and a path that
    /// is not normalized once simplified ("/run/x/../y") makes that fail with EPERM, so the unit does not load.</summary>
    private static bool HasUnnormalizedSocketPath(SocketSection socket)
        => socket.Listen.Any(l => l.Address?.Family == ListenFamily.Unix && l.Value.StartsWith('/')
            && !UnitNameEscaping.IsNormalizedPath(ExecCommandParser.SimplifyPath(l.Value)));

    /// <summary>The service a socket activates when started without a connection (socket_load_service_unit(s, -1)):
    /// Service=, else prefix@internal.service for Accept=yes, else the same-named .service.</summary>
    public static UnitName ServiceNameFor(LoadedUnit socketUnit)
    {
        SocketSection socket = socketUnit.Socket ?? throw new ArgumentException("Not a socket unit.", nameof(socketUnit));
        if (socket.Service is not null && UnitName.TryParse(socket.Service, out UnitName? explicitName))
            return explicitName;
        return socket.Accept
            ? UnitName.Parse($"{socketUnit.Name.Prefix}@internal.service")
            : socketUnit.Name.WithType(UnitType.Service);
    }

    /// <summary>An empty regular file, or a link to /dev/null.</summary>
    internal static bool IsMasked(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                FileSystemInfo? target = info.ResolveLinkTarget(returnFinalTarget: true);
                if (target?.FullName == "/dev/null")
                    return true;
                if (target is FileInfo f)
                    info = f;
            }

            return info.Exists && info.Length == 0 && (info.Attributes & FileAttributes.Device) == 0
                ? true
                : info.FullName == "/dev/null";
        }
        catch (IOException)
        {
            return false;
        }
    }
}
