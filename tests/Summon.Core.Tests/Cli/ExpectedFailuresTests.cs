using Summon.Cli;
using Summon.Posix;

namespace Summon.Core.Tests.Cli;

/// <summary>The last net under the verbs: what the system causes is one line; a bug keeps its trace (null here).</summary>
public class ExpectedFailuresTests
{
    [Fact]
    public void A_missing_native_library_is_named_even_behind_a_type_initializer()
    {
        // The AOT build's text: the resource key and its arguments, then dlopen's reasons, one a line.
        var missing = new DllNotFoundException("DllNotFound_Linux, e_sqlite3, \n/x/e_sqlite3.so: cannot open shared object file\n");
        Assert.Equal(
            "summon needs the library e_sqlite3, which is not beside it nor on the library path: install summon again from a complete build (dotnet publish src/Summon).",
            ExpectedFailures.Describe(new TypeInitializationException("SQLitePCL.raw", missing)));
    }

    [Fact]
    public void Permissions_and_system_calls_are_one_line()
    {
        Assert.Equal("summon: Permission denied: /run/summon", ExpectedFailures.Describe(new UnauthorizedAccessException("UnauthorizedAccess_IODenied_Path, /run/summon")));
        Assert.Equal("summon: open: No such file or directory", ExpectedFailures.Describe(new ErrnoException("open", Errno.ENOENT)));
        Assert.Equal("summon: Read-only file system : '/x'", ExpectedFailures.Describe(new IOException("Read-only file system : '/x'\nmore")));
    }

    [Fact]
    public void A_bug_is_not_dressed_as_an_expected_failure()
    {
        Assert.Null(ExpectedFailures.Describe(new NullReferenceException()));
        Assert.Null(ExpectedFailures.Describe(new InvalidOperationException("state")));
    }
}
