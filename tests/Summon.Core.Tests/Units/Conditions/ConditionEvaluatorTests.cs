using Arch = System.Runtime.InteropServices.Architecture;
using Summon.Units;
using Summon.Units.Conditions;

namespace Summon.Core.Tests.Units.Conditions;

/// <summary>Every condition kind against faked facts, and systemd's rules for "!" and "|" (condition.c).</summary>
public sealed class ConditionEvaluatorTests
{
    private readonly FakeConditionFacts _f = new();

    private static UnitCondition C(ConditionKind kind, string parameter, bool trigger = false, bool negate = false) =>
        new(kind, parameter, trigger, negate, IsAssert: false, "t.service", 1);

    private ConditionOutcome Test(ConditionKind kind, string parameter, bool negate = false) =>
        new ConditionEvaluator(_f).Test(C(kind, parameter, negate: negate), out _);

    private void Holds(ConditionKind kind, string parameter) => Assert.Equal(ConditionOutcome.Succeeded, Test(kind, parameter));

    private void Fails(ConditionKind kind, string parameter) => Assert.Equal(ConditionOutcome.Failed, Test(kind, parameter));

    private void Errs(ConditionKind kind, string parameter) => Assert.Equal(ConditionOutcome.Error, Test(kind, parameter));

    [Fact]
    public void Empty_list_holds_and_non_trigger_entries_must_all_hold()
    {
        _f.File("/a");
        var e = new ConditionEvaluator(_f);
        Assert.True(e.TestList([]));
        Assert.True(e.TestList([C(ConditionKind.PathExists, "/a"), C(ConditionKind.PathExists, "/b", negate: true)]));
        Assert.False(e.TestList([C(ConditionKind.PathExists, "/a"), C(ConditionKind.PathExists, "/b")]));
    }

    [Fact]
    public void With_triggers_at_least_one_trigger_must_hold_besides_every_non_trigger()
    {
        _f.File("/a");
        var e = new ConditionEvaluator(_f);
        Assert.False(e.TestList([C(ConditionKind.PathExists, "/b", trigger: true), C(ConditionKind.PathExists, "/c", trigger: true)]));
        Assert.True(e.TestList([C(ConditionKind.PathExists, "/b", trigger: true), C(ConditionKind.PathExists, "/a", trigger: true)]));
        Assert.True(e.TestList([C(ConditionKind.PathExists, "/b", trigger: true, negate: true)]));
        Assert.False(e.TestList([C(ConditionKind.PathExists, "/a", trigger: true), C(ConditionKind.PathExists, "/b")]));
    }

    [Fact]
    public void First_failing_non_trigger_entry_decides_and_leaves_the_rest_untested()
    {
        _f.File("/a");
        var outcomes = new ConditionOutcome[3];
        var reported = new List<string>();
        bool ok = new ConditionEvaluator(_f).TestList(
            [C(ConditionKind.PathExists, "/a"), C(ConditionKind.PathExists, "/nope"), C(ConditionKind.PathExists, "/a")],
            outcomes, (c, o, _) => reported.Add($"{c} {o.Name()}"));
        Assert.False(ok);
        Assert.Equal([ConditionOutcome.Succeeded, ConditionOutcome.Failed, ConditionOutcome.Untested], outcomes);
        Assert.Equal(["ConditionPathExists=/a succeeded", "ConditionPathExists=/nope failed"], reported);
    }

    [Fact]
    public void An_undeterminable_entry_counts_as_failed_even_negated()
    {
        Errs(ConditionKind.FirstBoot, "maybe");
        Assert.Equal(ConditionOutcome.Error, Test(ConditionKind.FirstBoot, "maybe", negate: true));
        Assert.False(new ConditionEvaluator(_f).TestList([C(ConditionKind.Capability, "CAP_BOGUS", negate: true)]));
    }

