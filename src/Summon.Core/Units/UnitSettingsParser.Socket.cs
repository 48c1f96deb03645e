using Summon.Posix;

namespace Summon.Units;

internal sealed partial class UnitSettingsParser
{
    /// <summary>[Socket]; null when the key is not one of ours.</summary>
    private int? ApplySocket(SocketSection s, string key, string value)
    {
        switch (key)
        {
            case "ListenStream": ApplyListen(s, ListenType.Stream, key, value); return 0;
            case "ListenDatagram": ApplyListen(s, ListenType.Datagram, key, value); return 0;
            case "ListenSequentialPacket": ApplyListen(s, ListenType.SequentialPacket, key, value); return 0;
            case "ListenFIFO": ApplyListen(s, ListenType.Fifo, key, value); return 0;
            case "ListenSpecial": ApplyListen(s, ListenType.Special, key, value); return 0;
            case "ListenNetlink": ApplyListen(s, ListenType.Netlink, key, value); return 0;
            case "ListenMessageQueue": ApplyListen(s, ListenType.MessageQueue, key, value); return 0;
            case "ListenUSBFunction": ApplyListen(s, ListenType.UsbFunction, key, value); return 0;
            case "Accept": Set(ParseBoolean(value), v => s.Accept = v); return 0;
            case "Service": return ApplySocketService(s, value);
            case "MaxConnections": Set(ParseUnsigned(value), v => s.MaxConnections = v); return 0;
            case "MaxConnectionsPerSource": Set(ParseUnsigned(value), v => s.MaxConnectionsPerSource = v); return 0;
            case "Backlog": Set(ParseUnsigned(value), v => s.Backlog = v); return 0;
            case "BindIPv6Only":
                switch (value)
                {
                    case "default": s.BindIPv6Only = BindIPv6Only.Default; break;
                    case "both": s.BindIPv6Only = BindIPv6Only.Both; break;
                    case "ipv6-only": s.BindIPv6Only = BindIPv6Only.Ipv6Only; break;
                    default:
                        if (ValueParsers.TryParseBoolean(value, out bool only))
                            s.BindIPv6Only = only ? BindIPv6Only.Ipv6Only : BindIPv6Only.Both;
                        else
                            Warn($"Failed to parse bind IPv6 only value, ignoring: {value}");
                        break;
                }

                return 0;
            case "BindToDevice": s.BindToDevice = value.Length == 0 ? null : value; return 0;
            case "SocketUser": s.SocketUser = value.Length == 0 ? null : Printf(value); return 0;
            case "SocketGroup": s.SocketGroup = value.Length == 0 ? null : Printf(value); return 0;
            case "SocketMode": Set(ParseMode(value), v => s.SocketMode = v); return 0;
            case "DirectoryMode": Set(ParseMode(value), v => s.DirectoryMode = v); return 0;
            case "FileDescriptorName":
                if (value.Length == 0)
                    s.FileDescriptorName = null;
                else if (Printf(value) is string fdName)
                {
                    if (IsValidFdName(fdName))
                        s.FileDescriptorName = fdName;
                    else
                        Warn($"Invalid file descriptor name, ignoring: {fdName}");
                }

                return 0;
            case "RemoveOnStop": Set(ParseBoolean(value), v => s.RemoveOnStop = v); return 0;
            case "Symlinks": ApplyPathList(s.Symlinks, key, value); return 0;
            case "ReusePort": Set(ParseBoolean(value), v => s.ReusePort = v); return 0;
            case "FreeBind": Set(ParseBoolean(value), v => s.FreeBind = v); return 0;
            case "Transparent": Set(ParseBoolean(value), v => s.Transparent = v); return 0;
            case "Broadcast": Set(ParseBoolean(value), v => s.Broadcast = v); return 0;
            case "NoDelay": Set(ParseBoolean(value), v => s.NoDelay = v); return 0;
            case "KeepAlive": Set(ParseBoolean(value), v => s.KeepAlive = v); return 0;
            case "KeepAliveTimeSec": Set(ParseSec(value), v => s.KeepAliveTime = v); return 0;
            case "KeepAliveIntervalSec": Set(ParseSec(value), v => s.KeepAliveInterval = v); return 0;
            case "KeepAliveProbes": Set(ParseUnsigned(value), v => s.KeepAliveProbes = v); return 0;
            case "DeferAcceptSec": Set(ParseSec(value), v => s.DeferAccept = v); return 0;
            case "PassCredentials": Set(ParseBoolean(value), v => s.PassCredentials = v); return 0;
            case "PassSecurity": Set(ParseBoolean(value), v => s.PassSecurity = v); return 0;
            case "PassPacketInfo": Set(ParseBoolean(value), v => s.PassPacketInfo = v); return 0;
            case "Writable": Set(ParseBoolean(value), v => s.Writable = v); return 0;
            case "FlushPending": Set(ParseBoolean(value), v => s.FlushPending = v); return 0;
            case "Priority": Set(ParseInteger(value), v => s.Priority = v); return 0;
            case "Mark": Set(ParseInteger(value), v => s.Mark = v); return 0;
            case "IPTTL": Set(ParseInteger(value), v => s.IPTTL = v); return 0;
            case "ReceiveBuffer": Set(ParseSize(value), v => s.ReceiveBuffer = v); return 0;
            case "SendBuffer": Set(ParseSize(value), v => s.SendBuffer = v); return 0;
            case "PipeSize": Set(ParseSize(value), v => s.PipeSize = v); return 0;
            case "TCPCongestion": s.TCPCongestion = value.Length == 0 ? null : value; return 0;
            case "TriggerLimitIntervalSec": Set(ParseSec(value), v => s.TriggerLimitInterval = v); return 0;
            case "TriggerLimitBurst": Set(ParseUnsigned(value), v => s.TriggerLimitBurst = v); return 0;
            case "PollLimitIntervalSec": Set(ParseSec(value), v => s.PollLimitInterval = v); return 0;
            case "PollLimitBurst": Set(ParseUnsigned(value), v => s.PollLimitBurst = v); return 0;
            case "TimeoutSec": Set(ParseTimeout(value), v => s.Timeout = v); return 0;
            case "ExecStartPre": return ExecCommandParser.Parse(value, s.ExecStartPre, _specifiers, _file, _line, _diagnostics);
            case "ExecStartPost": return ExecCommandParser.Parse(value, s.ExecStartPost, _specifiers, _file, _line, _diagnostics);
            case "ExecStopPre": return ExecCommandParser.Parse(value, s.ExecStopPre, _specifiers, _file, _line, _diagnostics);
            case "ExecStopPost": return ExecCommandParser.Parse(value, s.ExecStopPost, _specifiers, _file, _line, _diagnostics);
            case "IPAddressAllow": ApplyIpAddresses(s.IPAddressAllow, value); return 0;
            case "IPAddressDeny": ApplyIpAddresses(s.IPAddressDeny, value); return 0;
            default: return null;
        }
    }

