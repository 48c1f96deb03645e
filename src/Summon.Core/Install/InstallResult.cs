namespace Summon.Install;

/// <summary>What an enable/disable did: lines for stdout, notices for stderr, or an error.</summary>
internal sealed class InstallResult
{
    public List<string> Changes { get; } = [];

    public List<string> Notices { get; } = [];

    public string? Error { get; set; }
}
