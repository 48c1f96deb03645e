namespace Summon.Units;

/// <summary>The <c>[X-Summon]</c> section: Summon's own unit settings (docs/extensions.md); systemd ignores it.</summary>
internal static class SummonSection
{
    public const string Name = "X-Summon";
}