    private static void Set<T>(T? value, Action<T> set)
        where T : struct
    {
        if (value is T v)
            set(v);
    }

    /// <summary>config_parse_socket_listen(): an empty value removes every Listen* entry.</summary>
    private void ApplyListen(SocketSection s, ListenType type, string key, string value)
    {
        if (value.Length == 0)
        {
            s.Listen.Clear();
            return;
        }

        if (Printf(value, quoted: false) is not string k)
            return;

        if (type is ListenType.Stream or ListenType.Datagram or ListenType.SequentialPacket)
        {
            if (k.StartsWith('/'))
                k = PatchVarRun(k);
            if (!ListenAddressParser.TryParse(k, out ListenAddress? address, out int errno))
            {
                Warn($"Failed to parse address value in '{k}', ignoring: {Errno.Describe(errno)}");
                return;
            }

            if (type == ListenType.SequentialPacket && !address.IsUnix)
            {
                Warn($"Address family not supported, ignoring: {value}");
                return;
            }

            s.Listen.Add(new ListenSpec(type, address.ToString(), address));
            return;
        }

        if (type == ListenType.Netlink)
        {
            if (!NetlinkAddress.TryParse(k, out string? canonical))
            {
                Warn($"Failed to parse address value in '{k}', ignoring: {Errno.Describe(Errno.EINVAL)}");
                return;
            }

            s.Listen.Add(new ListenSpec(type, canonical, null));
            return;
        }

        if (SimplifyAbsolutePath(key, k) is not string simplified)
            return;
        k = simplified;
        if (type == ListenType.Fifo)
            k = PatchVarRun(k);
        s.Listen.Add(new ListenSpec(type, k, null));
    }

    /// <summary>/var/run/X is rewritten to /run/X (systemd logs this at notice level only).</summary>
    private static string PatchVarRun(string path)
        => path.StartsWith("/var/run/", StringComparison.Ordinal) ? "/run/" + path["/var/run/".Length..] : path;

    /// <summary>config_parse_socket_service(): must name a loadable, non-template .service.</summary>
    private int ApplySocketService(SocketSection s, string value)
    {
        int r = _specifiers.Expand(value, SpecifierSet.UnitName, out string name);
        if (r != 0)
            return Fatal($"Failed to resolve unit specifiers in {value}: {Errno.Describe(r)}");
        if (!name.EndsWith(".service", StringComparison.Ordinal))
        {
            Warn($"Unit must be of type service, ignoring: {value}");
            return 0;
        }

        string? error = !UnitName.TryParse(name, out UnitName? parsed) ? $"Unit name {name} is not valid."
            : parsed.IsTemplate ? $"Unit name {name} is missing the instance name."
            : _loadRelated?.Invoke(name);
        if (error is not null)
        {
            Warn($"Failed to load unit {value}, ignoring: {error}");
            return 0;
        }

        s.Service = name;
        return 0;
    }

    /// <summary>fdname_is_valid(): at most 255 printable ASCII characters, no ':'.</summary>
    internal static bool IsValidFdName(string name)
        => name.Length is > 0 and <= 255 && name.All(c => c is >= ' ' and < (char)127 and not ':');

    private void ApplyPathList(List<string> list, string key, string value)
    {
        if (value.Length == 0)
        {
            list.Clear();
            return;
        }

        foreach (string word in Words(value))
        {
            if (Printf(word, quoted: false) is not string path)
                continue;
            if (SimplifyAbsolutePath(key, path) is string simplified)
                list.Add(simplified);
        }
    }

    /// <summary>path_simplify_and_warn(PATH_CHECK_ABSOLUTE): the path simplified, or null (with systemd's warning)
    /// when it is relative, too long, or not normalized once simplified (a ".." left).</summary>
    private string? SimplifyAbsolutePath(string key, string path)
    {
        if (!path.StartsWith('/'))
        {
            Warn($"{key}= path is not absolute, ignoring: {path}");
            return null;
        }

        string k = ExecCommandParser.SimplifyPath(path);
        if (!ExecCommandParser.IsValidPath(k))
        {
            Warn($"{key}= path has invalid length ({System.Text.Encoding.UTF8.GetByteCount(k)} bytes), ignoring.");
            return null;
        }

        if (!UnitNameEscaping.IsNormalizedPath(k))
        {
            Warn($"{key}= path is not normalized, ignoring: {k}");
            return null;
        }

        return k;
    }
}
