using Summon.Units;

namespace Summon.Core.Tests.Units;

public class UnitSearchPathTests
{
    private static Func<string, string?> Env(params (string Key, string Value)[] vars)
        => key => vars.FirstOrDefault(v => v.Key == key).Value;

    [Fact]
    public void SystemDefaultsAreSystemd252s()
    {
        UnitSearchPath p = UnitSearchPath.Resolve(userMode: false, Env());
        Assert.Equal(
            [
                "/etc/systemd/system.control", "/run/systemd/system.control", "/run/systemd/transient", "/run/systemd/generator.early",
                "/etc/systemd/system", "/etc/systemd/system.attached", "/run/systemd/system", "/run/systemd/system.attached",
                "/run/systemd/generator", "/usr/local/lib/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system",
                "/run/systemd/generator.late",
            ],
            p.Directories);
        Assert.Equal("/etc/systemd/system", p.WriteDirectory);
        Assert.False(p.UserMode);
    }

    [Fact]
    public void UserDefaultsAreSystemd252s()
    {
        UnitSearchPath p = UnitSearchPath.Resolve(userMode: true, Env(("HOME", "/root"), ("XDG_RUNTIME_DIR", "/run/user/0")));
        Assert.Equal(
            [
                "/root/.config/systemd/user.control", "/run/user/0/systemd/user.control", "/run/user/0/systemd/transient",
                "/run/user/0/systemd/generator.early", "/root/.config/systemd/user", "/etc/xdg/systemd/user", "/etc/systemd/user",
                "/run/user/0/systemd/user", "/run/systemd/user", "/run/user/0/systemd/generator", "/root/.local/share/systemd/user",
                "/usr/local/share/systemd/user", "/usr/share/systemd/user", "/usr/local/lib/systemd/user", "/usr/lib/systemd/user",
                "/run/user/0/systemd/generator.late",
            ],
            p.Directories);
        Assert.Equal("/root/.config/systemd/user", p.WriteDirectory);
    }

    // SUMMON_UNIT_PATH → first directories, count, write directory
    [Theory]
    [InlineData("/a:/b", "/a|/b", 2)]
    [InlineData("/a:/b:", "/a|/b|/etc/systemd/system.control", 15)]
    [InlineData("/a::/a:/b/", "/a|/b", 2)]
    [InlineData(":", "/etc/systemd/system.control", 13)]
    public void EnvironmentVariable(string value, string first, int count)
    {
        UnitSearchPath p = UnitSearchPath.Resolve(false, Env(("SUMMON_UNIT_PATH", value)));
        string[] expectedFirst = first.Split('|');
        Assert.Equal(expectedFirst, p.Directories.Take(expectedFirst.Length));
        Assert.Equal(count, p.Directories.Count);
        Assert.Equal(value == ":" ? "/etc/systemd/system" : "/a", p.WriteDirectory);
    }

    [Fact]
    public void PrependPutsDirectoriesFirstWithoutDuplicates()
    {
        UnitSearchPath p = UnitSearchPath.FromDirectories(["/x", "/y"]).Prepend(["/y", "/z"]);
        Assert.Equal(["/y", "/z", "/x"], p.Directories);
        Assert.Equal("/x", p.WriteDirectory);
    }

    [Fact]
    public void FindFragmentTakesTheFirstDirectoryAndSeesDevNullLinks()
    {
        string root = Directory.CreateTempSubdirectory("summon-path-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "hi"));
            Directory.CreateDirectory(Path.Combine(root, "lo"));
            File.WriteAllText(Path.Combine(root, "hi", "a.service"), "");
            File.WriteAllText(Path.Combine(root, "lo", "a.service"), "");
            File.WriteAllText(Path.Combine(root, "lo", "b.service"), "");
            File.CreateSymbolicLink(Path.Combine(root, "hi", "c.service"), "/dev/null");
            UnitSearchPath p = UnitSearchPath.FromDirectories([Path.Combine(root, "hi"), Path.Combine(root, "lo")]);
            Assert.Equal(Path.Combine(root, "hi", "a.service"), p.FindFragment("a.service"));
            Assert.Equal(Path.Combine(root, "lo", "b.service"), p.FindFragment("b.service"));
            Assert.Equal(Path.Combine(root, "hi", "c.service"), p.FindFragment("c.service"));
            Assert.Null(p.FindFragment("d.service"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
