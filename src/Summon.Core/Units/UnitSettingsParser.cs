using Summon.Posix;

namespace Summon.Units;

/// <summary>
/// Applies the assignments of one unit file to a <see cref="LoadedUnit"/>, with systemd's value syntax and wording
/// of warnings ("FILE:LINE: Failed to parse boolean value, ignoring: maybe"). Known keys Summon does not read are
/// still validated by kind; unknown keys are warned about (X- keys are ignored silently). A handler returns 0, or
/// ENOEXEC when the setting is fatal for the unit (the rest of the file is then not read, as in systemd).
/// </summary>
internal sealed partial class UnitSettingsParser
{
    private readonly LoadedUnit _unit;
    private readonly Specifiers _specifiers;
    private readonly SpecifierContext _context;
    private readonly List<Diagnostic> _diagnostics;
    private readonly Func<string, string?>? _loadRelated;
    private readonly HashSet<string> _reportedUnsupported = new(StringComparer.Ordinal);

    // Where the one load warning of each unapplied protective key stands in the diagnostics, to reword it when a later
    // assignment of the key asks for protection or takes the request back.
    private readonly Dictionary<string, int> _unappliedWarnings = new(StringComparer.Ordinal);

    // Where each name stands in the unit's one Environment= list, so a later assignment replaces the earlier one
    // without searching the list: loading stays linear in the number of assignments.
    private readonly Dictionary<string, int> _environmentIndex = new(StringComparer.Ordinal);
    private string _file = "";
    private int _line;

    /// <param name="loadRelated">Loads another unit by name (for Service=); returns null on success or the bus error text.</param>
    public UnitSettingsParser(LoadedUnit unit, Specifiers specifiers, SpecifierContext context, List<Diagnostic> diagnostics, Func<string, string?>? loadRelated = null)
    {
        _unit = unit;
        _specifiers = specifiers;
        _context = context;
        _diagnostics = diagnostics;
        _loadRelated = loadRelated;
    }

    public int Apply(string file, UnitFileAssignment a)
    {
        _file = file;
        _line = a.Line;
        int? r = a.Section switch
        {
            "Unit" => ApplyUnit(a.Key, a.Value) ?? ApplyCondition(a.Key, a.Value) ?? ApplyUnitJobs(a.Key, a.Value),
            "Install" => ApplyInstall(a.Key, a.Value),
            "Socket" when _unit.Socket is not null => ApplySocket(_unit.Socket, a.Key, a.Value) ?? ApplyExec(_unit.Socket.Exec, a.Key, a.Value),
            "Service" when _unit.Service is not null => ApplyService(_unit.Service, a.Key, a.Value) ?? ApplyExec(_unit.Service.Exec, a.Key, a.Value)
                ?? ApplyResourceControl(_unit.Service.Resources, a.Key, a.Value),
            SummonSection.Name when _unit.Service is not null => ApplySummonService(_unit.Service, a.Key, a.Value),
            SummonSection.Name when _unit.Socket is not null => ApplySummonSocket(_unit.Socket, a.Key, a.Value),
            _ => null,
        };
        if (r is not null)
        {
            ReportUnsupported(a);
            return r.Value;
        }

        IReadOnlyDictionary<string, KeyKind>? known = KnownKeys.ForSection(a.Section);
        if (known is not null && known.TryGetValue(a.Key, out KeyKind kind))
        {
            if (a.Key.StartsWith("Limit", StringComparison.Ordinal) && a.Section is "Service" or "Socket")
                kind = KeyKind.ResourceLimit;
            ValidateKnown(kind, a.Value);
            ReportUnsupported(a);
            return 0;
        }

        if (!a.Key.StartsWith("X-", StringComparison.Ordinal))
            Warn($"Unknown key '{a.Key}' in section [{a.Section}], ignoring.");
        return 0;
    }

    /// <summary>A systemd key Summon loads but does not honour: said once per unit, never silently. A protective key
    /// whose value asks for protection is recorded instead, and the warning says what its starts will do.</summary>
    private void ReportUnsupported(UnitFileAssignment a)
    {
        string? what = SupportedKeys.Unsupported(a.Section, a.Key, a.Value);
        if (what is null)
            return;
        if (UnappliedSandboxKeys.Find(a.Key, a.Section) is { } row && ExecOf(a.Section) is { } exec)
        {
            // One line per key, at its first assignment, saying what the unit's starts do once every file is read:
            // a drop-in that takes the request back turns it into the plain "does not support" line.
            RecordUnappliedSandbox(exec, row, a.Value);
            bool asked = exec.UnappliedSandbox?.Requests.Any(r => r.Row == row) == true;
            string message = asked ? UnappliedSandboxKeys.LoadWarning(row) : SupportedKeys.Message(what);
            if (_unappliedWarnings.TryGetValue(row.Key, out int at))
            {
                _diagnostics[at] = _diagnostics[at] with { Message = message };
            }
            else
            {
                _unappliedWarnings[row.Key] = _diagnostics.Count;
                Warn(message);
            }
            return;
        }
        if (_reportedUnsupported.Add(what))
            Warn(SupportedKeys.Message(what));
    }

    private ExecSettings? ExecOf(string section) => section switch
    {
        "Service" => _unit.Service?.Exec,
        "Socket" => _unit.Socket?.Exec,
        _ => null,
    };