    [Fact]
    public void Path_kinds()
    {
        _f.File("/etc/hostname", "vm\n").File("/etc/empty").File("/bin/sh", "#!", 0b111_101_101).Dir("/srv/data").Dir("/srv/void")
          .File("/srv/void/.hidden").File("/srv/void/x.dpkg-old").Link("/lib64", "/usr/lib64").Dir("/usr/lib64");
        Holds(ConditionKind.PathExists, "/etc/hostname");
        Holds(ConditionKind.PathExists, "/lib64");
        Fails(ConditionKind.PathExists, "/nope");
        Holds(ConditionKind.PathIsDirectory, "/lib64");
        Fails(ConditionKind.PathIsDirectory, "/etc/hostname");
        Holds(ConditionKind.PathIsSymbolicLink, "/lib64");
        Fails(ConditionKind.PathIsSymbolicLink, "/usr/lib64");
        Holds(ConditionKind.FileNotEmpty, "/etc/hostname");
        Fails(ConditionKind.FileNotEmpty, "/etc/empty");
        Fails(ConditionKind.FileNotEmpty, "/srv/data");
        Holds(ConditionKind.FileIsExecutable, "/bin/sh");
        Fails(ConditionKind.FileIsExecutable, "/etc/hostname");
        Holds(ConditionKind.DirectoryNotEmpty, "/srv");
        Fails(ConditionKind.DirectoryNotEmpty, "/srv/void");   // hidden and backup files do not count
        Fails(ConditionKind.DirectoryNotEmpty, "/srv/data");
        Fails(ConditionKind.DirectoryNotEmpty, "/nope");
        Fails(ConditionKind.DirectoryNotEmpty, "/etc/hostname");
        Holds(ConditionKind.PathExistsGlob, "/etc/host*");
        Holds(ConditionKind.PathExistsGlob, "/s?v/*/x.dpkg-[a-z]ld");
        _f.File("/srv/dot/.only");
        Fails(ConditionKind.PathExistsGlob, "/srv/dot/*");   // '*' does not match a leading dot
        Holds(ConditionKind.PathExistsGlob, "/srv/void/.*");
        Fails(ConditionKind.PathExistsGlob, "/etc/nope*");
    }

    [Fact]
    public void Mount_points_and_read_only_mounts_come_from_mountinfo()
    {
        _f.Dir("/proc").Dir("/data").Dir("/data/sub").Link("/m", "/data").File("/proc/self/mountinfo", """
            22 1 0:21 / / rw,relatime - overlay overlay rw
            23 22 0:22 / /proc rw,nosuid - proc proc rw
            24 22 8:1 / /data ro,relatime - ext4 /dev/sda1 rw
            25 22 0:30 / /with\040space rw - tmpfs tmpfs rw
            """);
        _f.Dir("/with space");
        Holds(ConditionKind.PathIsMountPoint, "/");
        Holds(ConditionKind.PathIsMountPoint, "/proc");
        Holds(ConditionKind.PathIsMountPoint, "/m");   // the link is followed
        Holds(ConditionKind.PathIsMountPoint, "/with space");
        Fails(ConditionKind.PathIsMountPoint, "/data/sub");
        Fails(ConditionKind.PathIsReadWrite, "/data/sub");
        Holds(ConditionKind.PathIsReadWrite, "/proc");
        Fails(ConditionKind.PathIsReadWrite, "/nope");   // a path that does not exist is not writable
    }

    [Fact]
    public void Encrypted_when_a_device_below_is_dm_crypt()
    {
        Fails(ConditionKind.PathIsEncrypted, "/");   // major 0 (overlay): no block device
    }

    [Fact]
    public void Host_matches_the_hostname_as_a_case_insensitive_glob_or_the_machine_id()
    {
        _f.File("/proc/sys/kernel/hostname", "web-01\n").File("/etc/machine-id", "3d1219c7c4c5404aaa1f6d2a48adfda4\n");
        Holds(ConditionKind.Host, "web-01");
        Holds(ConditionKind.Host, "WEB-*");
        Fails(ConditionKind.Host, "db-*");
        Holds(ConditionKind.Host, "3d1219c7c4c5404aaa1f6d2a48adfda4");
        Holds(ConditionKind.Host, "3d1219c7-c4c5-404a-aa1f-6d2a48adfda4");
        Fails(ConditionKind.Host, "00000000000000000000000000000000");
    }

