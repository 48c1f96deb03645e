namespace Summon.Units;

/// <summary>
/// Unit name patterns as systemctl and journalctl take them ("demo-echo@*", "*.socket", "demo-[ab].service"):
/// fnmatch(3) without flags — <c>*</c>, <c>?</c>, <c>[...]</c> with ranges and <c>!</c>/<c>^</c> negation, and
/// backslash escapes.
/// </summary>
internal static class UnitGlob
{
    /// <summary>systemd's string_is_glob(): the text holds one of <c>*?[</c>.</summary>
    public static bool IsGlob(string text) => text.AsSpan().IndexOfAny("*?[") >= 0;

    public static bool Matches(string pattern, string name) => Match(pattern, 0, name, 0);

    private static bool Match(string pattern, int p, string name, int n)
    {
        while (p < pattern.Length)
        {
            char c = pattern[p];
            switch (c)
            {
                case '*':
                    while (p < pattern.Length && pattern[p] == '*')
                        p++;
                    if (p == pattern.Length)
                        return true;
                    for (int i = n; i <= name.Length; i++)
                    {
                        if (Match(pattern, p, name, i))
                            return true;
                    }

                    return false;
                case '?':
                    if (n == name.Length)
                        return false;
                    p++;
                    n++;
                    break;
                case '[':
                    if (n == name.Length)
                        return false;
                    int end = ClassEnd(pattern, p);
                    if (end < 0)
                        goto default;   // an unclosed '[' is an ordinary character
                    if (!InClass(pattern, p + 1, end, name[n]))
                        return false;
                    p = end + 1;
                    n++;
                    break;
                case '\\' when p + 1 < pattern.Length:
                    if (n == name.Length || name[n] != pattern[p + 1])
                        return false;
                    p += 2;
                    n++;
                    break;
                default:
                    if (n == name.Length || name[n] != c)
                        return false;
                    p++;
                    n++;
                    break;
            }
        }

        return n == name.Length;
    }

    /// <summary>Index of the ']' closing the class opened at <paramref name="open"/>, or -1.</summary>
    private static int ClassEnd(string pattern, int open)
    {
        int i = open + 1;
        if (i < pattern.Length && pattern[i] is '!' or '^')
            i++;
        if (i < pattern.Length && pattern[i] == ']')
            i++;   // a ']' first is a member
        for (; i < pattern.Length; i++)
        {
            if (pattern[i] == ']')
                return i;
        }

        return -1;
    }

    private static bool InClass(string pattern, int start, int end, char c)
    {
        bool negate = pattern[start] is '!' or '^';
        int i = negate ? start + 1 : start;
        bool found = false;
        for (bool first = true; i < end; first = false)
        {
            char low = pattern[i];
            if (low == ']' && !first)
                break;
            if (i + 2 < end && pattern[i + 1] == '-')
            {
                found |= c >= low && c <= pattern[i + 2];
                i += 3;
            }
            else
            {
                found |= c == low;
                i++;
            }
        }

        return found != negate;
    }
}
