using System.Text.Json;
using Summon.Manager.Reexec;

namespace Summon.Core.Tests.Manager.Reexec;

/// <summary>--check-deserialize's view of the "units" value: anything it cannot restore is one line naming the element and the field.</summary>
public sealed class ReexecUnitsCheckTests
{
    private const string Listener = """{"setting":"ListenStream","value":"127.0.0.1:1","fd":7,"inode":9,"pollLimit":{"windowStartUsec":0,"count":0}}""";

    private static string Socket(string listeners, string state = "listening") => $$"""
        {"kind":"socket","unit":"a.socket","result":"success","state":"{{state}}","listeners":[{{listeners}}],"nAccepted":0,"nRefused":0,
         "refusedMaxConnections":0,"refusedPerSource":0,"refusedTriggerLimit":0,"pausedPollLimit":0,"nIdleStops":0,"recoveries":0,
         "triggerLimit":{"windowStartUsec":0,"count":0},"limitGraceSpent":false,"backoffFailures":0,"bindWhenServiceEnds":false,"invocationId":""}
        """;

    private static string Why(string units)
    {
        using var document = JsonDocument.Parse(units);
        return Assert.Throws<FormatException>(() => ReexecUnits.Check(document.RootElement)).Message;
    }

    [Fact]
    public void A_well_formed_value_passes()
    {
        using var document = JsonDocument.Parse($"[{Socket(Listener)}]");
        ReexecUnits.Check(document.RootElement);
    }

    [Theory]
    [InlineData("{}", "\"units\" is not an array")]
    [InlineData("[1]", "units[0] is not an object")]
    [InlineData("""[{"kind":"timer"}]""", "units[0].kind: \"timer\" is not target, socket, service, stream or job")]
    [InlineData("""[{"kind":"job","unit":"a.service","type":"explode","ignoreOrder":false,"irreversible":false}]""", "units[0].type: \"explode\" is not a job type")]
    [InlineData("""[{"kind":"target","unit":"a.target","result":"success"}]""", "units[0].active: is missing")]
    [InlineData("""[{"kind":"target","unit":"a.target","result":"success","active":"yes"}]""", "units[0].active: is String, not a boolean")]
    public void What_cannot_be_restored_is_one_line(string units, string why) => Assert.Equal(why, Why(units));

    [Fact]
    public void A_state_of_no_socket_is_refused() =>
        Assert.Equal("units[0].state: \"lingering\" is not a socket state", Why($"[{Socket(Listener, "lingering")}]"));

    [Fact]
    public void An_fd_below_3_or_named_twice_is_refused()
    {
        Assert.Equal("units[0].listeners[0].fd: is not a whole number from 3 to 2147483647", Why($"[{Socket(Listener.Replace("\"fd\":7", "\"fd\":1", StringComparison.Ordinal))}]"));
        Assert.Equal("\"units\" names fd 7 twice", Why($"[{Socket(Listener + "," + Listener)}]"));
    }
}
