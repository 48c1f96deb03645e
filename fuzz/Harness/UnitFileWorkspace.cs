using System.Text;
using Summon.Posix;
using Summon.Units;

namespace Summon.Fuzz;

/// <summary>
/// Writes one input's unit files into a private directory and loads them as the manager and `verify` do. The body
/// is the fragment, then drop-ins after each "#@drop-in" line; drop-in i goes to the i-th directory systemd would
/// look in for that name (NAME.d, the template's, the dashed prefixes', the type's). An instance name is written
/// as its template, so instance specifiers and template lookup are exercised; a header that is no unit name loads
/// the body as fuzz.service. Files cost more than the parse itself, so one input in eight (chosen by a hash of its
/// bytes, so the same input always takes the same path, as AFL needs) goes through the files, the loader and
/// `verify`; the rest go through the loader's own steps in memory (lexer, settings parser, validation).
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

    public void Load(string header, ReadOnlySpan<byte> body, bool throughFiles)
    {
        if (!UnitName.TryParse(header, out UnitName? name))
            name = UnitName.Parse("fuzz.service");
        UnitName fileName = name.IsInstance ? name.Template() : name;
        string fragment = Path.Combine(_units, fileName.Name);
        List<byte[]> parts = Split(body);
        if (throughFiles)
            LoadFiles(name, fragment, parts);
        else
            Parse(name, fragment, parts);
    }

    private static List<byte[]> Split(ReadOnlySpan<byte> body)
    {
        var parts = new List<byte[]>();
        while (true)
        {
            int marker = body.IndexOf(DropInMarker);
            if (marker < 0)
            {
                parts.Add(body.ToArray());
                return parts;
            }

            parts.Add(body[..(marker + 1)].ToArray());
            body = body[(marker + DropInMarker.Length)..];
        }
    }

    /// <summary>UnitLoader.LoadFragment's steps on bytes: the fragment then each drop-in until one fails, the
    /// type's validation when all loaded; Service= names are parsed as the loader parses them.</summary>
    private static void Parse(UnitName name, string fragment, List<byte[]> parts)
    {
        var unit = new LoadedUnit
        {
            Name = name,
            Names = [name.Name],
            FragmentPath = fragment,
            Socket = name.Type == UnitType.Socket ? new SocketSection() : null,
            Service = name.Type == UnitType.Service ? new ServiceSection() : null,
        };
        var parser = new UnitSettingsParser(unit, new Specifiers(name, fragment, Context), Context, unit.Diagnostics, related =>
        {
            UnitName.Parse(related);
            return null;
        });
        int r = 0;
        for (int i = 0; i < parts.Count && r == 0; i++)
        {
            string file = i == 0 ? fragment : $"{fragment}.d/{i:D2}-fuzz.conf";
            r = new UnitFileLexer(file, name.Type.Sections(), unit.Diagnostics).Parse(parts[i], a => parser.Apply(file, a));
        }

        if (r == 0 && unit.Socket is not null)
        {
            UnitValidation.VerifySocket(unit.Socket);
            UnitLoader.ServiceNameFor(unit);
        }
        else if (r == 0 && unit.Service is not null)
        {
            UnitValidation.VerifyService(unit.Service, unit.Unit.SuccessAction);
        }

        foreach (Diagnostic d in unit.Diagnostics)
            _ = d.ToString();
    }

    private void LoadFiles(UnitName name, string fragment, List<byte[]> parts)
    {
        if (Directory.Exists(_units))
            Directory.Delete(_units, recursive: true);
        Directory.CreateDirectory(_units);
        File.WriteAllBytes(fragment, parts[0]);
        string[] dropInDirectories = DropIns.DirectoryNames(name).ToArray();
        for (int i = 1; i < parts.Count; i++)
        {
            string dir = Path.Combine(_units, dropInDirectories[(i - 1) % dropInDirectories.Length]);
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(Path.Combine(dir, $"{i:D2}-fuzz.conf"), parts[i]);
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
