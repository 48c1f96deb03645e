using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Text;
using Summon.Manager.ControlGroups;
using Summon.Processes;
using Summon.Units;

namespace Summon.Core.Tests.Manager.ControlGroups;

/// <summary>
/// The hand-built cgroup programs: run through an eBPF interpreter of the tests' own (the instructions
/// <see cref="BpfAssembler"/> emits) for what they answer, then, as root, loaded by the kernel's verifier and the device
/// program attached to a real cgroup2 cgroup with a shell inside it. The integration tests (CgroupAccessTests) run the
/// manager's whole path.
/// </summary>
public sealed class CgroupBpfTests
{
    /// <summary>Runs <paramref name="program"/> over a context (the bytes of struct bpf_cgroup_dev_ctx or __sk_buff) and
    /// a packet from its network header (what bpf_skb_load_bytes_relative reads).</summary>
    private static ulong Run(ulong[] program, byte[] context, byte[]? packet = null)
    {
        var r = new ulong[11];
        var stack = new byte[512];
        const ulong ContextBase = 1UL << 40, StackTop = 2UL << 40;
        r[1] = ContextBase;
        r[10] = StackTop;
        Span<byte> Memory(ulong address, int length) => address >= StackTop - 512 && address <= StackTop
            ? stack.AsSpan((int)(address - (StackTop - 512)), length)
            : context.AsSpan((int)(address - ContextBase), length);
        for (int pc = 0; pc < program.Length; pc++)
        {
            ulong insn = program[pc];
            byte code = (byte)insn, dst = (byte)((insn >> 8) & 0xf), src = (byte)((insn >> 12) & 0xf);
            short off = (short)(insn >> 16);
            int imm = (int)(insn >> 32);
            switch (code)
            {
                case 0x61: r[dst] = BinaryPrimitives.ReadUInt32LittleEndian(Memory(r[src] + (ulong)(long)off, 4)); break;
                case 0xbf: r[dst] = r[src]; break;
                case 0xb7: r[dst] = (ulong)(long)imm; break;
                case 0x07: r[dst] += (ulong)(long)imm; break;
                case 0x54: r[dst] = (uint)r[dst] & (uint)imm; break;
                case 0x74: r[dst] = (uint)r[dst] >> imm; break;
                case 0x16: if ((uint)r[dst] == (uint)imm) pc += off; break;
                case 0x56: if ((uint)r[dst] != (uint)imm) pc += off; break;
                case 0x55: if (r[dst] != (ulong)(long)imm) pc += off; break;
                case 0x05: pc += off; break;
                case 0x85:
                    Assert.Equal(68, imm);   // bpf_skb_load_bytes_relative(skb, offset, to, length, BPF_HDR_START_NET)
                    Assert.Equal(1UL, r[5]);
                    int offset = (int)r[2], length = (int)r[4];
                    if (packet is null || offset + length > packet.Length)
                        r[0] = unchecked((ulong)-14);
                    else
                    {
                        packet.AsSpan(offset, length).CopyTo(Memory(r[3], length));
                        r[0] = 0;
                    }
                    break;
                case 0x95: return r[0];
                default: throw new InvalidOperationException($"opcode {code:x2} at {pc}");
            }
        }
        throw new InvalidOperationException("ran off the end");
    }

    private static ulong Device(ulong[] program, char kind, DeviceAccessKinds access, uint major, uint minor)
    {
        var context = new byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(context, ((uint)access << 16) | (uint)(kind == 'b' ? 1 : 2));
        BinaryPrimitives.WriteUInt32LittleEndian(context.AsSpan(4), major);
        BinaryPrimitives.WriteUInt32LittleEndian(context.AsSpan(8), minor);
        return Run(program, context);
    }

    /// <summary>An IPv4 or IPv6 header from <paramref name="source"/> to <paramref name="destination"/>, with its __sk_buff.</summary>
    private static ulong Packet(ulong[] program, string source, string destination, ushort? protocol = null)
    {
        IPAddress from = IPAddress.Parse(source), to = IPAddress.Parse(destination);
        bool v6 = from.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        var header = new byte[v6 ? 40 : 20];
        from.GetAddressBytes().CopyTo(header, v6 ? 8 : 12);
        to.GetAddressBytes().CopyTo(header, v6 ? 24 : 16);
        var skb = new byte[192];
        ushort ethernetType = protocol ?? (ushort)(v6 ? 0x86dd : 0x0800);
        BinaryPrimitives.WriteUInt16BigEndian(skb.AsSpan(16), ethernetType);
        return Run(program, skb, header);
    }

    private static List<IpAddressPrefix> Prefixes(params string[] words) => [.. words.SelectMany(w => IpAddressPrefix.ParseWord(w)!)];

