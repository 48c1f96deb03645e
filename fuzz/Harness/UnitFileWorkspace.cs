using System.Text;
using Summon.Posix;
using Summon.Units;

namespace Summon.Fuzz;

/// <summary>
/// Writes one input's unit files into a private directory and loads them as the manager and `verify` do. The body
/// is the fragment, then drop-ins after each "#@drop-in" line; drop-in i goes to the i-th directory systemd would
/// look in for that name (NAME.d, the template's, the dashed prefixes', the type's). An instance name is written
/// as its template, so instance specifiers and template lookup are exercised; a header that is no unit name loads
/// the body as fuzz.service.
/// </summary>
internal sealed class UnitFileWorkspace : IDisposable
{
    private static ReadOnlySpan<byte> DropInMarker => "\n#@drop-in\n"u8;

    private static readonly SpecifierContext Context = new()
    {
        Hostname = "fuzz.example",
        MachineId = "0123456789abcdef0123456789abcdef",
        BootId = "fedcba9876543210fedcba9876543210",
        KernelRelease = "6.1.0-fuzz",
        RuntimeDirectory = "/run",
    };

    private readonly string _root;
    private readonly string _units;

    public UnitFileWorkspace(string root)
    {
        _root = root;
        _units = Path.Combine(root, "units");
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }

    public void Load(string header, ReadOnlySpan<byte> body)
    {
        if (Directory.Exists(_units))
            Directory.Delete(_units, recursive: true);
        Directory.CreateDirectory(_units);

        if (!UnitName.TryParse(header, out UnitName? name))
            name = UnitName.Parse("fuzz.service");
        UnitName fileName = name.IsInstance ? name.Template() : name;
        string fragment = Path.Combine(_units, fileName.Name);
        string[] dropInDirectories = DropIns.DirectoryNames(name).ToArray();

        int part = 0;
        while (true)
        {
            int marker = body.IndexOf(DropInMarker);
            ReadOnlySpan<byte> content = marker < 0 ? body : body[..(marker + 1)];
            if (part == 0)
            {
                File.WriteAllBytes(fragment, content.ToArray());
            }
            else
            {
                string dir = Path.Combine(_units, dropInDirectories[(part - 1) % dropInDirectories.Length]);
                Directory.CreateDirectory(dir);
                File.WriteAllBytes(Path.Combine(dir, $"{part:D2}-fuzz.conf"), content.ToArray());
            }

            if (marker < 0)
                break;
            body = body[(marker + DropInMarker.Length)..];
            part++;
        }

        UnitSearchPath path = UnitSearchPath.FromDirectories([_units]);

        // The manager's way: load by name, then the socket's service.
        var loader = new UnitLoader(path, Context);
        LoadedUnit unit = loader.Load(name);
        if (unit.LoadState == LoadState.Loaded && unit.Socket is not null)
            loader.Load(UnitLoader.ServiceNameFor(unit));
        foreach (Diagnostic d in loader.Log)
            _ = d.ToString();

        // `verify`'s way: the file, its dependencies, the socket's service and the executables.
        UnitVerifier.Verify([fragment], path, Context, FindExecutable);
    }

    /// <summary>A lookup that touches no file: absolute paths exist, bare names do not.</summary>
    private static int FindExecutable(string name, out string? resolved)
    {
        resolved = name.StartsWith('/') ? name : null;
        return resolved is null ? Errno.ENOENT : 0;
    }
}
