using Summon.Units;

namespace Summon.Core.Tests.Units;

/// <summary>
/// The resource-control keys as systemd 252 reads them: values, and the warnings worded as `systemd-analyze verify`
/// prints them for the same lines (the expected texts were taken from it).
/// </summary>
public sealed class ResourceControlParsingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("summon-rc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (ResourceControl Resources, string[] Warnings) Load(string body)
    {
        File.WriteAllText(Path.Combine(_dir, "v.service"), "[Service]\nExecStart=/bin/true\n" + body);
        var loader = new UnitLoader(UnitSearchPath.FromDirectories([_dir]), new SpecifierContext { Hostname = "vm" });
        var unit = loader.Load(UnitName.Parse("v.service"));
        return (unit.Service!.Resources, [.. unit.Diagnostics.Select(d => d.ToString().Replace(_dir + "/", "", StringComparison.Ordinal))]);
    }

    [Theory]
    [InlineData("TasksMax=0", "v.service:3: Maximum tasks value '0' out of range, ignoring.")]
    [InlineData("TasksMax=abc", "v.service:3: Invalid maximum tasks value 'abc', ignoring: Invalid argument")]
    [InlineData("MemoryMax=0", "v.service:3: Memory limit '0' out of range, ignoring.")]
    [InlineData("MemoryMax=abc", "v.service:3: Invalid memory limit 'abc', ignoring: Invalid argument")]
    [InlineData("MemoryMax=101%", "v.service:3: Invalid memory limit '101%', ignoring: Invalid argument")]
    [InlineData("MemoryMax=-1", "v.service:3: Invalid memory limit '-1', ignoring: Numerical result out of range")]
    [InlineData("CPUQuota=0%", "v.service:3: Invalid CPU quota '0%', ignoring.")]
    [InlineData("CPUQuota=abc", "v.service:3: Invalid CPU quota 'abc', ignoring.")]
    [InlineData("CPUWeight=0", "v.service:3: Invalid CPU weight, ignoring: 0")]
    [InlineData("StartupCPUWeight=0", "v.service:3: Invalid CPU weight, ignoring: 0")]
    [InlineData("IOWeight=20000", "v.service:3: Invalid weight, ignoring: 20000")]
    [InlineData("Slice=foo", "v.service:3: Failed to load slice unit foo, ignoring: Unit name foo is not valid.")]
    [InlineData("Slice=foo.service", "v.service:3: Failed to assign slice foo.service to unit v.service, ignoring: Invalid argument")]
    [InlineData("Slice=a@b.slice", "v.service:3: Failed to load slice unit a@b.slice, ignoring: Invalid argument")]
    [InlineData("CPUQuotaPeriodSec=x", "v.service:3: Failed to parse sec_def_infinity value, ignoring: x")]
    [InlineData("Delegate=foo memory", "v.service:3: Invalid controller name 'foo', ignoring")]
    public void Bad_values_warn_as_systemd_252(string line, string warning)
    {
        var (_, warnings) = Load(line + "\n");
        Assert.Equal([warning], warnings);
    }

    [Fact]
    public void Values_are_kept_as_systemd_keeps_them()
    {
        var (rc, warnings) = Load("""
            Slice=web-frontend.slice
            Delegate=memory pids
            MemoryMax=1.5%
            MemoryHigh=64M
            MemoryLow=0
            TasksMax=10.5%
            CPUQuota=150%
            CPUQuotaPeriodSec=50ms
            CPUWeight=200
            IOWeight=10000
            MemorySwapMax=infinity
            CPUAccounting=no

            """);
        Assert.Empty(warnings);
        Assert.Equal("web-frontend.slice", rc.Slice);
        Assert.True(rc.Delegate);
        Assert.Equal(["memory", "pids"], rc.DelegateControllers!);
        Assert.Equal(new ScaledLimit(150, 10000), rc.MemoryMax);
        Assert.Equal(new ScaledLimit(64UL << 20, 0), rc.MemoryHigh);
        Assert.Equal(new ScaledLimit(0, 0), rc.MemoryLow);
        Assert.Equal(new ScaledLimit(1050, 10000), rc.TasksMax);
        Assert.Equal(1_500_000UL, rc.CPUQuotaPerSecUSec);
        Assert.Equal(50_000UL, rc.CPUQuotaPeriodUSec);
        Assert.Equal(200UL, rc.CPUWeight);
        Assert.Equal(10000UL, rc.IOWeight);
        Assert.True(rc.MemorySwapMax!.Value.IsInfinity);
        Assert.False(rc.CPUAccounting);
        Assert.True(rc.HasLimits);
    }

    [Fact]
    public void An_empty_assignment_resets_to_the_default()
    {
        var (rc, warnings) = Load("TasksMax=5\nTasksMax=\nMemoryMax=1G\nMemoryMax=\nDelegate=yes\nDelegate=\n");
        Assert.Empty(warnings);
        Assert.Null(rc.TasksMax);
        Assert.Null(rc.MemoryMax);
        Assert.False(rc.Delegate);
        Assert.False(rc.HasLimits);
    }

    [Fact]
    public void Device_and_IP_access_keys_are_applied_and_kept_as_systemd_keeps_them()
    {
        var (rc, warnings) = Load("""
            DevicePolicy=closed
            DeviceAllow=/dev/loop-control rw
            DeviceAllow=char-pts
            DeviceAllow=block-loop r
            IPAddressDeny=any
            IPAddressAllow=localhost 10.1.2.3/8 fe80::1/64
            """);
        Assert.Empty(warnings);
        Assert.Equal(DevicePolicy.Closed, rc.DevicePolicy);
        Assert.Equal(["/dev/loop-control rw", "char-pts rwm", "block-loop r"], rc.DeviceAllow.Select(e => e.ToString()));
        Assert.Equal(["0.0.0.0/0", "::/0"], rc.IPAddressDeny.Select(p => p.ToString()));
        // Prefixes are stored masked, as in_addr_prefix_from_string_auto() leaves them.
        Assert.Equal(["127.0.0.0/8", "::1/128", "10.0.0.0/8", "fe80::/64"], rc.IPAddressAllow.Select(p => p.ToString()));
        Assert.True(rc.HasAccessRules);
    }

    [Fact]
    public void An_empty_assignment_resets_the_lists()
    {
        var (rc, warnings) = Load("DeviceAllow=/dev/null\nDeviceAllow=\nIPAddressDeny=any\nIPAddressDeny=\nIPAddressAllow=localhost\nIPAddressAllow=\n");
        Assert.Empty(warnings);
        Assert.Empty(rc.DeviceAllow);
        Assert.Empty(rc.IPAddressDeny);
        Assert.Empty(rc.IPAddressAllow);
        Assert.False(rc.HasAccessRules);
    }

    [Theory]
    [InlineData("DevicePolicy=open", "v.service:3: Failed to parse device policy 'open', ignoring.")]
    [InlineData("DeviceAllow=/etc/passwd rw", "v.service:3: Invalid device node path '/etc/passwd', ignoring.")]
    [InlineData("DeviceAllow=/dev/null rx", "v.service:3: Invalid device rights 'rx', ignoring.")]
    [InlineData("IPAddressDeny=10.0.0.0/33", "v.service:3: Address prefix is invalid, ignoring assignment: 10.0.0.0/33")]
    [InlineData("IPAddressAllow=somewhere", "v.service:3: Address prefix is invalid, ignoring assignment: somewhere")]
    public void Bad_device_and_address_values_warn_and_are_ignored(string line, string warning)
    {
        var (rc, warnings) = Load(line + "\n");
        Assert.Equal([warning], warnings);
        Assert.False(rc.HasAccessRules);
    }
}
