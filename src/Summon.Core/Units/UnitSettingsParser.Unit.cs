using Summon.Posix;

namespace Summon.Units;

internal sealed partial class UnitSettingsParser
{
    /// <summary>[Unit]; null when the key is not one of ours.</summary>
    private int? ApplyUnit(string key, string value)
    {
        UnitSection u = _unit.Unit;
        switch (key)
        {
            case "Description":
                if (value.Length == 0)
                    u.Description = null;
                else if (Printf(value) is string d)
                    u.Description = d;
                return 0;
            case "Documentation":
                ApplyDocumentation(u.Documentation, value);
                return 0;
            case "Wants": AddDependencies(u.Wants, value); return 0;
            case "Requires": AddDependencies(u.Requires, value); return 0;
            case "Requisite": AddDependencies(u.Requisite, value); return 0;
            case "BindsTo" or "BindTo": AddDependencies(u.BindsTo, value); return 0;
            case "PartOf": AddDependencies(u.PartOf, value); return 0;
            case "Conflicts": AddDependencies(u.Conflicts, value); return 0;
            case "After": AddDependencies(u.After, value); return 0;
            case "Before": AddDependencies(u.Before, value); return 0;
            case "OnFailure": AddDependencies(u.OnFailure, value); return 0;
            case "OnSuccess": AddDependencies(u.OnSuccess, value); return 0;
            case "DefaultDependencies":
                if (ParseBoolean(value) is bool dd)
                    u.DefaultDependencies = dd;
                return 0;
            case "StopWhenUnneeded":
                if (ParseBoolean(value) is bool swu)
                    u.StopWhenUnneeded = swu;
                return 0;
            case "RefuseManualStart":
                if (ParseBoolean(value) is bool rms)
                    u.RefuseManualStart = rms;
                return 0;
            case "RefuseManualStop":
                if (ParseBoolean(value) is bool rmt)
                    u.RefuseManualStop = rmt;
                return 0;
            case "StartLimitIntervalSec" or "StartLimitInterval":
                if (ParseSec(value) is TimeSpan sli)
                    u.StartLimitInterval = sli;
                return 0;
            case "StartLimitBurst":
                if (ParseUnsigned(value) is uint slb)
                    u.StartLimitBurst = slb;
                return 0;
            case "SuccessAction":
                if (IsEmergencyAction(value))
                    u.SuccessAction = value.Length == 0 ? "none" : value;
                else
                    Warn($"Failed to parse SuccessAction=, ignoring: {value}");
                return 0;
            case "FailureAction":
                if (IsEmergencyAction(value))
                    u.FailureAction = value.Length == 0 ? "none" : value;
                else
                    Warn($"Failed to parse FailureAction=, ignoring: {value}");
                return 0;
            // Dependency reactions (issue 13, reactions part).
            case "Upholds": AddDependencies(u.Upholds, value); return 0;
            case "JoinsNamespaceOf": AddDependencies(u.JoinsNamespaceOf, value); return 0;   // issue 14: shared PrivateTmp=
            case "OnFailureJobMode" or "OnSuccessJobMode":
                if (value is "fail" or "replace" or "replace-irreversibly" or "isolate" or "flush" or "ignore-dependencies" or "ignore-requirements")
                {
                    if (key == "OnFailureJobMode")
                        u.OnFailureJobMode = value;
                    else
                        u.OnSuccessJobMode = value;
                }
                else
                    Warn($"Failed to parse job mode, ignoring: {value}");
                return 0;
            // Job timeouts (issue 13): 0 means infinity, and JobTimeoutSec= sets JobRunningTimeoutSec= too unless that is set itself.
            case "JobTimeoutSec":
                if (ParseTimeout(value, key) is TimeSpan jobTimeout)
                {
                    u.JobTimeout = jobTimeout;
                    if (!u.JobRunningTimeoutSet)
                        u.JobRunningTimeout = jobTimeout;
                }
                return 0;
            case "JobRunningTimeoutSec":
                if (ParseTimeout(value, key) is TimeSpan runningTimeout)
                {
                    u.JobRunningTimeout = runningTimeout;
                    u.JobRunningTimeoutSet = true;
                }
                return 0;
            case "JobTimeoutAction":
                if (IsEmergencyAction(value))
                    u.JobTimeoutAction = value.Length == 0 ? "none" : value;
                else
                    Warn($"Failed to parse JobTimeoutAction=, ignoring: {value}");
                return 0;
            case "JobTimeoutRebootArgument": u.JobTimeoutRebootArgument = value.Length == 0 ? null : value; return 0;
            case "StartLimitAction":
                if (IsEmergencyAction(value))
                    u.StartLimitAction = value.Length == 0 ? "none" : value;
                else
                    Warn($"Failed to parse StartLimitAction=, ignoring: {value}");
                return 0;
            case "SuccessActionExitStatus" or "FailureActionExitStatus":
                if (ParseExitStatus(value, out int? exitStatus))
                {
                    if (key == "SuccessActionExitStatus")
                        u.SuccessActionExitStatus = exitStatus;
                    else
                        u.FailureActionExitStatus = exitStatus;
                }
                return 0;
            case "CollectMode":
                if (value is "inactive" or "inactive-or-failed")
                    u.CollectInactiveOrFailed = value == "inactive-or-failed";
                else
                    Warn($"Failed to parse garbage collection mode, ignoring: {value}");
                return 0;
            case "SourcePath":
                u.SourcePath = value.Length == 0 ? null : Printf(value);
                return 0;
            default:
                return null;
        }
    }

