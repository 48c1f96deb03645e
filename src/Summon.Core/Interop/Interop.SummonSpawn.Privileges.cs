using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static unsafe partial class SummonSpawn
{
    /// <summary><see cref="Privileges.Set"/> bits; keep in step with summon_privileges.c.</summary>
    internal const int PRIV_BOUNDING = 1, PRIV_AMBIENT = 2, PRIV_NO_NEW_PRIVS = 4, PRIV_USERNS = 8, PRIV_USERNS_EARLY = 16,
        PRIV_NETNS = 32, PRIV_IPCNS = 64, PRIV_UTSNS = 128;

    /// <summary>struct summon_privileges: the namespaces, capability sets and no_new_privs the child applies.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Privileges
    {
        public int Set;
        public uint OuterUid;
        public uint OuterGid;
        public uint Uid;
        public uint Gid;
        public int Padding;
        public ulong Bounding;
        public ulong Ambient;
    }

    /// <summary>sizeof(struct summon_privileges), to check the layout against the library's.</summary>
    [LibraryImport(Library, EntryPoint = "summon_privileges_size")]
    internal static partial nuint PrivilegesSize();
}