    private static readonly List<DeviceRule> s_closedWithLoopControl =
    [
        new('c', 1, 3, DeviceAccessKinds.All),          // /dev/null
        new('c', 136, null, DeviceAccessKinds.Read | DeviceAccessKinds.Write),   // char-pts
        new('c', 10, 237, DeviceAccessKinds.Read | DeviceAccessKinds.Write),     // /dev/loop-control rw
        new('b', 7, null, DeviceAccessKinds.Read),       // block-loop r
    ];

    [Fact]
    public void The_device_program_allows_what_a_rule_covers_and_nothing_else()
    {
        var program = DeviceFilterProgram.Build(s_closedWithLoopControl);
        Assert.Equal(1UL, Device(program, 'c', DeviceAccessKinds.Read | DeviceAccessKinds.Write, 1, 3));
        Assert.Equal(1UL, Device(program, 'c', DeviceAccessKinds.Mknod, 1, 3));
        Assert.Equal(1UL, Device(program, 'c', DeviceAccessKinds.Write, 136, 42));       // any minor of the group
        Assert.Equal(0UL, Device(program, 'c', DeviceAccessKinds.Mknod, 136, 42));       // "rw" does not cover mknod
        Assert.Equal(1UL, Device(program, 'c', DeviceAccessKinds.Read, 10, 237));
        Assert.Equal(0UL, Device(program, 'c', DeviceAccessKinds.Read, 10, 236));
        Assert.Equal(1UL, Device(program, 'b', DeviceAccessKinds.Read, 7, 0));
        Assert.Equal(0UL, Device(program, 'b', DeviceAccessKinds.Write, 7, 0));
        Assert.Equal(0UL, Device(program, 'c', DeviceAccessKinds.Read, 7, 0));           // the class matters
        Assert.Equal(0UL, Device(program, 'b', DeviceAccessKinds.Read, 8, 0));           // /dev/sda
        Assert.Equal(0UL, Device(DeviceFilterProgram.Build([]), 'c', DeviceAccessKinds.Read, 1, 3));   // strict, empty
    }

    [Fact]
    public void Closed_adds_the_standard_pseudo_devices_and_the_pseudo_terminals_strict_adds_nothing()
    {
        const string proc = "Character devices:\n  1 mem\n  5 /dev/tty\n136 pts\n202 cpu/msr\n203 cpu/cpuid\n\nBlock devices:\n  7 loop\n  8 sd\n";
        var skipped = new List<string>();
        var closed = DeviceRules.Resolve(DevicePolicy.Closed, [], proc, skipped);
        Assert.Contains(closed, r => r.LegacyText == "c 1:3 rwm");    // /dev/null
        Assert.Contains(closed, r => r.LegacyText == "c 1:9 rwm");    // /dev/urandom
        Assert.Contains(closed, r => r.LegacyText == "c 5:0 rwm");    // /dev/tty
        Assert.Contains(closed, r => r.LegacyText == "c 136:* rw");   // char-pts
        Assert.Empty(skipped);
        Assert.Empty(DeviceRules.Resolve(DevicePolicy.Strict, [], proc, skipped));
        var globbed = DeviceRules.Resolve(DevicePolicy.Strict, [new("char-cpu/*", DeviceAccessKinds.Read), new("block-loop", DeviceAccessKinds.All), new("char-nothing", DeviceAccessKinds.All)], proc, skipped);
        Assert.Equal(["c 202:* r", "c 203:* r", "b 7:* rwm"], globbed.Select(r => r.LegacyText));
        Assert.Equal(["char-nothing rwm"], skipped);
        // DevicePolicy=auto turns into closed once there is a list; PrivateDevices= closes it, ProtectClock= adds the RTC.
        var (policy, allow) = DeviceRules.Effective(new ResourceControl(), privateDevices: true, protectClock: true);
        Assert.Equal((DevicePolicy.Closed, "char-rtc r"), (policy, string.Join(",", allow)));
        Assert.False(DeviceRules.Filtered(DevicePolicy.Auto, []));
    }

