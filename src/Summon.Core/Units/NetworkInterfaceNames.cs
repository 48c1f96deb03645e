using System.Globalization;

namespace Summon.Units;

/// <summary>Name ↔ index of network interfaces; a seam so that address parsing stays testable.</summary>
internal interface INetworkInterfaceNames
{
    int? IndexOf(string name);

    string? NameOf(int index);
}

/// <summary>Interfaces as listed in /sys/class/net (read only; no netlink).</summary>
internal sealed class NetworkInterfaceNames : INetworkInterfaceNames
{
    public static readonly NetworkInterfaceNames System = new("/sys/class/net");

    private readonly string _root;

    public NetworkInterfaceNames(string root) => _root = root;

    public int? IndexOf(string name)
    {
        try
        {
            string text = File.ReadAllText(Path.Combine(_root, name, "ifindex")).Trim();
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int index) ? index : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    public string? NameOf(int index)
    {
        try
        {
            foreach (string dir in Directory.EnumerateDirectories(_root))
            {
                string name = Path.GetFileName(dir);
                if (IndexOf(name) == index)
                    return name;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return null;
    }
}