    [Fact]
    public void Kernel_command_line_words_match_whole_or_up_to_their_equals_sign()
    {
        _f.File("/proc/cmdline", "root=/dev/sda1 quiet \"init=/sbin/my init\" systemd.condition-first-boot=yes\n");
        Holds(ConditionKind.KernelCommandLine, "quiet");
        Holds(ConditionKind.KernelCommandLine, "root");
        Holds(ConditionKind.KernelCommandLine, "root=/dev/sda1");
        Holds(ConditionKind.KernelCommandLine, "init=/sbin/my init");
        Fails(ConditionKind.KernelCommandLine, "roo");
        Fails(ConditionKind.KernelCommandLine, "root=/dev/sda");
        Holds(ConditionKind.FirstBoot, "yes");   // the kernel command line decides first
    }

    [Fact]
    public void Kernel_command_line_of_a_container_is_pid_1s()
    {
        _f.File("/.dockerenv").File("/proc/cmdline", "quiet").File("/proc/1/cmdline", "/sbin/init\0--debug\0");
        Holds(ConditionKind.KernelCommandLine, "--debug");
        Fails(ConditionKind.KernelCommandLine, "quiet");
    }

    [Fact]
    public void Kernel_version_compares_with_operators_or_matches_a_glob()
    {
        _f.File("/proc/sys/kernel/osrelease", "6.18.0-rc1-amd64\n");
        Holds(ConditionKind.KernelVersion, ">=6.1");
        Holds(ConditionKind.KernelVersion, ">= 6.1");
        Holds(ConditionKind.KernelVersion, ">=6.1 <7");
        Fails(ConditionKind.KernelVersion, ">=6.1 <6.18");
        Holds(ConditionKind.KernelVersion, "6.18*");
        Fails(ConditionKind.KernelVersion, "5.*");
        Holds(ConditionKind.KernelVersion, "!=6.17");
        Holds(ConditionKind.KernelVersion, "=6.18.0-rc1-amd64");
        Errs(ConditionKind.KernelVersion, ">=6.1 <");
    }

    [Fact]
    public void Versions_order_like_systemds_strverscmp_improved()
    {
        Assert.True(VersionOrder.Compare("6.18.0", "6.2") > 0);
        Assert.True(VersionOrder.Compare("1.0~rc1", "1.0") < 0);
        Assert.True(VersionOrder.Compare("1.0-1", "1.0.1") < 0);
        Assert.True(VersionOrder.Compare("1.0^p1", "1.0") > 0);
        Assert.True(VersionOrder.Compare("1.0a", "1.0") > 0);
        Assert.True(VersionOrder.Compare("1.0", "1.0a") < 0);
        Assert.True(VersionOrder.Compare("1.010", "1.9") > 0);
        Assert.Equal(0, VersionOrder.Compare("1.01", "1.1"));
        Assert.True(VersionOrder.Compare(null, "1") < 0);
    }

    [Fact]
    public void Virtualization_by_container_files_and_cpuid()
    {
        Fails(ConditionKind.Virtualization, "yes");
        Holds(ConditionKind.Virtualization, "no");
        _f.CpuFeatures.Add("hypervisor");
        _f.Vendor = "KVMKVMKVM";
        Holds(ConditionKind.Virtualization, "vm");
        Holds(ConditionKind.Virtualization, "kvm");
        Fails(ConditionKind.Virtualization, "container");
        _f.File("/.dockerenv");
        Holds(ConditionKind.Virtualization, "container");
        Holds(ConditionKind.Virtualization, "docker");
        Fails(ConditionKind.Virtualization, "vm");   // a container is what systemd-detect-virt reports first
        _f.File("/run/systemd/container", "systemd-nspawn\n");
        Holds(ConditionKind.Virtualization, "systemd-nspawn");
        _f.File("/proc/self/uid_map", "0 100000 65536\n");
        Holds(ConditionKind.Virtualization, "private-users");
    }

