namespace Summon.Units;

internal sealed partial class UnitSettingsParser
{
    /// <summary>The file-system keys of the sandbox (<see cref="SandboxMountSettings"/>) with systemd 252's syntax and
    /// warnings (config_parse_protect_system, config_parse_namespace_path_strv, config_parse_bind_paths, …); null when
    /// the key is not one of them.</summary>
    private int? ApplySandboxMount(SandboxMountSettings m, string key, string value)
    {
        switch (key)
        {
            case "ProtectSystem":
                ProtectSystemMode? system = value switch
                {
                    "full" => ProtectSystemMode.Full,
                    "strict" => ProtectSystemMode.Strict,
                    _ when ValueParsers.TryParseBoolean(value, out bool yes) => yes ? ProtectSystemMode.Yes : ProtectSystemMode.No,
                    _ => null,
                };
                if (system is null)
                    Warn($"Failed to parse protect system value, ignoring: {value}");
                else
                    m.ProtectSystem = system.Value;
                return 0;
            case "ProtectHome":
                ProtectHomeMode? home = value switch
                {
                    "read-only" => ProtectHomeMode.ReadOnly,
                    "tmpfs" => ProtectHomeMode.Tmpfs,
                    _ when ValueParsers.TryParseBoolean(value, out bool yes) => yes ? ProtectHomeMode.Yes : ProtectHomeMode.No,
                    _ => null,
                };
                if (home is null)
                    Warn($"Failed to parse protect home value, ignoring: {value}");
                else
                    m.ProtectHome = home.Value;
                return 0;
            case "MountFlags":
                MountPropagation? propagation = value switch
                {
                    "shared" => MountPropagation.Shared,
                    "slave" => MountPropagation.Slave,
                    "private" => MountPropagation.Private,
                    "" => null,
                    _ => (MountPropagation)(-1),
                };
                if (propagation == (MountPropagation)(-1))
                    Warn($"Failed to parse mount flag, ignoring: {value}");
                else
                    m.MountFlags = propagation;
                return 0;
            case "ProtectProc":
                ProtectProcMode? proc = value switch
                {
                    "default" => ProtectProcMode.Default,
                    "noaccess" => ProtectProcMode.NoAccess,
                    "invisible" => ProtectProcMode.Invisible,
                    "ptraceable" => ProtectProcMode.Ptraceable,
                    _ => null,
                };
                if (proc is null)
                    Warn($"Failed to parse /proc/ protection mode, ignoring: {value}");
                else
                    m.ProtectProc = proc.Value;
                return 0;
            case "ProcSubset":
                if (value is "all" or "pid")
                    m.ProcSubset = value == "pid" ? ProcSubsetMode.Pid : ProcSubsetMode.All;
                else
                    Warn($"Failed to parse /proc/ subset mode, ignoring: {value}");
                return 0;
            case "MountAPIVFS": Set(ParseBoolean(value), v => m.MountApiVfs = v); return 0;
            case "RootImage":
                m.RootImage = value.Length == 0 ? null : Printf(value, quoted: false);
                return 0;
            case "PrivateTmp": Set(ParseBoolean(value), v => m.PrivateTmp = v); return 0;
            case "ProtectKernelTunables": Set(ParseBoolean(value), v => m.ProtectKernelTunables = v); return 0;
            case "ProtectControlGroups": Set(ParseBoolean(value), v => m.ProtectControlGroups = v); return 0;
            case "PrivateMounts": Set(ParseBoolean(value), v => m.PrivateMounts = v); return 0;
            case "ReadWritePaths" or "ReadWriteDirectories": ApplySandboxPaths(key, m.ReadWritePaths, value); return 0;
            case "ReadOnlyPaths" or "ReadOnlyDirectories": ApplySandboxPaths(key, m.ReadOnlyPaths, value); return 0;
            case "InaccessiblePaths" or "InaccessibleDirectories": ApplySandboxPaths(key, m.InaccessiblePaths, value); return 0;
            case "ExecPaths": ApplySandboxPaths(key, m.ExecPaths, value); return 0;
            case "NoExecPaths": ApplySandboxPaths(key, m.NoExecPaths, value); return 0;
            case "TemporaryFileSystem": ApplyTemporaryFileSystem(key, m.TemporaryFileSystems, value); return 0;
            case "BindPaths": ApplyBindPaths(key, m.Binds, value, readOnly: false); return 0;
            case "BindReadOnlyPaths": ApplyBindPaths(key, m.Binds, value, readOnly: true); return 0;
            default:
                return null;
        }
    }

