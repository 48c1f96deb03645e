using System.Globalization;
using Summon.Interop;
using Summon.Posix;
using Summon.Processes;

namespace Summon.Core.Tests.Processes;

[Collection(ProcessTestCollection.Name)]
public class SpawnSignalTests
{
    // glibc's posix_spawn child sets its internal SIGCANCEL (32) and SIGSETXID (33) to SIG_IGN; exec'd glibc programs
    // reinstall them. Leave them out of comparisons.
    private const ulong GlibcInternal = (1UL << 31) | (1UL << 32);

    private static (ulong Blocked, ulong Ignored) SignalState(string output)
    {
        ulong blocked = 0, ignored = 0;
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            ulong value = ulong.Parse(line[(line.IndexOf('\t') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (line.StartsWith("SigBlk:", StringComparison.Ordinal))
                blocked = value;
            else if (line.StartsWith("SigIgn:", StringComparison.Ordinal))
                ignored = value & ~GlibcInternal;
        }

        return (blocked, ignored);
    }

    [Theory]
    [InlineData(true, false, 1UL << (Signals.SIGPIPE - 1))]
    [InlineData(false, false, 0UL)]
    [InlineData(true, true, 1UL << (Signals.SIGPIPE - 1))]
    [InlineData(false, true, 0UL)]
    public void SigpipeFollowsIgnoreSigpipeAndNothingIsBlocked(bool ignoreSigpipe, bool listenPid, ulong expectedIgnored)
    {
        // exec: read the final program's own status; dash blocks all signals around its vfork, racing a reader.
        var result = SpawnRunner.Sh("exec grep -E '^Sig(Blk|Ign)' /proc/self/status", listenPid: listenPid, ignoreSigpipe: ignoreSigpipe);
        Assert.Equal((0UL, expectedIgnored), SignalState(result.Output));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void NewSessionMakesTheChildSessionAndGroupLeader(bool newSession)
    {
        var result = SpawnRunner.Sh("cat /proc/$$/stat", newSession: newSession);
        string[] fields = result.Output[(result.Output.LastIndexOf(')') + 2)..].Split(' ');
        int pgrp = int.Parse(fields[2], CultureInfo.InvariantCulture), session = int.Parse(fields[3], CultureInfo.InvariantCulture);
        Assert.Equal(newSession, pgrp == result.Pid);
        Assert.Equal(newSession, session == result.Pid);
    }

    [Fact]
    public unsafe void ResetInheritedSignalDispositionsRestoresSigchldDefault()
    {
        Libc.SigactionStruct saved = default, ignore = default, now = default;
        Assert.Equal(0, Libc.Sigaction(Signals.SIGCHLD, null, &saved));
        try
        {
            ignore.Handler = Libc.SIG_IGN;
            Assert.Equal(0, Libc.Sigaction(Signals.SIGCHLD, &ignore, null));

            ProcessSpawner.ResetInheritedSignalDispositions();

            Assert.Equal(0, Libc.Sigaction(Signals.SIGCHLD, null, &now));
            Assert.Equal(Libc.SIG_DFL, now.Handler);
            Assert.Equal(0, Libc.Sigaction(Signals.SIGPIPE, null, &now));
            Assert.Equal(Libc.SIG_IGN, now.Handler);   // the runtime ignores it; Reset keeps it that way
        }
        finally
        {
            Libc.Sigaction(Signals.SIGCHLD, &saved, null);
        }
    }
}
