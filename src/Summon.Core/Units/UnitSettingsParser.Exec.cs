using Summon.Posix;

namespace Summon.Units;

internal sealed partial class UnitSettingsParser
{
    /// <summary>The systemd.exec(5) keys Summon reads (shared by [Service] and [Socket]); null when not one of ours.</summary>
    private int? ApplyExec(ExecSettings e, string key, string value)
    {
        switch (key)
        {
            case "Environment": ApplyEnvironment(e.Environment, value); return 0;
            case "EnvironmentFile":
                if (value.Length == 0)
                {
                    e.EnvironmentFiles.Clear();
                    return 0;
                }

                if (Printf(value, quoted: false) is string envFile)
                {
                    if (!envFile.TrimStart('-').StartsWith('/'))
                        Warn($"Path '{envFile}' is not absolute, ignoring.");
                    else
                        e.EnvironmentFiles.Add(envFile);
                }

                return 0;
            case "PassEnvironment": ApplyNameList(e.PassEnvironment, value); return 0;
            case "UnsetEnvironment": ApplyNameList(e.UnsetEnvironment, value); return 0;
            case "WorkingDirectory": return ApplyWorkingDirectory(e, value);
            case "RootDirectory":
                e.RootDirectory = value.Length == 0 ? null : Printf(value, quoted: false);
                return 0;
            case "User": return ApplyUserGroup(value, v => e.User = v);
            case "Group": return ApplyUserGroup(value, v => e.Group = v);
            case "SupplementaryGroups": AddWords(e.SupplementaryGroups, value); return 0;
            case "UMask":
                if (ParseMode(value) is uint umask)
                    e.UMask = umask;
                return 0;
            case "Nice":
                if (value.Length == 0)
                {
                    e.Nice = null;
                }
                else
                {
                    int r = ValueParsers.TryParseInteger(value, out int nice);
                    if (r != 0)
                        Warn($"Failed to parse nice priority '{value}', ignoring: {Errno.Describe(r)}");
                    else if (nice is < -20 or > 19)
                        Warn($"Nice priority out of range, ignoring: {value}");
                    else
                        e.Nice = nice;
                }

                return 0;
            case "IgnoreSIGPIPE": Set(ParseBoolean(value), v => e.IgnoreSigpipe = v); return 0;
            case "NonBlocking" when ReferenceEquals(e, _unit.Service?.Exec): Set(ParseBoolean(value), v => e.NonBlocking = v); return 0;
            case not null when ResourceLimits.FromKey(key) is ResourceLimitKind kind: ApplyResourceLimit(e, kind, value); return 0;
            case "LoadCredential" or "LoadCredentialEncrypted" or "SetCredential" or "SetCredentialEncrypted" or "ImportCredential": return ApplyCredential(e, key, value);   // credentials part
            case "StandardInput": ApplyStandardInput(e, value); return 0;
            case "StandardOutput": ApplyStandardOutput(e, value, stderr: false); return 0;
            case "StandardError": ApplyStandardOutput(e, value, stderr: true); return 0;
            case "SyslogIdentifier":
                e.SyslogIdentifier = value.Length == 0 ? null : Printf(value);
                return 0;
            case "SyslogLevel" when SyslogNames.TryParseLevel(value, out int level): e.SyslogLevel = level; return 0;
            case "LogLevelMax" when SyslogNames.TryParseLevel(value, out int max): e.LogLevelMax = max; return 0;
            case "SyslogLevel" or "LogLevelMax": Warn($"Failed to parse log level, ignoring: {value}"); return 0;
            case "SyslogFacility" when SyslogNames.TryParseFacility(value, out int facility): e.SyslogFacility = facility; return 0;
            case "SyslogFacility": Warn($"Failed to parse log facility, ignoring: {value}"); return 0;
            case "SyslogLevelPrefix": Set(ParseBoolean(value), v => e.SyslogLevelPrefix = v); return 0;
            case "LogExtraFields": ApplyLogExtraFields(e.LogExtraFields, value); return 0;
            default:
                return ApplyDirectories(e, key!, value) ?? ApplySharedSandboxKey(e, key!, value) ?? ApplySeccomp(e.Seccomp, key!, value)
                    ?? ApplySandboxMount(e.Mounts, key!, value) ?? ApplyPrivilege(e.Privileges, key!, value) ?? ApplyExecAttribute(e.Attributes, key!, value);
        }
    }

    /// <summary>config_parse_log_extra_fields(): FIELD=VALUE words, unquoted and unescaped, with journal field names; empty resets.</summary>
    private void ApplyLogExtraFields(List<string> fields, string value)
    {
        if (value.Length == 0)
        {
            fields.Clear();
            return;
        }

        var words = new WordExtractor(value);
        while (true)
        {
            int r = words.Next(ExtractFlags.Unquote | ExtractFlags.CUnescape, out string word);
            if (r == 0)
                return;
            if (r < 0)
            {
                Warn($"Failed to parse log fields, ignoring: {value}");
                return;
            }

            if (Printf(word, quoted: false) is not string field)
                continue;
            int eq = field.IndexOf('=');
            if (eq < 0)
                Warn($"Log field lacks '=' character, ignoring: {field}");
            else if (!IsJournalFieldName(field.AsSpan(0, eq)))
                Warn($"Log field name is invalid, ignoring: {field}");
            else
                fields.Add(field);
        }
    }