    /// <summary>Keeps the latest protective request of an unapplied sandbox key in the section's exec settings: a value
    /// that asks records it, one that asks nothing takes it out, one systemd ignores leaves the earlier one.</summary>
    private static void RecordUnappliedSandbox(ExecSettings exec, UnappliedSandboxKey row, string value)
    {
        switch (row.Asks(value))
        {
            case true:
                (exec.UnappliedSandbox ??= new()).Set(row, value);
                break;
            case false when exec.UnappliedSandbox is { } requests:
                requests.Remove(row);
                if (requests.IsEmpty)
                    exec.UnappliedSandbox = null;
                break;
        }
    }

    /// <summary>Checks the value of a key we load but do not interpret, so that a typo still warns like systemd.</summary>
    private void ValidateKnown(KeyKind kind, string value)
    {
        switch (kind)
        {
            case KeyKind.Boolean:
                ParseBoolean(value);
                break;
            case KeyKind.Unsigned:
                ParseUnsigned(value);
                break;
            case KeyKind.Integer:
                ParseInteger(value);
                break;
            case KeyKind.Seconds:
                ParseSec(value);
                break;
            case KeyKind.Mode:
                ParseMode(value);
                break;
            case KeyKind.Size:
                ParseSize(value);
                break;
            case KeyKind.JobMode:
                if (value is not ("fail" or "replace" or "replace-irreversibly" or "isolate" or "flush" or "ignore-dependencies" or "ignore-requirements" or "triggering"))
                    Warn($"Failed to parse job mode, ignoring: {value}");
                break;
            case KeyKind.ResourceLimit:
                if (!IsValidResourceLimit(value))
                    Warn($"Failed to parse resource value, ignoring: {value}");
                break;
        }
    }

    /// <summary>LimitX=: "infinity", a number (size or time span), or "soft:hard" of those.</summary>
    internal static bool IsValidResourceLimit(string value)
    {
        string[] parts = value.Split(':');
        return parts.Length is 1 or 2 && parts.All(p => p == "infinity"
            || ValueParsers.TryParseSize(p, out _) == 0 || ValueParsers.TryParseTimeSpan(p, out _) == 0);
    }

    private void Warn(string message) => _diagnostics.Add(Diagnostic.Syntax(DiagnosticSeverity.Warning, _file, _line, message));

    private int Fatal(string message)
    {
        _diagnostics.Add(Diagnostic.Syntax(DiagnosticSeverity.Error, _file, _line, message));
        return Errno.ENOEXEC;
    }

    private bool? ParseBoolean(string value)
    {
        if (ValueParsers.TryParseBoolean(value, out bool b))
            return b;
        Warn($"Failed to parse boolean value, ignoring: {value}");
        return null;
    }

    private uint? ParseUnsigned(string value)
    {
        if (ValueParsers.TryParseUnsigned(value, out uint v) == 0)
            return v;
        Warn($"Failed to parse unsigned value, ignoring: {value}");
        return null;
    }

    private int? ParseInteger(string value)
    {
        if (ValueParsers.TryParseInteger(value, out int v) == 0)
            return v;
        Warn($"Failed to parse int value, ignoring: {value}");
        return null;
    }

    private TimeSpan? ParseSec(string value, string what = "sec")
    {
        if (ValueParsers.TryParseTimeSpan(value, out TimeSpan v) == 0)
            return v;
        Warn($"Failed to parse {what} value, ignoring: {value}");
        return null;
    }

    /// <summary>config_parse_sec_fix_0(): like sec, but 0 means infinity.</summary>
    private TimeSpan? ParseTimeout(string value, string? key = null)
    {
        if (ValueParsers.TryParseTimeSpan(value, out TimeSpan v) == 0)
            return v == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : v;
        Warn(key is null ? $"Failed to parse time value, ignoring: {value}" : $"Failed to parse {key}= parameter, ignoring: {value}");
        return null;
    }

    private uint? ParseMode(string value)
    {
        if (ValueParsers.TryParseMode(value, out uint v) == 0)
            return v;
        Warn($"Failed to parse mode value, ignoring: {value}");
        return null;
    }

    private ulong? ParseSize(string value)
    {
        int r = ValueParsers.TryParseSize(value, out ulong v);
        if (r == 0)
            return v;
        Warn($"Failed to parse size value '{value}', ignoring: {Errno.Describe(r)}");
        return null;
    }

    /// <summary>unit_full_printf() with systemd's "Failed to resolve unit specifiers in '…', ignoring" warning.</summary>
    private string? Printf(string value, SpecifierSet set = SpecifierSet.Full, bool quoted = true)
    {
        int r = _specifiers.Expand(value, set, out string result);
        if (r == 0)
            return result;
        Warn(quoted
            ? $"Failed to resolve unit specifiers in '{value}', ignoring: {Errno.Describe(r)}"
            : $"Failed to resolve unit specifiers in {value}, ignoring: {Errno.Describe(r)}");
        return null;
    }

    /// <summary>Splits a list value into words (quotes removed); warns "Invalid syntax" and stops on bad quoting.</summary>
    private List<string> Words(string value, ExtractFlags flags = ExtractFlags.Unquote)
    {
        var words = new List<string>();
        var extractor = new WordExtractor(value);
        while (true)
        {
            int r = extractor.Next(flags, out string word);
            if (r == 0)
                break;
            if (r < 0)
            {
                Warn($"Invalid syntax, ignoring: {value}");
                break;
            }

            words.Add(word);
        }

        return words;
    }
}
