using Summon.Posix;
using Summon.Units;

namespace Summon.Core.Tests.Units;

public class ListenAddressParserTests
{
    /// <summary>Interfaces "lo" (1) and "eth0" (2), whatever the test machine has.</summary>
    private sealed class FakeInterfaces : INetworkInterfaceNames
    {
        public int? IndexOf(string name) => name switch { "lo" => 1, "eth0" => 2, _ => null };

        public string? NameOf(int index) => index switch { 1 => "lo", 2 => "eth0", _ => null };
    }

    // The vectors of systemd's test-socket-netlink.c (v252), plus the seed's forms.
    [Theory]
    [InlineData("junk", Errno.EINVAL)]
    [InlineData("192.168.1.1", Errno.EINVAL)]
    [InlineData(".168.1.1", Errno.EINVAL)]
    [InlineData("989.168.1.1", Errno.EINVAL)]
    [InlineData("192.168.1.1:65536", Errno.ERANGE)]
    [InlineData("192.168.1.1:0", Errno.EINVAL)]
    [InlineData("0", Errno.EINVAL)]
    [InlineData("65536", Errno.ERANGE)]
    [InlineData("[::1]", Errno.EINVAL)]
    [InlineData("[::1]8888", Errno.EINVAL)]
    [InlineData("::1", Errno.EINVAL)]
    [InlineData("[::1]:0", Errno.EINVAL)]
    [InlineData("[::1]:65536", Errno.ERANGE)]
    [InlineData("[a:b:1]:8888", Errno.EINVAL)]
    [InlineData("[::1]%lo:1234", Errno.EINVAL)]
    [InlineData("[::1]:1234%lo%lo", Errno.EINVAL)]
    [InlineData("[::1]:1234%xxxxasdf", Errno.ENODEV)]
    [InlineData("/", Errno.EINVAL)]
    [InlineData("@", Errno.EINVAL)]
    [InlineData("vsock:2:1234x", Errno.EINVAL)]
    [InlineData("vsock:2x:1234", Errno.EINVAL)]
    [InlineData("vsock:2", Errno.EINVAL)]
    [InlineData("1.2.3:80", Errno.EINVAL)]
    [InlineData("[::1:80", Errno.EINVAL)]
    [InlineData("relative/path", Errno.EINVAL)]
    [InlineData("999999", Errno.ERANGE)]
    [InlineData("localhost:80", Errno.EINVAL)]
    [InlineData("01.2.3.4:80", Errno.EINVAL)]
    [InlineData("082", Errno.EINVAL)]
    public void Rejects(string text, int errno)
    {
        Assert.False(ListenAddressParser.TryParse(text, new FakeInterfaces(), out ListenAddress? address, out int actual));
        Assert.Null(address);
        Assert.Equal(errno, actual);
    }

    [Theory]
    [InlineData("65535", "[::]:65535", ListenFamily.Inet6, 65535)]
    [InlineData("8888", "[::]:8888", ListenFamily.Inet6, 8888)]
    [InlineData("9091", "[::]:9091", ListenFamily.Inet6, 9091)]
    [InlineData("0x50", "[::]:80", ListenFamily.Inet6, 80)]
    [InlineData("+81", "[::]:81", ListenFamily.Inet6, 81)]
    [InlineData("[2001:0db8:0000:85a3:0000:0000:ac1f:8001]:8888", "[2001:db8:0:85a3::ac1f:8001]:8888", ListenFamily.Inet6, 8888)]
    [InlineData("[::1]:8888", "[::1]:8888", ListenFamily.Inet6, 8888)]
    [InlineData("[::1]:9091", "[::1]:9091", ListenFamily.Inet6, 9091)]
    [InlineData("[::1]:1234%lo", "[::1]:1234%lo", ListenFamily.Inet6, 1234)]
    [InlineData("[fe80::1]:80%2", "[fe80::1]:80%eth0", ListenFamily.Inet6, 80)]
    [InlineData("[::ffff:1.2.3.4]:80", "[::ffff:1.2.3.4]:80", ListenFamily.Inet6, 80)]
    [InlineData("[::]:90", "[::]:90", ListenFamily.Inet6, 90)]
    [InlineData("192.168.1.254:8888", "192.168.1.254:8888", ListenFamily.Inet, 8888)]
    [InlineData("127.0.0.1:9091", "127.0.0.1:9091", ListenFamily.Inet, 9091)]
    [InlineData("0.0.0.0:91", "0.0.0.0:91", ListenFamily.Inet, 91)]
    [InlineData("/foo/bar", "/foo/bar", ListenFamily.Unix, 0)]
    [InlineData("/run/x.sock", "/run/x.sock", ListenFamily.Unix, 0)]
    [InlineData("@abstract", "@abstract", ListenFamily.UnixAbstract, 0)]
    [InlineData("vsock:2:1234", "vsock:2:1234", ListenFamily.Vsock, 1234)]
    [InlineData("vsock::1234", "vsock::1234", ListenFamily.Vsock, 1234)]
    // Summon's types are internal and xunit calls public methods: the value comes in as object.
    public void ParsesAndPrintsCanonically(string text, string printed, object familyValue, int port)
    {
        var family = (ListenFamily)familyValue;
        Assert.True(ListenAddressParser.TryParse(text, new FakeInterfaces(), out ListenAddress? address, out int errno));
        Assert.Equal(0, errno);
        Assert.Equal(printed, address.ToString());
        Assert.Equal(family, address.Family);
        Assert.Equal(port, address.Port);
    }

    [Fact]
    public void AbstractNameIsStoredWithoutAt()
    {
        Assert.True(ListenAddressParser.TryParse("@abstract", out ListenAddress? address, out _));
        Assert.Equal("abstract", address.Path);
    }

    [Fact]
    public void UnixPathLimitIs107Bytes()
    {
        string ok = "/" + new string('a', 106);
        string tooLong = "/" + new string('a', 107);
        Assert.True(ListenAddressParser.TryParse(ok, out _, out _));
        Assert.False(ListenAddressParser.TryParse(tooLong, out _, out int errno));
        Assert.Equal(Errno.ENAMETOOLONG, errno);
        Assert.True(ListenAddressParser.TryParse("@" + new string('a', 106), out _, out _));
        Assert.False(ListenAddressParser.TryParse("@" + new string('a', 107), out _, out errno));
        Assert.Equal(Errno.EINVAL, errno);
    }

    [Fact]
    public void BarePortIsIPv6Any()
    {
        Assert.True(ListenAddressParser.TryParse("9091", out ListenAddress? address, out _));
        Assert.Equal(System.Net.IPAddress.IPv6Any, address.Ip);
    }
}
