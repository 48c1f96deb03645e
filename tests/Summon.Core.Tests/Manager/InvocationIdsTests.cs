using System.Text.RegularExpressions;
using Summon.Manager;

namespace Summon.Core.Tests.Manager;

public sealed class InvocationIdsTests
{
    [Theory]
    // 16 bytes in -> the 32 hex digits Guid prints for them, with version 4 and the RFC 4122 variant forced.
    [InlineData("00000000000000000000000000000000", "00000000000040008000000000000000")]
    [InlineData("ffffffffffffffffffffffffffffffff", "ffffffffffff4fffbfffffffffffffff")]
    [InlineData("000102030405060708090a0b0c0d0e0f", "03020100050447068809" + "0a0b0c0d0e0f")]
    public void Bytes_become_a_version_4_id(string bytesHex, string expected)
    {
        byte[] bytes = Convert.FromHexString(bytesHex);
        Assert.Equal(expected, InvocationIds.FromBytes(bytes));
    }

    [Fact]
    public void Ids_are_distinct_version_4_hex_across_pool_refills()
    {
        var seen = new HashSet<string>();
        for (int i = 0; i < 100; i++)
        {
            string id = InvocationIds.Next();
            Assert.Matches(new Regex("^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$"), id);
            Assert.True(seen.Add(id), $"id {id} repeated");
        }
    }
}
