using System.Text;
using Summon.Units;

namespace Summon.Core.Tests.Units;

public class UnitCoverageTests
{
    private static UnitCoverageResult Classify(string name, string text)
        => UnitCoverage.Classify("/u/" + name, Encoding.UTF8.GetBytes(text))!;

    [Fact]
    public void ClassifiesEachAssignmentByTheTableOfHonouredKeys()
    {
        UnitCoverageResult r = Classify("a.service",
            "[Unit]\nDescription=a\nX-Mine=1\nNoSuchKey=1\n[Service]\nPAMName=login\nExecStart=/bin/true\nRootHash=ab12\n[X-Ext]\nFoo=1\n");

        Assert.True(r.Runs);
        Assert.Equal(["Description:", "PAMName:PAMName", "ExecStart:", "RootHash:RootHash"],
            r.Assignments.Select(a => $"{a.Key}:{a.Unsupported}"));
        Assert.Equal([false, false, false, true], r.Assignments.Select(a => a.Sandbox));
        Assert.False(r.Whole);
        Assert.False(r.WholeButSandbox); // PAMName= is not a sandbox key
        Assert.True(r.UsesSandbox);
    }

    [Fact]
    public void AUnitWhoseOnlyGapsAreSandboxKeysRunsWholeButSandbox()
    {
        UnitCoverageResult r = Classify("b.socket", "[Socket]\nListenStream=80\nRestrictFileSystems=ext4\n[Install]\nWantedBy=sockets.target\n");

        Assert.False(r.Whole);
        Assert.True(r.WholeButSandbox);
    }

    [Fact]
    public void UnitTypesTheManagerDoesNotRunAreNotClassified()
    {
        UnitCoverageResult r = Classify("c.timer", "[Unit]\nDescription=c\n[Timer]\nOnCalendar=daily\n");

        Assert.False(r.Runs);
        Assert.False(r.Whole);
        Assert.Equal(2, r.Assignments.Count);
    }

    [Fact]
    public void AFileThatIsNotAUnitIsLeftOut() => Assert.Null(UnitCoverage.Classify("/u/README", []));

    [Theory]
    [InlineData("ProtectHome", true)]
    [InlineData("CapabilityBoundingSet", true)]
    [InlineData("IPAddressDeny", true)]
    [InlineData("ReadWritePaths", true)]
    [InlineData("RuntimeDirectory", false)]
    [InlineData("OOMScoreAdjust", false)]
    public void SandboxFamily(string key, bool sandbox) => Assert.Equal(sandbox, SandboxKeys.Contains(key));
}
