namespace Summon.Units;

/// <summary>[Install] settings, used only by enable/disable. Values are the words as written (specifiers unexpanded).</summary>
internal sealed class InstallSection
{
    public List<string> WantedBy { get; } = [];

    public List<string> RequiredBy { get; } = [];

    public List<string> Alias { get; } = [];

    public List<string> Also { get; } = [];

    public string? DefaultInstance { get; set; }

    public bool IsEmpty => WantedBy.Count == 0 && RequiredBy.Count == 0 && Alias.Count == 0 && Also.Count == 0 && DefaultInstance is null;
}
