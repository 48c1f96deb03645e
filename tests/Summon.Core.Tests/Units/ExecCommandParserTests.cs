using Summon.Units;

namespace Summon.Core.Tests.Units;

public class ExecCommandParserTests
{
    private static (List<ExecCommand> Commands, List<string> Messages, int Result) Parse(string value, List<ExecCommand>? list = null)
    {
        list ??= [];
        var diagnostics = new List<Diagnostic>();
        int r = ExecCommandParser.Parse(value, list, null, "f.service", 3, diagnostics);
        return (list, diagnostics.Select(d => d.ToString()).ToList(), r);
    }

    private static string Show(ExecCommand c) => $"{c.Flags}:{c.Path}:[{string.Join(",", c.Argv)}]";

    // After systemd's test-load-fragment.c TEST(config_parse_exec), each checked against systemd-analyze 252's dump.
    // Commands as Flags:Path:[argv], joined with " / ".
    [Theory]
    [InlineData("/RValue r1", "None:/RValue:[/RValue,r1]")]
    [InlineData("/RValue///slashes r1///", "None:/RValue/slashes:[/RValue///slashes,r1///]")]
    [InlineData("@/RValue///slashes2 ///argv0 r1", "None:/RValue/slashes2:[///argv0,r1]")]
    [InlineData("-@/RValue argv0 r1 ; /goo/goo boo", "IgnoreFailure:/RValue:[argv0,r1] / None:/goo/goo:[/goo/goo,boo]")]
    [InlineData("-@/RValue argv0 r1 ; ", "IgnoreFailure:/RValue:[argv0,r1]")]
    [InlineData("-@/RValue argv0 r1 ;", "IgnoreFailure:/RValue:[argv0,r1]")]
    [InlineData("/bin/find \\;", "None:/bin/find:[/bin/find,;]")]
    [InlineData("/sbin/find \";\"", "None:/sbin/find:[/sbin/find,;]")]
    [InlineData("/sbin/find \\073", "None:/sbin/find:[/sbin/find,;]")]
    [InlineData("/sbin/find ;x", "None:/sbin/find:[/sbin/find,;x]")]
    [InlineData("/path ; ; /path2 a", "None:/path:[/path] / None:/path2:[/path2,a]")]
    [InlineData("/bin/echo 'a b' \"c d\"", "None:/bin/echo:[/bin/echo,a b,c d]")]
    [InlineData("/bin/echo \"a\"b'c'", "None:/bin/echo:[/bin/echo,abc]")]
    [InlineData("/bin/echo \"a\\\"b\"", "None:/bin/echo:[/bin/echo,a\"b]")]
    [InlineData("/bin/echo \\x41\\u00e9\\s\\t|", "None:/bin/echo:[/bin/echo,Aé \t|]")]
    [InlineData("/bin/echo $FOO ${BAR} $$", "None:/bin/echo:[/bin/echo,$FOO,${BAR},$$]")]
    [InlineData("cat", "None:cat:[cat]")]
    [InlineData(":+/bin/echo x", "Privileged, NoEnvExpand:/bin/echo:[/bin/echo,x]")]
    [InlineData("!/bin/echo", "NoSetuid:/bin/echo:[/bin/echo]")]
    [InlineData("!!/bin/echo", "AmbientMagic:/bin/echo:[/bin/echo]")]
    [InlineData("-@/bin/cat cat-argv0", "IgnoreFailure:/bin/cat:[cat-argv0]")]
    [InlineData("/bin/echo a\\\\", "None:/bin/echo:[/bin/echo,a\\]")]
    public void Parses(string value, string expected)
    {
        (List<ExecCommand> commands, List<string> messages, int r) = Parse(value);
        Assert.Equal(0, r);
        Assert.Empty(messages);
        Assert.Equal(expected, string.Join(" / ", commands.Select(Show)));
    }

    // value → result (0 or ENOEXEC=8), message, commands kept
    [Theory]
    [InlineData("/bin/echo \"unterminated", 8, "f.service:3: Unbalanced quoting, ignoring: \"/bin/echo \"unterminated\"", 0)]
    [InlineData("bin/cat", 8, "f.service:3: Neither a valid executable name nor an absolute path: bin/cat", 0)]
    [InlineData("--/bin/echo", 0, "f.service:3: Neither a valid executable name nor an absolute path, ignoring: -/bin/echo", 0)]
    [InlineData("+!/bin/echo", 8, "f.service:3: Neither a valid executable name nor an absolute path: !/bin/echo", 0)]
    [InlineData("@/bin/cat", 8, "f.service:3: Empty executable name or zeroeth argument: @/bin/cat", 0)]
    [InlineData("@", 8, "f.service:3: Empty path in command line: '@'", 0)]
    [InlineData("-", 0, "f.service:3: Empty path in command line, ignoring: '-'", 0)]
    [InlineData("/bin/", 8, "f.service:3: Executable path specifies a directory: /bin/", 0)]
    [InlineData("/bin/ech\\\"o", 8, "f.service:3: Executable name contains special characters: /bin/ech\"o", 0)]
    [InlineData("/sbin/find \\;x", 0, "f.service:3: Ignoring unknown escape sequences: \"\\;x\"", 1)]
    [InlineData("/bin/echo e\\ f", 0, "f.service:3: Ignoring unknown escape sequences: \"e\\ f\"", 1)]
    public void Reports(string value, int result, string message, int kept)
    {
        (List<ExecCommand> commands, List<string> messages, int r) = Parse(value);
        Assert.Equal(result, r);
        Assert.Equal([message], messages);
        Assert.Equal(kept, commands.Count);
    }

    [Fact]
    public void EmptyValueResetsTheList()
    {
        var list = new List<ExecCommand>();
        Parse("/bin/a", list);
        Parse("/bin/b", list);
        Assert.Equal(2, list.Count);
        Parse("", list);
        Assert.Empty(list);
    }

    [Fact]
    public void ExpandsSpecifiersInPathAndArguments()
    {
        var specifiers = new Specifiers(UnitName.Parse("demo@inst.service"), "/etc/systemd/system/demo@.service", new SpecifierContext());
        var list = new List<ExecCommand>();
        var diagnostics = new List<Diagnostic>();
        Assert.Equal(0, ExecCommandParser.Parse("/opt/%p/bin %i %n %%", list, specifiers, "f", 1, diagnostics));
        Assert.Equal("None:/opt/demo/bin:[/opt/demo/bin,inst,demo@inst.service,%]", Show(Assert.Single(list)));
        Assert.Equal(8, ExecCommandParser.Parse("/bin/echo %z", list, specifiers, "f", 2, diagnostics));
        Assert.Equal("f:2: Failed to resolve unit specifiers in %z: Invalid slot", Assert.Single(diagnostics).ToString());
    }
}