    [Fact]
    public void Architecture_firmware_security_and_cpu_features()
    {
        Holds(ConditionKind.Architecture, "x86-64");
        Holds(ConditionKind.Architecture, "native");
        Fails(ConditionKind.Architecture, "arm64");
        Fails(ConditionKind.Architecture, "bogus");
        _f.Arch = Arch.Arm64;
        Holds(ConditionKind.Architecture, "arm64");
        Fails(ConditionKind.Firmware, "uefi");
        _f.Dir("/sys/firmware/efi");
        Holds(ConditionKind.Firmware, "uefi");
        _f.File("/proc/device-tree/compatible", "raspberrypi,4-model-b\0brcm,bcm2711\0");
        Holds(ConditionKind.Firmware, "device-tree-compatible(brcm,bcm2711)");
        Fails(ConditionKind.Firmware, "device-tree-compatible(brcm,bcm2711");
        Fails(ConditionKind.Firmware, "bogus");
        Fails(ConditionKind.Security, "apparmor");
        _f.File("/sys/module/apparmor/parameters/enabled", "Y\n");
        Holds(ConditionKind.Security, "apparmor");
        Fails(ConditionKind.Security, "bogus");
        _f.CpuFeatures.Add("avx2");
        Holds(ConditionKind.CPUFeature, "avx2");
        Fails(ConditionKind.CPUFeature, "sse4a");
    }

    [Fact]
    public void Capability_in_the_managers_bounding_set()
    {
        _f.File("/proc/self/status", "Name:\tsummon\nCapBnd:\t0000000000200000\n");
        Holds(ConditionKind.Capability, "CAP_SYS_ADMIN");
        Holds(ConditionKind.Capability, "cap_sys_admin");
        Holds(ConditionKind.Capability, "21");
        Fails(ConditionKind.Capability, "CAP_NET_RAW");
        Errs(ConditionKind.Capability, "CAP_BOGUS");
    }

    [Fact]
    public void AC_power_from_the_mains_supplies()
    {
        Holds(ConditionKind.ACPower, "true");   // no power supply: assumed on mains, as systemd
        _f.File("/sys/class/power_supply/AC/type", "Mains\n").File("/sys/class/power_supply/AC/online", "0\n");
        Holds(ConditionKind.ACPower, "false");
        _f.File("/sys/class/power_supply/AC/online", "1\n");
        Holds(ConditionKind.ACPower, "yes");
        Errs(ConditionKind.ACPower, "maybe");
    }

    [Fact]
    public void Memory_and_cpus_compare_with_greater_or_equal_by_default()
    {
        _f.File("/proc/meminfo", "MemTotal:        2048000 kB\nMemFree: 1 kB\n")
          .File("/proc/self/status", "Cpus_allowed_list:\t0-1,4\n");
        Holds(ConditionKind.Memory, "1G");
        Holds(ConditionKind.Memory, "<3G");
        Fails(ConditionKind.Memory, ">=2G");
        Errs(ConditionKind.Memory, ">=zz");
        _f.File("/sys/fs/cgroup/memory/memory.limit_in_bytes", "536870912\n");
        Fails(ConditionKind.Memory, "1G");   // the root cgroup's limit lowers it
        Holds(ConditionKind.CPUs, "3");
        Holds(ConditionKind.CPUs, "=3");
        Fails(ConditionKind.CPUs, ">3");
        Holds(ConditionKind.CPUs, "!=2");
        Errs(ConditionKind.CPUs, "x");
    }