    [Fact]
    public void The_packet_program_lets_allowed_peers_through_drops_denied_ones_and_passes_the_rest()
    {
        var deny = Prefixes("any");
        var allow = Prefixes("localhost");
        var egress = IpFilterProgram.Build(allow, deny, ingress: false, IpFilterProgram.CgroupPass);
        Assert.Equal(1UL, Packet(egress, "10.0.0.5", "127.0.0.1"));
        Assert.Equal(0UL, Packet(egress, "127.0.0.1", "10.0.0.5"));        // egress judges the destination
        Assert.Equal(1UL, Packet(egress, "::1", "::1"));
        Assert.Equal(0UL, Packet(egress, "::1", "2001:db8::1"));
        Assert.Equal(1UL, Packet(egress, "10.0.0.5", "10.0.0.6", protocol: 0x0806));   // not IP
        var ingress = IpFilterProgram.Build(allow, deny, ingress: true, IpFilterProgram.CgroupPass);
        Assert.Equal(1UL, Packet(ingress, "127.0.0.1", "10.0.0.5"));       // ingress judges the source
        Assert.Equal(0UL, Packet(ingress, "10.0.0.5", "127.0.0.1"));

        // Allow wins over deny; a host prefix is the whole address; prefixes that end inside a word are masked.
        var narrow = IpFilterProgram.Build(Prefixes("127.0.0.2/32"), Prefixes("127.0.0.0/8", "fe80::/64", "192.168.0.0/20"), ingress: false, IpFilterProgram.CgroupPass);
        Assert.Equal(1UL, Packet(narrow, "1.1.1.1", "127.0.0.2"));
        Assert.Equal(0UL, Packet(narrow, "1.1.1.1", "127.0.0.3"));
        Assert.Equal(0UL, Packet(narrow, "1.1.1.1", "192.168.15.255"));
        Assert.Equal(1UL, Packet(narrow, "1.1.1.1", "192.168.16.0"));
        Assert.Equal(0UL, Packet(narrow, "::1", "fe80::1234"));
        Assert.Equal(1UL, Packet(narrow, "::1", "fe80:0:0:1::1"));
        Assert.Equal(1UL, Packet(narrow, "1.1.1.1", "8.8.8.8"));

        // A socket filter keeps the whole packet instead of answering 1.
        var filter = IpFilterProgram.Build([], deny, ingress: true, IpFilterProgram.SocketFilterPass);
        Assert.Equal(ulong.MaxValue, Packet(filter, "127.0.0.1", "127.0.0.1", protocol: 0x0806));
        Assert.Equal(0UL, Packet(filter, "127.0.0.1", "127.0.0.1"));
    }

    [Fact]
    public void The_kernels_verifier_accepts_every_program()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        var programs = new (int Type, int Attach, ulong[] Code)[]
        {
            (BpfLoader.CgroupDevice, BpfLoader.Device, DeviceFilterProgram.Build(s_closedWithLoopControl)),
            (BpfLoader.CgroupDevice, BpfLoader.Device, DeviceFilterProgram.Build([])),
            (BpfLoader.CgroupSkb, BpfLoader.Ingress, IpFilterProgram.Build(Prefixes("localhost", "10.0.0.0/12"), Prefixes("any", "fe80::/64"), ingress: true, IpFilterProgram.CgroupPass)),
            (BpfLoader.CgroupSkb, BpfLoader.Egress, IpFilterProgram.Build([], Prefixes("any"), ingress: false, IpFilterProgram.CgroupPass)),
            (BpfLoader.SocketFilter, 0, IpFilterProgram.Build(Prefixes("localhost"), Prefixes("any"), ingress: true, IpFilterProgram.SocketFilterPass)),
        };
        foreach (var (type, attach, code) in programs)
        {
            var log = new StringBuilder();
            using var fd = BpfLoader.Load(type, attach, code, out int errno, log);
            Assert.True(fd is not null, $"type {type}: {Summon.Posix.Errno.Describe(errno)}\n{log}");
        }
    }

    [Fact]
    public void The_device_program_attached_to_a_cgroup2_cgroup_refuses_what_it_does_not_allow()
    {
        var mounts = CgroupMounts.Read();
        if (!Environment.IsPrivilegedProcess || mounts.Unified is not { } mount || !File.Exists("/dev/loop-control"))
            return;
        string dir = Path.Combine(mount, "summon-test-devices-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        try
        {
            using (var directory = CgroupFile.Open(dir, Summon.Interop.Libc.O_RDONLY | Summon.Interop.Libc.O_DIRECTORY, out _))
            using (var program = BpfLoader.Load(BpfLoader.CgroupDevice, BpfLoader.Device, DeviceFilterProgram.Build([new('c', 1, 3, DeviceAccessKinds.All)]), out int errno))
            {
                Assert.True(program is not null, Summon.Posix.Errno.Describe(errno));
                Assert.Equal(0, BpfLoader.Attach(directory!, program, BpfLoader.Device));
            }
            // The shell joins the cgroup itself, then opens the two devices.
            string script = $"echo $$ > {dir}/cgroup.procs || exit 9; (exec 3</dev/null) && echo null=ok; (exec 3</dev/loop-control) 2>/dev/null && echo loop=ok || echo loop=refused";
            using var shell = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", script]) { RedirectStandardOutput = true })!;
            string output = shell.StandardOutput.ReadToEnd();
            shell.WaitForExit();
            Assert.Equal("null=ok\nloop=refused\n", output);
            // Outside it, the same open works: the refusal is the program's.
            Assert.True(File.Exists("/dev/loop-control"));
            using var outside = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "(exec 3</dev/loop-control) && echo loop=ok"]) { RedirectStandardOutput = true })!;
            Assert.Equal("loop=ok\n", outside.StandardOutput.ReadToEnd());
            outside.WaitForExit();
        }
        finally
        {
            for (int i = 0; i < 50 && Directory.Exists(dir); i++)
            {
                try
                {
                    Directory.Delete(dir);
                }
                catch (IOException)
                {
                    Thread.Sleep(20);
                }
            }
        }
    }
}
