using CsCheck;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>`summon escape` (run through a systemd-escape symlink) against the installed systemd-escape, on a table of
/// option combinations and on generated strings: same stdout, stderr and exit status.</summary>
public sealed class EscapeTests
{
    private static readonly string? s_oracle = new[] { "/usr/bin/systemd-escape", "/bin/systemd-escape" }.FirstOrDefault(File.Exists);

    public static TheoryData<string[]> Cases => new()
    {
        new[] { "foo bar/baz" }, new[] { "-p", "/run/foo//bar/" }, new[] { "-p", "" }, new[] { "-p", "/a/../b" },
        new[] { "-p", "a//b/./c/" }, new[] { "-u", "a\\x2db" }, new[] { "-u", "a\\x2" }, new[] { "-u", "-p", "a-b" },
        new[] { "-u", "-p", "" }, new[] { "-u", "-p", "-" }, new[] { "-m", "foo bar" }, new[] { "-m", "/dev/sda" },
        new[] { "-m", "/home/x" }, new[] { "-m", "a*b" }, new[] { "-m", "foo@" }, new[] { "-m", "@" },
        new[] { "--suffix=foo", "a" }, new[] { "--suffix=socket", "a", "b" }, new[] { "--template=foo@.service", "a/b" },
        new[] { "--template=foo.service", "a" }, new[] { "-u", "--instance", "foo@a-b.service" },
        new[] { "-u", "--instance", "foo.service" }, new[] { "-u", "--template=foo@.service", "bar@x.service" },
        new[] { "--instance", "a" }, new[] { "-m", "-p", "a" }, new[] { "--suffix=mount", "-u", "a" },
        new[] { "-m", "--suffix=mount", "a" }, new[] { "--template=a@.service", "--suffix=mount", "a" }, Array.Empty<string>(),
        new[] { "ö", ".a", ".b" }, new[] { "--", "-u" }, new[] { "--template", "foo@.service", "a" }, new[] { "-upm", "x" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Agrees_with_systemd_escape(string[] args)
    {
        if (s_oracle is null)
            return;
        using var root = new TempRoot();
        AssertSame(root, args);
    }

    [Fact]
    public void Agrees_with_systemd_escape_on_generated_strings()
    {
        if (s_oracle is null)
            return;
        using var root = new TempRoot();
        var chars = Gen.Int[0, 11].Select(i => "ab/-.\\ x@:_ö"[i]);
        var text = chars.Array[0, 12].Select(a => new string(a));
        var pcg = new PCG(2, DifferentialVerifyTests.Seed);
        string[][] modes = [[], ["-p"], ["-u"], ["-u", "-p"], ["-m"], ["--suffix=socket"], ["--template=t@.service"]];
        for (int i = 0; i < 40; i++)
        {
            string[] inputs = text.Array[1, 3].Generate(pcg, null, out _);
            AssertSame(root, [.. modes[i % modes.Length], "--", .. inputs]);
        }
    }

    private static void AssertSame(TempRoot root, string[] args)
    {
        string link = Path.Combine(root.Dir, "systemd-escape");
        if (!File.Exists(link))
            File.CreateSymbolicLink(link, SummonBinary.Path);
        CommandResult theirs = Command.Run(s_oracle!, args, root.Environment);
        CommandResult ours = Command.Run(link, args, root.Environment);
        Assert.True((theirs.ExitCode, theirs.StdOut, theirs.StdErr) == (ours.ExitCode, ours.StdOut, ours.StdErr),
            $"systemd-escape {string.Join(' ', args.Select(a => $"'{a}'"))}\n{theirs}\nsummon:\n{ours}");
    }
}