    [Fact]
    public void Environment_os_release_and_credentials()
    {
        _f.Env.AddRange(["PATH=/usr/bin", "LANG=C.UTF-8", "CREDENTIALS_DIRECTORY=/run/creds"]);
        Holds(ConditionKind.Environment, "PATH");
        Holds(ConditionKind.Environment, "LANG=C.UTF-8");
        Fails(ConditionKind.Environment, "PAT");
        Fails(ConditionKind.Environment, "LANG=C");
        _f.File("/usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
        Holds(ConditionKind.OSRelease, "ID=debian");
        Holds(ConditionKind.OSRelease, "ID=debian VERSION_ID>=11");
        Fails(ConditionKind.OSRelease, "VERSION_ID<12");
        Holds(ConditionKind.OSRelease, "ID!=fedora");
        Fails(ConditionKind.OSRelease, "NOPE=x");
        Errs(ConditionKind.OSRelease, "ID");
        Errs(ConditionKind.OSRelease, "1D=x");
        _f.File("/run/creds/token");
        Holds(ConditionKind.Credential, "token");
        Fails(ConditionKind.Credential, "other");
        Fails(ConditionKind.Credential, "a/b");
    }

    [Fact]
    public void User_and_group_by_id_name_and_system_range()
    {
        _f.File("/proc/self/status", "Uid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\nGroups:\t27 1000\n")
          .File("/etc/passwd", "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n")
          .File("/etc/group", "root:x:0:\nsudo:x:27:alice\nalice:x:1000:\n");
        Holds(ConditionKind.User, "1000");
        Holds(ConditionKind.User, "alice");
        Fails(ConditionKind.User, "root");
        Fails(ConditionKind.User, "@system");
        Fails(ConditionKind.User, "nosuchuser");
        Holds(ConditionKind.Group, "sudo");
        Holds(ConditionKind.Group, "27");
        Fails(ConditionKind.Group, "root");
        Fails(ConditionKind.Group, "nosuchgroup");
        _f.Env.Add("USER=bob");
        Holds(ConditionKind.User, "bob");   // $USER names the manager's user first, as systemd's getusername_malloc()
    }

    [Fact]
    public void First_boot_and_needs_update()
    {
        Holds(ConditionKind.FirstBoot, "no");
        _f.Dir("/run/systemd").File("/run/systemd/first-boot");
        Holds(ConditionKind.FirstBoot, "yes");
        _f.Dir("/usr").Dir("/etc");
        Holds(ConditionKind.NeedsUpdate, "/etc");   // no /etc/.updated
        _f.File("/etc/.updated");
        _f.MTimes["/usr"] = (100, 5);
        _f.MTimes["/etc/.updated"] = (100, 5);
        Fails(ConditionKind.NeedsUpdate, "/etc");
        _f.MTimes["/usr"] = (101, 0);
        Holds(ConditionKind.NeedsUpdate, "/etc");
    }

    [Fact]
    public void Pressure_holds_when_the_average_is_at_most_the_limit()
    {
        _f.File("/proc/pressure/cpu", "some avg10=99.00 avg60=40.00 avg300=20.00 total=1\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n")
          .File("/proc/pressure/io", "some avg10=5.00 avg60=5.00 avg300=5.00 total=1\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n")
          .File("/proc/pressure/memory", "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
        Holds(ConditionKind.CPUPressure, "20%");
        Fails(ConditionKind.CPUPressure, "50%/10sec");
        Holds(ConditionKind.CPUPressure, "50%/1min");
        Holds(ConditionKind.IOPressure, "1%");   // I/O and memory read the "full" line
        Errs(ConditionKind.MemoryPressure, "foo");
        Holds(ConditionKind.MemoryPressure, "system.slice:10%");   // not on the unified hierarchy: skipped, holds
    }

    [Fact]
    public void Control_group_controllers_of_the_legacy_hierarchy()
    {
        _f.Dir("/sys/fs/cgroup/memory").Dir("/sys/fs/cgroup/pids").Dir("/sys/fs/cgroup/cpuset");
        Holds(ConditionKind.ControlGroupController, "v1");
        Fails(ConditionKind.ControlGroupController, "v2");
        Holds(ConditionKind.ControlGroupController, "memory pids");
        Fails(ConditionKind.ControlGroupController, "memory cpu");
        Fails(ConditionKind.ControlGroupController, "cpuset");   // not a controller systemd uses on v1
        Holds(ConditionKind.ControlGroupController, "bogus");   // nothing known asked for
    }
}