    /// <summary>journal_field_valid() without protected fields: A–Z, 0–9 and '_', not starting with a digit or '_', at most 64.</summary>
    private static bool IsJournalFieldName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > 64 || name[0] is '_' or (>= '0' and <= '9'))
            return false;
        foreach (char c in name)
            if (c is not ((>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_'))
                return false;
        return true;
    }

    /// <summary>config_parse_rlimit(): "SOFT:HARD" or one value for both, per resource syntax (see <see cref="ResourceLimits"/>).</summary>
    private void ApplyResourceLimit(ExecSettings e, ResourceLimitKind kind, string value)
    {
        int r = ResourceLimits.TryParse(kind, value, out ResourceLimitValue limit);
        if (r == ResourceLimits.EILSEQ)
            Warn($"Soft resource limit chosen higher than hard limit, ignoring: {value}");
        else if (r != 0)
            Warn($"Failed to parse resource value, ignoring: {value}");
        else
            e.Limits[kind] = limit;
    }

    /// <summary>config_parse_environ(): "K=V" words, unquoted and unescaped; later K replaces earlier; empty resets.</summary>
    private void ApplyEnvironment(List<string> env, string value)
    {
        if (value.Length == 0)
        {
            env.Clear();
            _environmentIndex.Clear();
            return;
        }

        var words = new WordExtractor(value);
        while (true)
        {
            int r = words.Next(ExtractFlags.Unquote | ExtractFlags.CUnescape, out string word);
            if (r == 0)
                return;
            if (r < 0)
            {
                Warn($"Invalid syntax, ignoring: {value}");
                return;
            }

            if (Printf(word, quoted: false) is not string resolved)
                continue;
            if (!IsValidEnvironmentAssignment(resolved))
            {
                Warn($"Invalid environment assignment, ignoring: {resolved}");
                continue;
            }

            string name = resolved[..resolved.IndexOf('=')];
            if (_environmentIndex.TryGetValue(name, out int existing))
            {
                env[existing] = resolved;
            }
            else
            {
                _environmentIndex[name] = env.Count;
                env.Add(resolved);
            }
        }
    }

    internal static bool IsValidEnvironmentName(string name)
        => name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    internal static bool IsValidEnvironmentAssignment(string s)
    {
        int eq = s.IndexOf('=');
        return eq > 0 && IsValidEnvironmentName(s[..eq]) && s[(eq + 1)..].All(c => c is '\t' or '\n' || (c >= ' ' && c != (char)127));
    }

    private void ApplyNameList(List<string> list, string value)
    {
        if (value.Length == 0)
        {
            list.Clear();
            return;
        }

        foreach (string word in Words(value, ExtractFlags.Unquote | ExtractFlags.CUnescape))
        {
            if (!IsValidEnvironmentName(word))
                Warn($"Invalid environment name, ignoring: {word}");
            else if (!list.Contains(word))
                list.Add(word);
        }
    }

    /// <summary>config_parse_working_directory(): "-" prefix means missing is fine; "~" is the user's home.</summary>
    private int ApplyWorkingDirectory(ExecSettings e, string value)
    {
        if (value.Length == 0)
        {
            e.WorkingDirectory = null;
            e.WorkingDirectoryMissingOk = false;
            return 0;
        }

        bool missingOk = value.StartsWith('-');
        string v = missingOk ? value[1..] : value;
        if (v == "~")
        {
            e.WorkingDirectory = "~";
            e.WorkingDirectoryMissingOk = missingOk;
            return 0;
        }

        string suffix = missingOk ? ", ignoring" : "";
        int r = _specifiers.Expand(v, SpecifierSet.Full, out string path);
        if (r != 0)
        {
            string message = $"Failed to resolve unit specifiers in working directory path '{v}'{suffix}: {Errno.Describe(r)}";
            if (missingOk)
            {
                Warn(message);
                return 0;
            }

            return Fatal(message);
        }

        if (!path.StartsWith('/'))
        {
            if (missingOk)
            {
                Warn($"WorkingDirectory= path is not absolute{suffix}: {path}");
                return 0;
            }

            return Fatal($"WorkingDirectory= path is not absolute: {path}");
        }

        e.WorkingDirectory = ExecCommandParser.SimplifyPath(path);
        e.WorkingDirectoryMissingOk = missingOk;
        return 0;
    }

    /// <summary>config_parse_user_group_compat(): relaxed user/group name or numeric id; invalid ones are fatal.</summary>
    private int ApplyUserGroup(string value, Action<string?> set)
    {
        if (value.Length == 0)
        {
            set(null);
            return 0;
        }

        int r = _specifiers.Expand(value, SpecifierSet.Full, out string name);
        if (r != 0)
            return Fatal($"Failed to resolve unit specifiers in {value}: {Errno.Describe(r)}");
        if (!IsValidUserGroupName(name))
            return Fatal($"Invalid user/group name or numeric ID: {name}");
        if (!name.All(char.IsAsciiDigit) && !IsStrictUserGroupName(name))
            _diagnostics.Add(new Diagnostic(DiagnosticSeverity.Warning, "", $"Accepting user/group name '{name}', which does not match strict user/group name rules."));
        set(name);
        return 0;
    }

    /// <summary>valid_user_group_name() in relaxed mode (what User=/Group= accept): superficial checks only.</summary>
    internal static bool IsValidUserGroupName(string name)
    {
        if (name.Length == 0 || name is "." or ".." or "-" || name[0] == ' ' || name[^1] == ' ')
            return false;
        if (name.Any(c => c < ' ' || c == (char)127 || c is ':' or '/'))
            return false;
        if (name.All(char.IsAsciiDigit))
            return uint.TryParse(name, out uint id) && id != uint.MaxValue && id != 65535;
        return true;
    }

    /// <summary>The strict (POSIX-ish) rules; a relaxed name outside them is accepted with a notice.</summary>
    internal static bool IsStrictUserGroupName(string name)
        => name.Length is > 0 and <= 31 && (char.IsAsciiLetter(name[0]) || name[0] == '_')
        && name.Skip(1).All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    private void ApplyStandardInput(ExecSettings e, string value)
    {
        if (value.StartsWith("fd:", StringComparison.Ordinal))
        {
            if (Printf(value[3..]) is not string fd)
                return;
            if (fd.Length > 0 && !IsValidFdName(fd))
            {
                Warn($"Invalid file descriptor name, ignoring: {fd}");
                return;
            }

            e.StandardInputFdName = fd.Length == 0 ? null : fd;
            e.StandardInput = StandardInputKind.Fd;
            return;
        }

        if (value.StartsWith("file:", StringComparison.Ordinal))
        {
            if (StdioPath("StandardInput", value[5..]) is not string path)
                return;
            e.StandardInputPath = path;
            e.StandardInput = StandardInputKind.File;
            return;
        }

        StandardInputKind? kind = value switch
        {
            "null" => StandardInputKind.Null,
            "tty" => StandardInputKind.Tty,
            "tty-force" => StandardInputKind.TtyForce,
            "tty-fail" => StandardInputKind.TtyFail,
            "socket" => StandardInputKind.Socket,
            "data" => StandardInputKind.Data,
            "fd" => StandardInputKind.Fd,
            "file" => StandardInputKind.File,
            _ => null,
        };
        if (kind is null)
            Warn($"Failed to parse input specifier, ignoring: {value}");
        else
            e.StandardInput = kind.Value;
    }

    private void ApplyStandardOutput(ExecSettings e, string value, bool stderr)
    {
        string key = stderr ? "StandardError" : "StandardOutput";
        StandardOutputKind? kind = null;
        string? path = null;
        string? fdName = null;
        if (value.StartsWith("fd:", StringComparison.Ordinal))
        {
            if (Printf(value[3..]) is not string fd)
                return;
            if (fd.Length > 0 && !IsValidFdName(fd))
            {
                Warn($"Invalid file descriptor name, ignoring: {fd}");
                return;
            }

            fdName = fd.Length == 0 ? null : fd;
            kind = StandardOutputKind.Fd;
        }
        else if (value.IndexOf(':') is int colon && colon > 0 && value[..colon] is "file" or "append" or "truncate")
        {
            path = StdioPath(key, value[(colon + 1)..]);
            if (path is null)
                return;
            kind = value[..colon] switch { "file" => StandardOutputKind.File, "append" => StandardOutputKind.Append, _ => StandardOutputKind.Truncate };
        }
        else
        {
            kind = value switch
            {
                "inherit" => StandardOutputKind.Inherit,
                "null" => StandardOutputKind.Null,
                "tty" => StandardOutputKind.Tty,
                "journal" or "syslog" => StandardOutputKind.Journal,
                "kmsg" => StandardOutputKind.Kmsg,
                "journal+console" or "syslog+console" => StandardOutputKind.JournalConsole,
                "kmsg+console" => StandardOutputKind.KmsgConsole,
                "socket" => StandardOutputKind.Socket,
                "fd" => StandardOutputKind.Fd,
                _ => null,
            };
            if (kind is null)
            {
                Warn($"Failed to parse output specifier, ignoring: {value}");
                return;
            }
        }

        if (stderr)
        {
            e.StandardErrorSetting = kind;
            e.StandardErrorPath = path;
            e.StandardErrorFdName = fdName;
        }
        else
        {
            e.StandardOutputSetting = kind;
            e.StandardOutputPath = path;
            e.StandardOutputFdName = fdName;
        }
    }

    private string? StdioPath(string key, string raw)
    {
        int r = _specifiers.Expand(raw, SpecifierSet.Full, out string path);
        if (r != 0)
        {
            Warn($"Failed to resolve unit specifiers in '{raw}': {Errno.Describe(r)}");
            return null;
        }

        if (!path.StartsWith('/'))
        {
            Warn($"{key}= path is not absolute: {path}");
            return null;
        }

        return ExecCommandParser.SimplifyPath(path);
    }
}
