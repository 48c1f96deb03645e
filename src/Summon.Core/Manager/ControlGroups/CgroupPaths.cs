namespace Summon.Manager.ControlGroups;

/// <summary>Where a unit's cgroup sits below the manager's root, as systemd lays slices out (unit_default_cgroup_path).</summary>
internal static class CgroupPaths
{
    /// <summary>The slice services go to without Slice=: system.slice for the system manager, app.slice for a user's.</summary>
    public static string DefaultSlice(bool userMode) => userMode ? "app.slice" : "system.slice";

    /// <summary>
    /// "a-b-c.slice" → "a.slice/a-b.slice/a-b-c.slice"; "-.slice" (the root slice) → "". Each dash starts a parent.
    /// </summary>
    public static string SlicePath(string slice)
    {
        if (slice == "-.slice")
            return "";
        string prefix = slice[..^".slice".Length];
        var parts = new List<string>();
        for (int dash = prefix.IndexOf('-'); dash >= 0; dash = prefix.IndexOf('-', dash + 1))
            parts.Add(prefix[..dash] + ".slice");
        parts.Add(slice);
        return string.Join('/', parts);
    }

    /// <summary>The unit's cgroup relative to the manager's root: "system.slice/foo.service".</summary>
    public static string UnitPath(string slice, string unitId)
    {
        string slicePath = SlicePath(slice);
        return slicePath.Length == 0 ? unitId : slicePath + "/" + unitId;
    }
}
