using Summon.Posix;

namespace Summon.Text;

/// <summary>
/// Numbers in C notation as systemd's safe_atou()/safe_atoi() read them (strtoul/strtol with base 0):
/// leading whitespace, optional sign, "0x" hex, leading "0" octal, nothing after the digits.
/// Results are errno values: 0, EINVAL or ERANGE.
/// </summary>
internal static class CNumber
{
    private const string Whitespace = " \t\n\r\v\f";

    public static int TryParseUInt64(string s, out ulong value)
    {
        value = 0;
        int r = ParseSigned(s, out bool negative, out ulong magnitude);
        if (r != 0)
            return r;
        if (negative && magnitude != 0)
            return Errno.ERANGE;
        value = magnitude;
        return 0;
    }

    /// <summary>strtol's prefix: leading whitespace and an optional sign, then the digits (base 0).</summary>
    private static int ParseSigned(string s, out bool negative, out ulong magnitude)
    {
        int i = 0;
        while (i < s.Length && Whitespace.Contains(s[i]))
            i++;
        negative = false;
        if (i < s.Length && s[i] is '+' or '-')
        {
            negative = s[i] == '-';
            i++;
        }
        return ParseDigits(s, i, out magnitude);
    }

    public static int TryParseUInt32(string s, out uint value)
    {
        value = 0;
        int r = TryParseUInt64(s, out ulong v);
        if (r != 0)
            return r;
        if (v > uint.MaxValue)
            return Errno.ERANGE;
        value = (uint)v;
        return 0;
    }

    public static int TryParseInt32(string s, out int value)
    {
        value = 0;
        int r = ParseSigned(s, out bool negative, out ulong magnitude);
        if (r != 0)
            return r;
        if (negative ? magnitude > 2147483648UL : magnitude > int.MaxValue)
            return Errno.ERANGE;
        value = negative ? (int)(-(long)magnitude) : (int)magnitude;
        return 0;
    }

    /// <summary>Only decimal digits, value ≥ 1 (an interface index, a numeric id).</summary>
    public static bool IsPositiveDecimal(string s, out int value)
    {
        value = 0;
        if (s.Length == 0 || s.Length > 9)
            return false;
        foreach (char c in s)
        {
            if (c is < '0' or > '9')
                return false;
            value = (value * 10) + (c - '0');
        }

        return value > 0;
    }

    private static int ParseDigits(string s, int i, out ulong value)
    {
        value = 0;
        int numberBase = 10;
        if (i + 1 < s.Length && s[i] == '0' && s[i + 1] is 'x' or 'X' && i + 2 < s.Length && char.IsAsciiHexDigit(s[i + 2]))
        {
            numberBase = 16;
            i += 2;
        }
        else if (i < s.Length && s[i] == '0')
        {
            numberBase = 8;
        }

        int start = i;
        bool overflow = false;
        for (; i < s.Length; i++)
        {
            int d = HexValue(s[i]);
            if (d < 0 || d >= numberBase)
                break;
            ulong next = unchecked((value * (ulong)numberBase) + (ulong)d);
            if (value > (ulong.MaxValue - (ulong)d) / (ulong)numberBase)
                overflow = true;
            value = next;
        }

        if (i == start || i != s.Length)
            return Errno.EINVAL;
        return overflow ? Errno.ERANGE : 0;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
