using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// enable/disable/is-enabled against the installed `systemctl --root=DIR` (which needs no running systemd): two
/// identical trees, one per tool, the same command sequence on each; exit status, stdout and stderr must be equal
/// once each tree's prefix is removed. Removal lines (systemctl lists them in readdir order) are compared sorted.
/// </summary>
public sealed class InstallDifferentialTests
{
    private static readonly string? s_systemctl = new[] { "/usr/bin/systemctl", "/bin/systemctl" }.FirstOrDefault(File.Exists);

    private static readonly (string Name, string Text)[] s_vendorUnits =
    [
        ("foo.socket", "[Socket]\nListenStream=9000\n[Install]\nWantedBy=sockets.target\nAlias=bar.socket\nAlso=foo.service\n"),
        ("foo.service", "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\nRequiredBy=x.target\nAlias=foo2.service\n"),
        ("t@.service", "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\nDefaultInstance=def\n"),
        ("u@.service", "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n"),
        ("ind.service", "[Service]\nExecStart=/bin/true\n[Install]\nAlso=t@.service\n"),
        ("a.service", "[Service]\nExecStart=/bin/true\n[Install]\nAlias=ali2.service\n"),
        ("s.service", "[Service]\nExecStart=/bin/true\n"),
        ("m.service", ""),
        ("multi-user.target", "[Unit]\nDescription=Multi-User\n"),
        // On a systemd machine the special targets exist, so systemctl says nothing of them; Summon knows them as built in.
        ("sockets.target", "[Unit]\nDescription=Sockets\n"),
    ];

    private const string States =
        "foo.socket foo.service bar.socket foo2.service t@.service t@x.service t@def.service u@.service u@x.service " +
        "ind.service a.service ali2.service a3.service s.service m.service m2.service nope.service";

    public static TheoryData<string> Sequences => new()
    {
        "is-enabled " + States,
        "enable foo.socket|is-enabled " + States + "|disable foo.socket|is-enabled " + States,
        "enable t@.service|enable t@x.service|is-enabled " + States + "|disable t@.service|is-enabled " + States,
        "enable u@.service|enable u@x.service|is-enabled " + States + "|disable u@x.service",
        "enable ind.service|is-enabled " + States + "|disable ind.service",
        "enable a.service|is-enabled " + States + "|disable a.service",
        "enable s.service|enable m.service|enable nope.service|disable nope.service|disable m.service|disable s.service",
        "enable bar.socket|is-enabled foo.socket bar.socket|disable bar.socket",
        "enable t@def.service|enable t@def.service|is-enabled t@.service t@def.service|disable t@def.service",
        "mask foo.service|is-enabled foo.service|mask foo.service|mask nope.service s.service|unmask foo.service nope.service|unmask foo.service|is-enabled foo.service",
        "enable foo.service|mask foo.service|enable foo.service|disable foo.service|unmask foo.service|unmask m2.service|mask m2.service",
        "revert s.service|revert s.service|mask foo.service|revert foo.service|is-enabled foo.service|revert nope.service",
    };

    [Theory]
    [MemberData(nameof(Sequences))]
    public void Agrees_with_systemctl_root(string sequence)
    {
        if (s_systemctl is null)
            return;
        using var root = new TempRoot();
        string theirs = Tree(root, "theirs");
        string ours = Tree(root, "ours");
        var env = new Dictionary<string, string>(root.Environment)
        {
            ["SUMMON_UNIT_PATH"] = $"{ours}/etc/systemd/system:{ours}/run/systemd/system:{ours}/usr/lib/systemd/system",
        };
        // is-enabled stops at the first unknown unit: check the whole list, and each unit on its own.
        var steps = sequence.Split('|').SelectMany(step => step.StartsWith("is-enabled ", StringComparison.Ordinal)
            ? step.Split(' ').Skip(1).Select(u => new[] { "is-enabled", u }).Prepend(step.Split(' '))
            : [step.Split(' ')]);
        foreach (string[] args in steps)
        {
            CommandResult a = Command.Run(s_systemctl, [$"--root={theirs}", .. args], root.Environment);
            CommandResult b = Command.Run(SummonBinary.Path, args, env);
            Assert.Equal(Normalize(a, theirs), Normalize(b, ours));
        }
    }

    internal static string Normalize(CommandResult r, string prefix)
    {
        string Clean(string[] lines) => string.Join("\n", lines.Select(l => l.Replace(prefix, "", StringComparison.Ordinal)));
        string[] err = r.StdErrLines;
        if (err.All(l => l.StartsWith("Removed \"", StringComparison.Ordinal)))
            err = err.Order(StringComparer.Ordinal).ToArray();
        return $"[exit {r.ExitCode}]\n[stdout]\n{Clean(r.StdOutLines)}\n[stderr]\n{Clean(err)}";
    }

    /// <summary>A root with the units in usr/lib/systemd/system, a vendor alias link a3.service → a.service and a
    /// /dev/null mask m2.service, and drop-ins of s.service in etc/ and run/.</summary>
    internal static string Tree(TempRoot root, string name)
    {
        string dir = Path.Combine(root.Dir, name);
        string vendor = Path.Combine(dir, "usr/lib/systemd/system");
        Directory.CreateDirectory(vendor);
        Directory.CreateDirectory(Path.Combine(dir, "etc/systemd/system"));
        foreach (var (unit, text) in s_vendorUnits)
            File.WriteAllText(Path.Combine(vendor, unit), text);
        File.CreateSymbolicLink(Path.Combine(vendor, "a3.service"), "a.service");
        File.CreateSymbolicLink(Path.Combine(vendor, "m2.service"), "/dev/null");
        // Drop-ins for revert to remove, in the persistent and the runtime configuration.
        Directory.CreateDirectory(Path.Combine(dir, "etc/systemd/system/s.service.d"));
        File.WriteAllText(Path.Combine(dir, "etc/systemd/system/s.service.d/override.conf"), "[Service]\nEnvironment=A=1\n");
        File.WriteAllText(Path.Combine(dir, "etc/systemd/system/s.service.d/b.conf"), "[Service]\nEnvironment=B=1\n");
        Directory.CreateDirectory(Path.Combine(dir, "run/systemd/system/s.service.d"));
        File.WriteAllText(Path.Combine(dir, "run/systemd/system/s.service.d/r.conf"), "[Service]\nEnvironment=R=1\n");
        return dir;
    }
}
