using Summon.Posix;

namespace Summon.Units;

internal sealed partial class UnitSettingsParser
{
    /// <summary>[Service]; null when the key is not one of ours.</summary>
    private int? ApplyService(ServiceSection s, string key, string value)
    {
        switch (key)
        {
            // The old spellings in [Service] set the unit's start limit, as in systemd 252 (issue 13, part "parse").
            case "StartLimitInterval" or "StartLimitBurst":
                return ApplyUnit(key, value);
            case "Type":
                ServiceType? type = value switch
                {
                    "simple" => ServiceType.Simple,
                    "exec" => ServiceType.Exec,
                    "forking" => ServiceType.Forking,
                    "oneshot" => ServiceType.Oneshot,
                    "dbus" => ServiceType.Dbus,
                    "notify" => ServiceType.Notify,
                    "idle" => ServiceType.Idle,
                    "notify-reload" => ServiceType.NotifyReload,
                    _ => null,
                };
                if (type is null)
                    Warn($"Failed to parse service type, ignoring: {value}");
                else
                    s.TypeSetting = type;
                return 0;
            case "Restart":
                ServiceRestart? restart = value switch
                {
                    "no" => ServiceRestart.No,
                    "on-success" => ServiceRestart.OnSuccess,
                    "on-failure" => ServiceRestart.OnFailure,
                    "on-abnormal" => ServiceRestart.OnAbnormal,
                    "on-watchdog" => ServiceRestart.OnWatchdog,
                    "on-abort" => ServiceRestart.OnAbort,
                    "always" => ServiceRestart.Always,
                    _ => null,
                };
                if (restart is null)
                    Warn($"Failed to parse service restart specifier, ignoring: {value}");
                else
                    s.Restart = restart.Value;
                return 0;
            case "ExecCondition": return ExecCommandParser.Parse(value, s.ExecCondition, _specifiers, _file, _line, _diagnostics);
            case "ExecStartPre": return ExecCommandParser.Parse(value, s.ExecStartPre, _specifiers, _file, _line, _diagnostics);
            case "ExecStart": return ExecCommandParser.Parse(value, s.ExecStart, _specifiers, _file, _line, _diagnostics);
            case "ExecStartPost": return ExecCommandParser.Parse(value, s.ExecStartPost, _specifiers, _file, _line, _diagnostics);
            case "ExecReload": return ExecCommandParser.Parse(value, s.ExecReload, _specifiers, _file, _line, _diagnostics);
            case "ExecStop": return ExecCommandParser.Parse(value, s.ExecStop, _specifiers, _file, _line, _diagnostics);
            case "ExecStopPost": return ExecCommandParser.Parse(value, s.ExecStopPost, _specifiers, _file, _line, _diagnostics);
            case "PermissionsStartOnly": Set(ParseBoolean(value), v => s.PermissionsStartOnly = v); return 0;
            case "RestartSec": Set(ParseSec(value), v => s.RestartSec = v); return 0;
            case "RestartSteps": Set(ParseUnsigned(value), v => s.RestartSteps = v); return 0;
            case "RestartMaxDelaySec": Set(ParseSec(value), v => s.RestartMaxDelaySec = v); return 0;
            case "TimeoutStartSec": Set(ParseTimeout(value, key), v => s.TimeoutStartSec = v); return 0;
            case "TimeoutStopSec": Set(ParseTimeout(value), v => s.TimeoutStopSec = v); return 0;
            case "TimeoutSec":
                if (ParseTimeout(value, key) is TimeSpan t)
                {
                    s.TimeoutStartSec = t;
                    s.TimeoutStopSec = t;
                }

                return 0;
            case "RuntimeMaxSec": Set(ParseSec(value), v => s.RuntimeMaxSec = v); return 0;
            case "WatchdogSec": Set(ParseSec(value), v => s.WatchdogSec = v); return 0;
            case "RemainAfterExit": Set(ParseBoolean(value), v => s.RemainAfterExit = v); return 0;
            case "PIDFile": s.PIDFile = value.Length == 0 ? null : Printf(value, quoted: false); return 0;
            case "BusName": s.BusName = value.Length == 0 ? null : Printf(value); return 0;
            case "NotifyAccess":
                NotifyAccess? access = value switch
                {
                    "none" => NotifyAccess.None,
                    "main" => NotifyAccess.Main,
                    "exec" => NotifyAccess.Exec,
                    "all" => NotifyAccess.All,
                    _ => null,
                };
                if (access is null)
                    Warn($"Failed to parse notify access specifier, ignoring: {value}");
                else
                    s.NotifyAccessSetting = access;
                return 0;
            case "FileDescriptorStoreMax": Set(ParseUnsigned(value), v => s.FileDescriptorStoreMax = v); return 0;
            case "Sockets": AddDependencies(s.Sockets, value); return 0;
            case "KillMode":
                KillMode? mode = value switch
                {
                    "control-group" => KillMode.ControlGroup,
                    "process" => KillMode.Process,
                    "mixed" => KillMode.Mixed,
                    "none" => KillMode.None,
                    _ => null,
                };
                if (mode is null)
                    Warn($"Failed to parse kill mode specification, ignoring: {value}");
                else
                    s.KillMode = mode.Value;
                return 0;
            case "KillSignal":
                if (Signals.TryParse(value, out int signal))
                    s.KillSignal = signal;
                else
                    Warn($"Failed to parse signal name, ignoring: {value}");
                return 0;
            case "SendSIGKILL": Set(ParseBoolean(value), v => s.SendSIGKILL = v); return 0;
            case "SendSIGHUP": Set(ParseBoolean(value), v => s.SendSIGHUP = v); return 0;
            case "ReloadSignal":
                if (Signals.TryParse(value, out int reloadSignal))
                    s.ReloadSignal = reloadSignal;
                else
                    Warn($"Failed to parse signal name, ignoring: {value}");
                return 0;
            case "ExitType":
                ServiceExitType? exitType = value switch
                {
                    "main" => ServiceExitType.Main,
                    "cgroup" => ServiceExitType.Cgroup,
                    _ => null,
                };
                if (exitType is null)
                    Warn($"Failed to parse service exit type, ignoring: {value}");
                else
                    s.ExitType = exitType.Value;
                return 0;
            case "GuessMainPID": Set(ParseBoolean(value), v => s.GuessMainPID = v); return 0;
            case "OOMPolicy":
                OomPolicy? policy = value switch
                {
                    "continue" => OomPolicy.Continue,
                    "stop" => OomPolicy.Stop,
                    "kill" => OomPolicy.Kill,
                    _ => null,
                };
                if (policy is null)
                    Warn($"Failed to parse OOM policy, ignoring: {value}");
                else
                    s.OOMPolicy = policy.Value;
                return 0;
            case "SuccessExitStatus": AddExitStatuses(s.SuccessExitStatus, value); return 0;
            case "RestartPreventExitStatus": AddExitStatuses(s.RestartPreventExitStatus, value); return 0;
            case "RestartForceExitStatus": AddExitStatuses(s.RestartForceExitStatus, value); return 0;
            default: return null;
        }
    }
}