    /// <summary>config_parse_namespace_path_strv(): absolute paths, each with an optional "-" then an optional "+"
    /// prefix; an empty value resets the list.</summary>
    private void ApplySandboxPaths(string key, List<SandboxPath> paths, string value)
    {
        if (value.Length == 0)
        {
            paths.Clear();
            return;
        }

        foreach (string word in Words(value))
        {
            string rest = word;
            bool ignoreMissing = rest.StartsWith('-');
            if (ignoreMissing)
                rest = rest[1..];
            bool insideRoot = rest.StartsWith('+');
            if (insideRoot)
                rest = rest[1..];
            if (Printf(rest) is not string path)
                continue;
            if (!path.StartsWith('/'))
            {
                Warn($"{key}= path is not absolute, ignoring: {path}");
                continue;
            }

            paths.Add(new SandboxPath(ExecCommandParser.SimplifyPath(path), ignoreMissing, insideRoot));
        }
    }

    /// <summary>config_parse_temporary_filesystems(): "path[:options]" words; an empty value resets the list.</summary>
    private void ApplyTemporaryFileSystem(string key, List<SandboxTemporaryFileSystem> list, string value)
    {
        if (value.Length == 0)
        {
            list.Clear();
            return;
        }

        foreach (string word in Words(value))
        {
            int colon = word.IndexOf(':');
            string rawPath = colon < 0 ? word : word[..colon];
            string options = colon < 0 ? "" : word[(colon + 1)..];
            if (Printf(rawPath) is not string path)
                continue;
            if (!path.StartsWith('/'))
            {
                Warn($"{key}= path is not absolute, ignoring: {path}");
                continue;
            }

            list.Add(new SandboxTemporaryFileSystem(ExecCommandParser.SimplifyPath(path), options));
        }
    }

    /// <summary>config_parse_bind_paths(): "[-]source[:destination[:rbind|norbind]]" words; an empty value resets both
    /// BindPaths= and BindReadOnlyPaths=, as systemd's shared list does.</summary>
    private void ApplyBindPaths(string key, List<SandboxBind> binds, string value, bool readOnly)
    {
        if (value.Length == 0)
        {
            binds.Clear();
            return;
        }

        foreach (string word in Words(value))
        {
            string[] parts = word.Split(':', 3);

            bool ignoreMissing = parts[0].StartsWith('-');
            if (Printf(ignoreMissing ? parts[0][1..] : parts[0]) is not string source)
                continue;
            if (!source.StartsWith('/'))
            {
                Warn($"{key}= path is not absolute, ignoring: {source}");
                continue;
            }

            string destination = source;
            if (parts.Length > 1)
            {
                if (Printf(parts[1]) is not string dest)
                    continue;
                if (!dest.StartsWith('/'))
                {
                    Warn($"{key}= path is not absolute, ignoring: {dest}");
                    continue;
                }

                destination = dest;
            }

            bool recursive = true;
            if (parts.Length > 2)
            {
                if (parts[2] is "rbind" or "")
                    recursive = true;
                else if (parts[2] == "norbind")
                    recursive = false;
                else
                {
                    Warn($"Invalid option string, ignoring setting: {parts[2]}");
                    continue;
                }
            }

            binds.Add(new SandboxBind(ExecCommandParser.SimplifyPath(source), ExecCommandParser.SimplifyPath(destination), ignoreMissing, recursive, readOnly));
        }
    }
}
