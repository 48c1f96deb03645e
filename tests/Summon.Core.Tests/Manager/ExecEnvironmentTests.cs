using Summon.Manager;
using Summon.Manager.Exec;

namespace Summon.Core.Tests.Manager;

/// <summary>
/// $VAR/${VAR} expansion of command arguments (systemd.service(5) "Command lines") and EnvironmentFile= parsing
/// (systemd.exec(5)), plus the KEY=VALUE list helpers.
/// </summary>
public sealed class ExecEnvironmentTests
{
    private static readonly string[] Env = ["ONE=one", "TWO=a b  c", "EMPTY=", "TABS=x\ty\nz", "DOLLAR=$X", "_U1=u", "Q=a \"b c\" 'd e'"];

    /// <summary>argv words separated by '|'; expected words separated by '|' ("" = no words).</summary>
    [Theory]
    [InlineData("/bin/echo|$ONE", "/bin/echo|one")]
    [InlineData("/bin/echo|$TWO", "/bin/echo|a|b|c")]                      // a whole word $VAR splits at whitespace
    [InlineData("/bin/echo|$TABS", "/bin/echo|x|y|z")]
    [InlineData("/bin/echo|$Q", "/bin/echo|a|b c|d e")]                    // split like systemd: quotes group and go
    [InlineData("/bin/echo|$1abc|z", "/bin/echo|z")]                       // no such variable: no word
    [InlineData("/bin/echo|${TWO}", "/bin/echo|a b  c")]                   // ${VAR} is one word
    [InlineData("/bin/echo|--x=${TWO}!", "/bin/echo|--x=a b  c!")]
    [InlineData("/bin/echo|${ONE}${ONE}", "/bin/echo|oneone")]
    [InlineData("/bin/echo|$EMPTY|z", "/bin/echo|z")]                      // empty: no word at all
    [InlineData("/bin/echo|$UNSET|z", "/bin/echo|z")]                      // unset: no word at all
    [InlineData("/bin/echo|a${UNSET}b", "/bin/echo|ab")]                   // unset inside a word: empty
    [InlineData("/bin/echo|${EMPTY}", "/bin/echo|")]
    [InlineData("/bin/echo|$$", "/bin/echo|$")]
    [InlineData("/bin/echo|$$ONE", "/bin/echo|$ONE")]
    [InlineData("/bin/echo|a$$b", "/bin/echo|a$b")]
    [InlineData("/bin/echo|$${ONE}", "/bin/echo|${ONE}")]
    [InlineData("/bin/echo|x$ONE", "/bin/echo|x$ONE")]                     // $VAR inside a word is not expanded
    [InlineData("/bin/echo|${ONE", "/bin/echo|${ONE")]                     // unterminated
    [InlineData("/bin/echo|$|z", "/bin/echo|z")]                           // a lone "$" names no variable: no word
    [InlineData("/bin/echo|${_U1}|$_U1", "/bin/echo|u|u")]
    [InlineData("/bin/echo|$DOLLAR", "/bin/echo|$X")]                      // values are not expanded again
    [InlineData("$ONE|${ONE}", "$ONE|one")]                                // argv[0] is left alone
    [InlineData("/bin/echo", "/bin/echo")]
    public void Expands_arguments(string argv, string expected)
    {
        var result = ExecEnvironment.ExpandArguments(argv.Split('|'), Env);
        Assert.Equal(expected, string.Join('|', result));
    }

    /// <summary>file text (\n lines) → assignments joined by '|'.</summary>
    [Theory]
    [InlineData("A=1\nB=2", "A=1|B=2")]
    [InlineData("A=1\r\nB=2\r\n", "A=1|B=2")]
    [InlineData("# comment\n; also\n\nA=1\n   # indented comment", "A=1")]
    [InlineData("  A  =  spaced value  ", "A=spaced value")]
    [InlineData("A=\"double quoted\"", "A=double quoted")]
    [InlineData("A='single quoted'", "A=single quoted")]
    [InlineData("A='no \\\"escapes\\\" here'", "A=no \\\"escapes\\\" here")]
    [InlineData("A=\"esc \\\"q\\\" \\\\ \\$\"", "A=esc \"q\" \\ $")]
    [InlineData("A=\"\"", "A=")]
    [InlineData("A=", "A=")]
    [InlineData("A=x=y", "A=x=y")]
    [InlineData("A=one \\\n  two", "A=one   two")]                          // backslash-newline continues
    [InlineData("A=1\\\nB=2", "A=1B=2")]
    [InlineData("export A=1\nexport  B=\"2\"", "A=1|B=2")]
    [InlineData("no equals sign\n=novalue\nA=1", "A=1")]
    [InlineData("A=1\nA=2", "A=1|A=2")]                                     // the caller's Set keeps the last
    [InlineData("A=#not a comment", "A=#not a comment")]
    [InlineData("", "")]
    public void Parses_environment_files(string text, string expected)
    {
        Assert.Equal(expected, string.Join('|', ExecEnvironment.ParseFile(text)));
    }

    [Fact]
    public void Set_replaces_by_name_and_Unset_removes_by_name_or_assignment()
    {
        var env = new List<string> { "A=1", "AB=2", "B=3" };
        ExecEnvironment.Set(env, "A=9");
        ExecEnvironment.Set(env, "C=4");
        ExecEnvironment.Set(env, "=bad");
        ExecEnvironment.Set(env, "noequals");
        Assert.Equal(["A=9", "AB=2", "B=3", "C=4"], env);

        ExecEnvironment.Unset(env, "A");
        ExecEnvironment.Unset(env, "B=wrong");
        Assert.Equal(["AB=2", "B=3", "C=4"], env);
        ExecEnvironment.Unset(env, "B=3");
        Assert.Equal(["AB=2", "C=4"], env);

        Assert.Equal(("2", "4", null), (ExecEnvironment.Get(env, "AB"), ExecEnvironment.Get(env, "C"), ExecEnvironment.Get(env, "A")));
    }
}
