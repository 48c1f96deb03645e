namespace Summon.Units;

/// <summary>The load-time consistency rules of systemd 252 (socket_verify(), service_verify()); each returns the
/// message of the first rule broken, or null. A broken rule makes the unit "bad-setting".</summary>
internal static class UnitValidation
{
    public static string? VerifySocket(SocketSection s)
    {
        if (s.Listen.Count == 0)
            return "Unit has no Listen setting (ListenStream=, ListenDatagram=, ListenFIFO=, ...). Refusing.";
        if (s.Accept && s.Listen.Any(l => !l.CanAccept))
            return "Unit configured for accepting sockets, but sockets are non-accepting. Refusing.";
        if (s.Accept && s.MaxConnections == 0)
            return "MaxConnection= setting too small. Refusing.";
        if (s.Accept && s.Service is not null)
            return "Explicit service configuration for accepting socket units not supported. Refusing.";
        if (s.Symlinks.Count > 0 && s.Listen.Count(l => l.IsFileSystemNode) != 1)
            return "Unit has symlinks set but none or more than one node in the file system. Refusing.";
        return null;
    }

    public static string? VerifyService(ServiceSection s, string successAction = "none")
    {
        bool hasStart = s.ExecStart.Count > 0;
        bool hasSuccessAction = successAction != "none";
        if (!hasStart && s.ExecStop.Count == 0 && !hasSuccessAction)
            return "Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.";
        if (s.Type != ServiceType.Oneshot && !hasStart)
            return "Service has no ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.";
        if (!s.RemainAfterExit && !hasStart && !hasSuccessAction)
            return "Service has no ExecStart= and no SuccessAction= settings and does not have RemainAfterExit=yes set. Refusing.";
        if (s.Type != ServiceType.Oneshot && s.ExecStart.Count > 1)
            return "Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.";
        if (s.Type == ServiceType.Oneshot && s.Restart is ServiceRestart.Always or ServiceRestart.OnSuccess)
            return "Service has Restart= set to either always or on-success, which isn't allowed for Type=oneshot services. Refusing.";
        if (s.Type == ServiceType.Dbus && s.BusName is null)
            return "Service is of type D-Bus but no D-Bus service name has been specified. Refusing.";
        return null;
    }
}
