namespace Summon.Core.Tests;

public class SmokeTests
{
    [Fact]
    public void CoreAssemblyLoads() => Assert.Equal("Summon.Core", typeof(Summon.Interop.Libc).Assembly.GetName().Name);
}
