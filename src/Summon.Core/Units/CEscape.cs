using System.Text;

namespace Summon.Units;

/// <summary>C escapes as systemd's cunescape_one() knows them: \a \b \f \n \r \t \v \\ \" \' \s \xHH \nnn \uXXXX \UXXXXXXXX.</summary>
internal static class CEscape
{
    /// <summary>
    /// Decodes the escape whose letter is at <paramref name="pos"/> (just after the backslash), appending the bytes
    /// to <paramref name="buf"/>. Returns the number of characters consumed, or -1 if it is not a valid escape.
    /// \x and octal escapes produce a raw byte; NUL is refused.
    /// </summary>
    public static int UnescapeOne(string s, int pos, List<byte> buf)
    {
        char c = s[pos];
        switch (c)
        {
            case 'a': buf.Add(7); return 1;
            case 'b': buf.Add(8); return 1;
            case 'f': buf.Add(12); return 1;
            case 'n': buf.Add(10); return 1;
            case 'r': buf.Add(13); return 1;
            case 't': buf.Add(9); return 1;
            case 'v': buf.Add(11); return 1;
            case '\\' or '"' or '\'': buf.Add((byte)c); return 1;
            case 's': buf.Add((byte)' '); return 1;
            case 'x':
                {
                    int a = Hex(s, pos + 1), b = Hex(s, pos + 2);
                    if (a < 0 || b < 0 || (a == 0 && b == 0))
                        return -1;
                    buf.Add((byte)((a << 4) | b));
                    return 3;
                }

            case 'u' or 'U':
                {
                    int digits = c == 'u' ? 4 : 8;
                    long v = 0;
                    for (int i = 1; i <= digits; i++)
                    {
                        int d = Hex(s, pos + i);
                        if (d < 0)
                            return -1;
                        v = (v << 4) | (uint)d;
                    }

                    if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
                        return -1;
                    buf.AddRange(Encoding.UTF8.GetBytes(char.ConvertFromUtf32((int)v)));
                    return digits + 1;
                }

            case >= '0' and <= '7':
                {
                    int a = Oct(s, pos), b = Oct(s, pos + 1), d = Oct(s, pos + 2);
                    if (a < 0 || b < 0 || d < 0)
                        return -1;
                    int m = (a << 6) | (b << 3) | d;
                    if (m == 0 || m > 255)
                        return -1;
                    buf.Add((byte)m);
                    return 3;
                }

            default:
                return -1;
        }
    }

    /// <summary>Decodes every escape of <paramref name="s"/> (cunescape()); false on an invalid one.</summary>
    public static bool TryUnescape(string s, out string result)
    {
        var buf = new List<byte>(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length)
            {
                int n = UnescapeOne(s, i + 1, buf);
                if (n < 0)
                {
                    result = s;
                    return false;
                }

                i += n;
            }
            else
            {
                buf.AddRange(Encoding.UTF8.GetBytes(s[i].ToString()));
            }
        }

        result = Encoding.UTF8.GetString(buf.ToArray());
        return true;
    }

    private static int Hex(string s, int i) => i < s.Length && char.IsAsciiHexDigit(s[i]) ? Convert.ToInt32(s[i].ToString(), 16) : -1;

    private static int Oct(string s, int i) => i < s.Length && s[i] is >= '0' and <= '7' ? s[i] - '0' : -1;
}
