using Summon.Units;

namespace Summon.Manager.Exec;

/// <summary>Where one of a service's standard streams goes.</summary>
internal enum StdioTarget { Null, Socket, Journal, Inherit, SameAsOutput, Tty }

/// <summary>
/// Resolves StandardInput/Output/Error= the way systemd does (service_fix_stdio + fixup_input/fixup_output):
/// input "socket" needs a socket (else null); output "inherit" follows a socket input, otherwise takes the
/// manager default (journal); error "inherit" follows output; "socket" without a socket degrades to the default;
/// "tty" is TTYPath=, which output "inherit" follows after a terminal input.
/// </summary>
internal readonly record struct StdioPlan(StdioTarget Input, StdioTarget Output, StdioTarget Error)
{
    public bool UsesSocketStdio => Input == StdioTarget.Socket || Output == StdioTarget.Socket || Error == StdioTarget.Socket;

    public static StdioPlan For(ServiceSection s, bool haveSocket)
    {
        var input = s.StandardInput == StandardInputKind.Socket && haveSocket ? StdioTarget.Socket
            : s.StandardInput is StandardInputKind.Tty or StandardInputKind.TtyForce or StandardInputKind.TtyFail ? StdioTarget.Tty
            : StdioTarget.Null;
        var output = Map(s.StandardOutput, haveSocket) ?? (input is StdioTarget.Socket or StdioTarget.Tty ? input : StdioTarget.Journal);
        var error = Map(s.StandardError, haveSocket) ?? (output == StdioTarget.Journal ? StdioTarget.SameAsOutput : output);
        // Both to the journal alike: stderr is stdout's stream, as systemd's can_inherit_stderr_from_stdout() dups it.
        if (error == StdioTarget.Journal && output == StdioTarget.Journal && s.StandardError == s.StandardOutput
            && s.StandardOutput is StandardOutputKind.Journal or StandardOutputKind.JournalConsole or StandardOutputKind.Kmsg or StandardOutputKind.KmsgConsole)
            error = StdioTarget.SameAsOutput;
        return new StdioPlan(input, output, error);
    }

    // null means "inherit": resolved by the caller.
    private static StdioTarget? Map(StandardOutputKind kind, bool haveSocket) => kind switch
    {
        StandardOutputKind.Inherit => null,
        StandardOutputKind.Null => StdioTarget.Null,
        StandardOutputKind.Socket => haveSocket ? StdioTarget.Socket : null,
        StandardOutputKind.Tty => StdioTarget.Tty,
        _ => StdioTarget.Journal,
    };
}
