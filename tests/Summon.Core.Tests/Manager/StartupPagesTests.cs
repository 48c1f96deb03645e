using Summon.Manager;

namespace Summon.Core.Tests.Manager;

public class StartupPagesTests
{
    private const string Exe = "/opt/summon dir/summon";

    private static readonly string[] Smaps =
    [
        "55de488b2000-55de488cc000 r--p 00000000 08:01 1234 /opt/summon dir/summon",
        "Size:                104 kB",
        "Anonymous:             0 kB",
        "55de488cc000-55de48d69000 r-xp 0001a000 08:01 1234 /opt/summon dir/summon",
        "Rss:                3132 kB",
        "Anonymous:             0 kB",
        "55de48f56000-55de490c4000 r--p 006a4000 08:01 1234 /opt/summon dir/summon",
        "Anonymous:           552 kB",
        "55de490c8000-55de490e1000 rw-p 00816000 08:01 1234 /opt/summon dir/summon",
        "Anonymous:             0 kB",
        "55de490e1000-55de492af000 rw-p 00000000 00:00 0 ",
        "Anonymous:          1772 kB",
        "7f1e145df000-7f1e14735000 r-xp 00028000 08:01 99 /usr/lib/x86_64-linux-gnu/libc.so.6",
        "Anonymous:             0 kB",
        "7f1e14900000-7f1e14901000 r-xp 00000000 08:01 1235 /opt/summon dir/summon (deleted)",
        "Anonymous:             0 kB",
    ];

    [Fact]
    public void Only_the_executables_clean_read_only_mappings_are_released()
    {
        var ranges = StartupPages.CleanMappings(Smaps, Exe);

        // Relocated read-only data (private copies), writable data, anonymous memory, other files and a replaced
        // executable are kept: dropping a private copy would lose its content.
        Assert.Equal([(0x55de488b2000UL, 0x55de488cc000UL), (0x55de488cc000UL, 0x55de48d69000UL)], ranges);
    }

    [Fact]
    public void Nothing_is_released_without_a_path()
    {
        Assert.Empty(StartupPages.CleanMappings(Smaps, ""));
    }

    [Fact]
    public void Releasing_this_process_keeps_it_running()
    {
        StartupPages.Release();
        StartupPages.Release();

        // The code the release unmapped is mapped again on the next call into it.
        Assert.Equal(2, StartupPages.CleanMappings(Smaps, Exe).Count);
    }
}
