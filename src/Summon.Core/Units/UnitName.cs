using System.Diagnostics.CodeAnalysis;

namespace Summon.Units;

/// <summary>
/// A valid unit name (systemd's unit_name_is_valid()): prefix of [A-Za-z0-9:_.\-\\], an optional '@' and instance
/// (which may also hold '@'), a '.' and a known type; shorter than 256 characters.
/// </summary>
internal sealed class UnitName : IEquatable<UnitName>
{
    /// <summary>UNIT_NAME_MAX: names must be shorter.</summary>
    public const int MaxLength = 256;

    private UnitName(string name, string prefix, string? instance, UnitType type)
    {
        Name = name;
        Prefix = prefix;
        Instance = instance;
        Type = type;
    }

    /// <summary>"demo-echo@0-1.2.3.4:1-5.6.7.8:2.service".</summary>
    public string Name { get; }

    /// <summary>"demo-echo": the part before the first '@' (or the suffix).</summary>
    public string Prefix { get; }

    /// <summary>Null for a plain name, "" for a template, else the instance.</summary>
    public string? Instance { get; }

    public UnitType Type { get; }

    /// <summary>".service".</summary>
    public string Suffix => "." + Type.ToSuffix();

    public bool IsTemplate => Instance is { Length: 0 };

    public bool IsInstance => Instance is { Length: > 0 };

    public bool IsPlain => Instance is null;

    /// <summary>The name without its type suffix (%N).</summary>
    public string NameWithoutSuffix => Name[..^Suffix.Length];

    public static bool TryParse(string name, [NotNullWhen(true)] out UnitName? result)
    {
        result = null;
        if (string.IsNullOrEmpty(name) || name.Length >= MaxLength)
            return false;
        int dot = name.LastIndexOf('.');
        if (dot <= 0 || !UnitTypes.TryParse(name[(dot + 1)..], out UnitType type))
            return false;
        int at = -1;
        for (int i = 0; i < dot; i++)
        {
            char c = name[i];
            if (c == '@' && at < 0)
                at = i;
            else if (!IsValidChar(c) && c != '@')
                return false;
        }

        if (at == 0)
            return false;
        if (at < 0)
        {
            result = new UnitName(name, name[..dot], null, type);
            return true;
        }

        result = new UnitName(name, name[..at], name[(at + 1)..dot], type);
        return true;
    }

    /// <summary>Parses a name; throws <see cref="ArgumentException"/> when it is not a valid unit name.</summary>
    public static UnitName Parse(string name)
        => TryParse(name, out UnitName? result) ? result : throw new ArgumentException($"Invalid unit name: {name}", nameof(name));

    /// <summary>Builds "prefix@instance.type" (instance null for a plain name, "" for a template).</summary>
    public static bool TryBuild(string prefix, string? instance, UnitType type, [NotNullWhen(true)] out UnitName? result)
        => TryParse(instance is null ? $"{prefix}.{type.ToSuffix()}" : $"{prefix}@{instance}.{type.ToSuffix()}", out result);

    /// <summary>foo@.service + "x" → foo@x.service (also replaces an existing instance).</summary>
    public UnitName WithInstance(string instance)
    {
        if (IsPlain)
            throw new InvalidOperationException($"Unit name {Name} is neither a template nor an instance.");
        return Parse($"{Prefix}@{instance}{Suffix}");
    }

    /// <summary>foo@x.service → foo@.service.</summary>
    public UnitName Template()
    {
        if (IsPlain)
            throw new InvalidOperationException($"Unit name {Name} is neither a template nor an instance.");
        return Parse($"{Prefix}@{Suffix}");
    }

    /// <summary>foo.socket → foo.service (keeps the instance).</summary>
    public UnitName WithType(UnitType type) => Parse(NameWithoutSuffix + "." + type.ToSuffix());

    internal static bool IsValidChar(char c) => char.IsAsciiLetterOrDigit(c) || c is ':' or '-' or '_' or '.' or '\\';

    public bool Equals(UnitName? other) => other is not null && string.Equals(Name, other.Name, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is UnitName other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    public static bool operator ==(UnitName? a, UnitName? b) => a is null ? b is null : a.Equals(b);

    public static bool operator !=(UnitName? a, UnitName? b) => !(a == b);

    public override string ToString() => Name;
}
