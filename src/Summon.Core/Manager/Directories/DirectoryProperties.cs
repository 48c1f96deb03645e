using Summon.Control;
using Summon.Units;

namespace Summon.Manager.Directories;

/// <summary>The service directories as systemd 252's D-Bus properties, in bus order, valued as `systemctl show` prints them.</summary>
internal static class DirectoryProperties
{
    public static void Add(List<UnitProperty> p, ExecSettings exec)
    {
        var directories = exec.Directories;
        p.Add(new UnitProperty("RuntimeDirectoryPreserve", directories.Preserve switch
        {
            RuntimeDirectoryPreserve.Yes => "yes",
            RuntimeDirectoryPreserve.Restart => "restart",
            _ => "no",
        }));
        foreach (var kind in ExecDirectories.Kinds)
        {
            string key = ExecDirectories.Key(kind);
            var directory = directories[kind];
            p.Add(new UnitProperty(key + "Mode", Convert.ToString(directory.Mode, 8).PadLeft(4, '0')));
            p.Add(new UnitProperty(key, string.Join(' ', directory.Items.Select(i => i.Path))));
        }
    }
}
