using Summon.Cli;

namespace Summon.Core.Tests.Cli;

public class HelpFreeParseTests
{
    [Theory]
    [InlineData(true, "is-active", "x.socket")]
    [InlineData(true, "is-active", "-q", "x.socket")]
    [InlineData(true, "show", "-p", "ActiveState", "x.socket")]
    [InlineData(true, "show", "--property=ActiveState", "--value", "x.socket")]
    [InlineData(true, "show", "-P", "Id", "x.socket", "--user")]
    [InlineData(true, "is-active", "--", "x.socket")]
    [InlineData(true, "is-active")]                           // a parse error: the full tree parses it again
    [InlineData(true, "bogus")]
    [InlineData(false)]
    [InlineData(false, "")]
    [InlineData(false, "--version")]
    [InlineData(false, "-h")]
    [InlineData(false, "--user", "is-active", "x.socket")]    // not a verb first
    [InlineData(false, "[suggest]", "is")]                     // a directive
    [InlineData(false, "@args.rsp")]                           // a response file may hold anything
    [InlineData(false, "is-active", "@args.rsp")]
    [InlineData(false, "is-active", "-h")]
    [InlineData(false, "is-active", "-?")]
    [InlineData(false, "is-active", "/h")]
    [InlineData(false, "is-active", "/?")]
    [InlineData(false, "is-active", "--help")]
    [InlineData(false, "is-active", "x.socket", "--version")]
    [InlineData(false, "is-active", "-qh", "x.socket")]        // bundled -q -h
    [InlineData(false, "show", "-pActiveState", "x.socket")]   // could be a bundle: left to the full tree
    [InlineData(false, "is-active", "--", "-h")]               // cautious: after "--" too
    public void Applies_only_when_no_token_can_reach_help_or_version(bool expected, params string[] args)
        => Assert.Equal(expected, HelpFreeParse.Applies(args));
}
