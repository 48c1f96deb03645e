using Summon.Control;
using Summon.Posix;
using Summon.Units;

namespace Summon.Cli.Rendering;

/// <summary>A loaded unit file as the manager would see it, as named, typed properties (see <see cref="UnitJson"/>):
/// the socket's or service's own properties first, then the Unit ones, as systemd orders them on the bus.</summary>
internal static class UnitDump
{
    /// <summary>DefaultTimeoutStartSec=/DefaultTimeoutStopSec= of systemd 252.</summary>
    private static readonly TimeSpan s_defaultTimeout = TimeSpan.FromSeconds(90);

    public static List<UnitJsonProperty> Of(LoadedUnit unit)
    {
        var p = new List<UnitJsonProperty>();
        void Add(string name, object value) => p.Add(new UnitJsonProperty(name, value));

        if (unit.LoadState == LoadState.Loaded && unit.Socket is SocketSection s)
        {
            Add("BindIPv6Only", s.BindIPv6Only switch { BindIPv6Only.Both => "both", BindIPv6Only.Ipv6Only => "ipv6-only", _ => "default" });
            Add("Backlog", (ulong)s.Backlog);
            Add("SocketMode", SettingText.Octal(s.SocketMode));
            Add("DirectoryMode", SettingText.Octal(s.DirectoryMode));
            Add("Accept", s.Accept);
            Add("RemoveOnStop", s.RemoveOnStop);
            Add("ReusePort", s.ReusePort);
            Add("FreeBind", s.FreeBind);
            Add("Listen", s.Listen.Select(l => new ListenJson(l.TypeName, l.Value)).ToList());
            Add("MaxConnections", (ulong)s.MaxConnections);
            Add("MaxConnectionsPerSource", (ulong)s.MaxConnectionsPerSource);
            Add("FileDescriptorName", s.FileDescriptorName ?? unit.Name.Name);
            Add("TimeoutUSec", UnitJson.Usec(s.Timeout ?? s_defaultTimeout));
            Add("TriggerLimitIntervalUSec", UnitJson.Usec(s.TriggerLimitInterval));
            Add("TriggerLimitBurst", (ulong)s.EffectiveTriggerLimitBurst);
            foreach ((string name, List<ExecCommand> commands) in s.ExecLists)
                Add(name, commands.Select(ExecJson.Of).ToList());
        }

        if (unit.LoadState == LoadState.Loaded && unit.Service is ServiceSection v)
        {
            Add("Type", SettingText.Kebab(v.Type.ToString()));
            Add("Restart", SettingText.Kebab(v.Restart.ToString()));
            Add("NotifyAccess", SettingText.Kebab(v.EffectiveNotifyAccess.ToString()));
            Add("RestartUSec", UnitJson.Usec(v.RestartSec));
            Add("TimeoutStartUSec", UnitJson.Usec(v.TimeoutStartSec ?? s_defaultTimeout));
            Add("TimeoutStopUSec", UnitJson.Usec(v.TimeoutStopSec ?? s_defaultTimeout));
            Add("RuntimeMaxUSec", UnitJson.Usec(v.RuntimeMaxSec ?? Timeout.InfiniteTimeSpan));
            Add("WatchdogUSec", UnitJson.Usec(v.WatchdogSec ?? TimeSpan.Zero));
            Add("RemainAfterExit", v.RemainAfterExit);
            if (v.PIDFile is not null)
                Add("PIDFile", v.PIDFile);
            if (v.BusName is not null)
                Add("BusName", v.BusName);
            Add("Sockets", v.Sockets.ToList());
            foreach ((string name, List<ExecCommand> commands) in v.ExecLists)
                Add(name, commands.Select(ExecJson.Of).ToList());
            Add("Environment", v.Environment.ToList());
            Add("WorkingDirectory", v.WorkingDirectory ?? "");
            Add("User", v.User ?? "");
            Add("Group", v.Group ?? "");
            Add("StandardInput", SettingText.Kebab(v.StandardInput.ToString()));
            Add("StandardOutput", StandardOutputNames.Name(v.StandardOutput));
            Add("StandardError", StandardOutputNames.Name(v.Exec.StandardErrorShown));
            Add("KillMode", SettingText.Kebab(v.KillMode.ToString()));
            Add("KillSignal", "SIG" + Signals.Name(v.KillSignal));
            Add("SendSIGKILL", v.SendSIGKILL);
            Add("SendSIGHUP", v.SendSIGHUP);
        }

        Add("Id", unit.Name.Name);
        Add("Names", unit.Names.Count > 0 ? unit.Names.ToList() : new List<string> { unit.Name.Name });
        if (unit.LoadState == LoadState.Loaded && unit.Socket is SocketSection socket)
            Add("Triggers", socket.Accept ? new List<string>() : [UnitLoader.ServiceNameFor(unit).Name]);
        Add("Requires", unit.Unit.Requires.ToList());
        Add("Wants", unit.Unit.Wants.ToList());
        Add("Before", unit.Unit.Before.ToList());
        Add("After", unit.Unit.After.ToList());
        Add("Documentation", unit.Unit.Documentation.ToList());
        Add("Description", unit.Description);
        Add("LoadState", unit.LoadState.ToText());
        Add("FragmentPath", unit.FragmentPath ?? "");
        Add("DropInPaths", unit.DropInPaths.ToList());
        Add("DefaultDependencies", unit.Unit.DefaultDependencies);
        Add("WantedBy", unit.Install.WantedBy.ToList());
        Add("RequiredBy", unit.Install.RequiredBy.ToList());
        Add("Alias", unit.Install.Alias.ToList());
        Add("Also", unit.Install.Also.ToList());
        if (unit.LoadStateMessage is string error)
            Add("LoadError", error);
        return p;
    }


}
