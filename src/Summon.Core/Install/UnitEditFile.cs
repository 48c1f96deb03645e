using System.Text;
using Summon.Units;

namespace Summon.Install;

/// <summary>Why a unit cannot be edited.</summary>
internal enum EditProblem { None, InvalidName, Masked, NotFound }

/// <summary>
/// One file `edit` opens, as systemd 252's systemctl edit lays it out: the unit's drop-in NAME.d/override.conf in
/// the write directory (the editor sees its current text between two marker lines and the unit's files below, as
/// comments), or with --full a copy of the whole unit file at NAME in the write directory. The editor works on a
/// private temporary file beside the target; <see cref="Install"/> keeps only a non-empty, changed result.
/// </summary>
internal sealed class UnitEditFile
{
    public const string MarkerStart = "### Anything between here and the comment below will become the new contents of the file";
    public const string MarkerEnd = "### Lines below this comment will be discarded";

    private readonly string _initial;

    private UnitEditFile(string target, string temporary, bool full, string initial)
    {
        Target = target;
        Temporary = temporary;
        Full = full;
        _initial = initial;
    }

    /// <summary>Where the result goes.</summary>
    public string Target { get; }

    /// <summary>What the editor opens.</summary>
    public string Temporary { get; }

    public bool Full { get; }

    /// <summary>The unit's file and drop-ins, or why it cannot be edited; a unit without a file is
    /// <see cref="EditProblem.NotFound"/> unless <paramref name="force"/> creates it.</summary>
    public static EditProblem Check(UnitSearchPath path, SpecifierContext specifiers, string name, bool force, out LoadedUnit? unit)
    {
        unit = null;
        if (!UnitName.TryParse(name, out var unitName))
            return EditProblem.InvalidName;
        unit = new UnitLoader(path, specifiers).Load(unitName);
        if (unit.LoadState == LoadState.Masked)
            return EditProblem.Masked;
        return unit.FragmentPath is null && !force ? EditProblem.NotFound : EditProblem.None;
    }

    /// <summary>Writes the temporary file (mode 0600, its directory made 0700 if missing) for a checked unit.</summary>
    public static UnitEditFile Create(UnitSearchPath path, LoadedUnit unit, bool full)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException();
        string fileName = FileName(unit);
        string target = full ? Path.Combine(path.WriteDirectory, fileName) : Path.Combine(path.WriteDirectory, fileName + ".d", "override.conf");
        string directory = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string temporary = Path.Combine(directory, $".#{Path.GetFileName(target)}{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..16]}");
        string initial = full ? ReadOrEmpty(unit.FragmentPath) : DropInTemplate(target, unit);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
        using (var stream = new FileStream(temporary, options))
            stream.Write(Encoding.UTF8.GetBytes(initial));
        return new UnitEditFile(target, temporary, full, initial);
    }

    /// <summary>After the editor: an empty result is "canceled" (nothing written), an unchanged one is left alone,
    /// anything else replaces the target. Returns the warning to print, or null.</summary>
    public string? Install()
    {
        string edited = File.ReadAllText(Temporary);
        if (edited.Length == 0)
            return Canceled;
        if (Full)
        {
            if (edited != _initial)
                File.Move(Temporary, Target, overwrite: true);
            return null;
        }
        string contents = BetweenMarkers(edited);
        if (contents.Length == 0)
            return Canceled;
        if (contents + "\n" == ReadOrEmpty(Target))
            return null;
        File.WriteAllText(Temporary, contents + "\n");
        File.Move(Temporary, Target, overwrite: true);
        return null;
    }

    /// <summary>Removes the temporary file, and the drop-in directory when it stayed empty.</summary>
    public void CleanUp()
    {
        File.Delete(Temporary);
        string directory = Path.GetDirectoryName(Target)!;
        if (!Full && Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any())
            Directory.Delete(directory);
    }

    private string Canceled => $"Editing \"{Target}\" canceled: temporary file is empty.";

    /// <summary>The file name edits go under: the fragment's (aliases followed), with the instance of an instance
    /// name put back when the fragment is its template.</summary>
    private static string FileName(LoadedUnit unit)
    {
        if (unit.FragmentPath is null)
            return unit.Name.Name;
        string file = Path.GetFileName(unit.FragmentPath);
        if (unit.Name.IsInstance && UnitName.TryParse(file, out var fragmentName) && fragmentName.IsTemplate)
            return fragmentName.WithInstance(unit.Name.Instance!).Name;
        return file;
    }

    private static string DropInTemplate(string target, LoadedUnit unit)
    {
        string current = ReadOrEmpty(target);
        var text = new StringBuilder()
            .Append("### Editing ").Append(target).Append('\n')
            .Append(MarkerStart).Append('\n')
            .Append('\n')
            .Append(current).Append(current.EndsWith('\n') ? "" : "\n")
            .Append('\n')
            .Append(MarkerEnd);
        IEnumerable<string> files = unit.FragmentPath is null ? unit.DropInPaths : unit.DropInPaths.Prepend(unit.FragmentPath);
        foreach (string file in files.Where(f => f != target))
        {
            text.Append("\n\n### ").Append(file);
            string contents = ReadOrEmpty(file).Trim();
            if (contents.Length > 0)
                text.Append("\n# ").Append(contents.Replace("\n", "\n# ", StringComparison.Ordinal));
        }
        return text.Append('\n').ToString();
    }

    /// <summary>systemd's trim_edit_markers(): what lies between the two markers, without surrounding whitespace.</summary>
    private static string BetweenMarkers(string text)
    {
        int start = text.IndexOf(MarkerStart, StringComparison.Ordinal);
        string rest = start < 0 ? text : text[(start + MarkerStart.Length)..];
        int end = rest.IndexOf(MarkerEnd, StringComparison.Ordinal);
        return (end < 0 ? rest : rest[..end]).Trim();
    }

    private static string ReadOrEmpty(string? file) => file is not null && File.Exists(file) ? File.ReadAllText(file) : "";
}
