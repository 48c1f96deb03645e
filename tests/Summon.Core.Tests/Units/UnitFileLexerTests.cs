using System.Text;
using Summon.Posix;
using Summon.Units;

namespace Summon.Core.Tests.Units;

public class UnitFileLexerTests
{
    private static (List<string> Assignments, List<string> Messages, int Result) Lex(string text, params string[] sections)
    {
        var diagnostics = new List<Diagnostic>();
        var assignments = new List<string>();
        var lexer = new UnitFileLexer("f.service", sections.Length == 0 ? ["Unit", "Service", "Install"] : sections, diagnostics);
        int r = lexer.Parse(Encoding.UTF8.GetBytes(text), a =>
        {
            assignments.Add($"{a.Line}:[{a.Section}]{a.Key}={a.Value}");
            return 0;
        });
        return (assignments, diagnostics.Select(d => d.ToString()).ToList(), r);
    }

    // input → assignments (line:[section]key=value, joined with '|'), messages (joined with '|')
    [Theory]
    [InlineData("[Service]\nExecStart=/bin/cat\n", "2:[Service]ExecStart=/bin/cat", "")]
    [InlineData("[Service]\r\nA=1\r\nB=2\r\n", "2:[Service]A=1|3:[Service]B=2", "")]
    [InlineData("[Service]\rA=1\rB=2", "2:[Service]A=1|3:[Service]B=2", "")]
    [InlineData("\uFEFF[Service]\nA=1\n", "2:[Service]A=1", "")]
    [InlineData("# c\n; c\n[Service]\n  # indented comment\nA=1 # not a comment\n", "5:[Service]A=1 # not a comment", "")]
    [InlineData("[Service]\nA=a \\\n  b \\\n# inner\n; inner\n  c\n", "6:[Service]A=a    b    c", "")]
    [InlineData("[Service]\nA=a \\\n\nB=1\n", "3:[Service]A=a|4:[Service]B=1", "")]
    [InlineData("[Service]\nA=a\\\\\nB=1\n", "2:[Service]A=a\\\\|3:[Service]B=1", "")]
    [InlineData("[Service]\nA=a\\", "2:[Service]A=a", "")]
    [InlineData("  [Unit]  \n Description = hello world  \n", "2:[Unit]Description=hello world", "")]
    [InlineData("[Service]\nA=x=y\n", "2:[Service]A=x=y", "")]
    [InlineData("[Service]\nA=\n", "2:[Service]A=", "")]
    [InlineData("A=1\n[Service]\n", "", "f.service:1: Assignment outside of section. Ignoring.")]
    [InlineData("[Servce]\nA=1\n", "", "f.service:1: Unknown section 'Servce'. Ignoring.")]
    [InlineData("[X-Mine]\nA=1\nno equals\n[Service]\nB=2\n", "5:[Service]B=2", "")]
    [InlineData("[Service]\nJunk\n=1\nB=2\n", "4:[Service]B=2", "f.service:2: Missing '=', ignoring line.|f.service:3: Missing key name before '=', ignoring line.")]
    public void Lexes(string input, string assignments, string messages)
    {
        (List<string> a, List<string> m, int r) = Lex(input);
        Assert.Equal(0, r);
        Assert.Equal(assignments, string.Join('|', a));
        Assert.Equal(messages, string.Join('|', m));
    }

    [Theory]
    [InlineData("[Service\nA=1\n", "f.service:1: Invalid section header '[Service'")]
    [InlineData("[Ser\"vice]\nA=1\n", "f.service:1: Bad characters in section header '[Ser\"vice]'")]
    public void BadSectionHeaderFailsTheFile(string input, string message)
    {
        (List<string> a, List<string> m, int r) = Lex(input);
        Assert.Equal(74, r); // EBADMSG
        Assert.Empty(a);
        Assert.Equal([message], m);
    }

    [Fact]
    public void InvalidUtf8AssignmentFailsTheFileButCommentsMayHoldAnything()
    {
        var diagnostics = new List<Diagnostic>();
        var lexer = new UnitFileLexer("f.service", ["Service"], diagnostics);
        byte[] data = [.. "# caf"u8, 0xE9, .. "\n[Service]\nA=1\nB="u8, 0xFF, .. "\n"u8];
        int r = lexer.Parse(data, _ => 0);
        Assert.Equal(Summon.Posix.Errno.EINVAL, r);
        Assert.Equal("f.service:4: String is not UTF-8 clean, ignoring assignment: B=\uFFFD", Assert.Single(diagnostics).ToString());
    }

    [Fact]
    public void StopsWhenAnAssignmentIsFatal()
    {
        var diagnostics = new List<Diagnostic>();
        var seen = new List<int>();
        var lexer = new UnitFileLexer("f.service", ["Service"], diagnostics);
        int r = lexer.Parse("[Service]\nA=1\nB=2\nC=3\n"u8, a =>
        {
            seen.Add(a.Line);
            return a.Key == "B" ? 8 : 0;
        });
        Assert.Equal(8, r);
        Assert.Equal([2, 3], seen);
    }
}
