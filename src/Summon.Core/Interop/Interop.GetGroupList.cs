using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>
    /// getgrouplist(3): the groups <paramref name="user"/> belongs to, <paramref name="group"/> included (what
    /// initgroups(3) would set). Returns the count, or -1 with *ngroups set to the needed size when the array is too small.
    /// </summary>
    [LibraryImport(Name, EntryPoint = "getgrouplist")]
    internal static unsafe partial int GetGroupList(byte* user, uint group, uint* groups, int* ngroups);
}