    private void ApplyDocumentation(List<string> list, string value)
    {
        if (value.Length == 0)
        {
            list.Clear();
            return;
        }

        foreach (string word in Words(value))
        {
            if (Printf(word) is not string url)
                continue;
            if (IsValidDocumentationUrl(url))
                list.Add(url);
            else
                Warn($"Invalid URL, ignoring: {url}");
        }
    }

    internal static bool IsValidDocumentationUrl(string url)
    {
        static bool Ascii(string s) => s.All(c => c is >= ' ' and < (char)127);
        foreach (string scheme in (string[])["http://", "https://"])
        {
            if (url.StartsWith(scheme, StringComparison.Ordinal) && url.Length > scheme.Length && Ascii(url))
                return true;
        }

        if (url.StartsWith("file:/", StringComparison.Ordinal) && Ascii(url))
            return true;
        foreach (string scheme in (string[])["info:", "man:"])
        {
            if (url.StartsWith(scheme, StringComparison.Ordinal))
                return url.Length > scheme.Length && Ascii(url[scheme.Length..]);
        }

        return false;
    }

    /// <summary>
    /// config_parse_unit_deps(): words (escapes kept), unit-name specifiers, each a valid unit name; a template
    /// gets this unit's instance (or its prefix when this unit has none), as systemd's resolve_template() does.
    /// </summary>
    private void AddDependencies(List<string> list, string value)
    {
        foreach (string word in Words(value, ExtractFlags.RetainEscape))
        {
            int r = _specifiers.Expand(word, SpecifierSet.UnitName, out string name);
            if (r != 0)
            {
                Warn($"Failed to resolve unit specifiers in '{word}', ignoring: {Errno.Describe(r)}");
                continue;
            }

            if (!UnitName.TryParse(name, out UnitName? parsed))
            {
                Warn($"Failed to add dependency on {name}, ignoring: {Errno.Describe(Errno.EINVAL)}");
                continue;
            }

            if (parsed.IsTemplate)
            {
                string instance = _unit.Name.IsInstance ? _unit.Name.Instance! : _unit.Name.Prefix;
                if (!UnitName.TryBuild(parsed.Prefix, instance, parsed.Type, out parsed))
                {
                    Warn($"Failed to add dependency on {name}, ignoring: {Errno.Describe(Errno.EINVAL)}");
                    continue;
                }
            }

            if (parsed != _unit.Name && !list.Contains(parsed.Name))
                list.Add(parsed.Name);
        }
    }

    /// <summary>[Install]: only enable/disable read it; the manager ignores it, so nothing is checked here.</summary>
    private int? ApplyInstall(string key, string value)
    {
        InstallSection i = _unit.Install;
        switch (key)
        {
            case "WantedBy": AddWords(i.WantedBy, value); return 0;
            case "RequiredBy": AddWords(i.RequiredBy, value); return 0;
            case "Alias": AddWords(i.Alias, value); return 0;
            case "Also": AddWords(i.Also, value); return 0;
            case "DefaultInstance": i.DefaultInstance = value.Length == 0 ? null : value; return 0;
            default: return null;
        }
    }

    /// <summary>
    /// SuccessExitStatus= and friends: exit codes (0–255), exit status names or signal names; a number out of range
    /// is warned and skipped word by word, as systemd's config_parse_set_status does.
    /// </summary>
    private void AddExitStatuses(List<string> list, string value)
    {
        if (value.Length == 0)
        {
            list.Clear();
            return;
        }
        var extractor = new WordExtractor(value);
        while (extractor.Next(ExtractFlags.Unquote, out string word) > 0)
        {
            if (char.IsAsciiDigit(word[0]) && !(int.TryParse(word, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int code) && code <= 255))
            {
                Warn($"Failed to parse value, ignoring: {word}");
                continue;
            }
            if (!list.Contains(word))
                list.Add(word);
        }
    }

    private static void AddWords(List<string> list, string value)
    {
        if (value.Length == 0)
        {
            list.Clear();
            return;
        }

        var extractor = new WordExtractor(value);
        while (extractor.Next(ExtractFlags.Unquote, out string word) > 0)
        {
            if (!list.Contains(word))
                list.Add(word);
        }
    }

    /// <summary>config_parse_exit_status: 0–255, or empty for unset; anything else warns and keeps the old value.</summary>
    private bool ParseExitStatus(string value, out int? status)
    {
        status = null;
        if (value.Length == 0)
            return true;
        if (ValueParsers.TryParseInteger(value, out int v) != 0)
        {
            Warn($"Failed to parse exit status '{value}', ignoring: {Errno.Describe(Errno.EINVAL)}");
            return false;
        }
        if (v is < 0 or > 255)
        {
            Warn($"Failed to parse exit status '{value}', ignoring: {Errno.Describe(Errno.ERANGE)}");
            return false;
        }
        status = v;
        return true;
    }

    /// <summary>emergency_action values of systemd 252 (user managers accept none, exit and exit-force only).</summary>
    private bool IsEmergencyAction(string value) => value is "" or "none" or "exit" or "exit-force"
        || (!_context.UserMode && value is "reboot" or "reboot-force" or "reboot-immediate" or "poweroff" or "poweroff-force"
            or "poweroff-immediate" or "halt" or "halt-force" or "halt-immediate" or "kexec" or "kexec-force");
}
