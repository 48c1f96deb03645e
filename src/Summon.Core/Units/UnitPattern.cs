namespace Summon.Units;

/// <summary>
/// Unit-name globs as systemctl matches them: fnmatch(3) with FNM_NOESCAPE — '*' any run of characters, '?' one,
/// '[…]' a set with ranges and '!' or '^' negation; a backslash is an ordinary character (unit names escape with it).
/// </summary>
internal static class UnitPattern
{
    /// <summary>True when <paramref name="text"/> holds a glob character (systemd's string_is_glob()).</summary>
    public static bool IsGlob(string text) => text.AsSpan().IndexOfAny('*', '?', '[') >= 0;

    public static bool Matches(string pattern, string name) => Match(pattern.AsSpan(), name.AsSpan());

    public static bool MatchesAny(IReadOnlyCollection<string> patterns, string name)
    {
        foreach (var pattern in patterns)
            if (Matches(pattern, name))
                return true;
        return false;
    }

    private static bool Match(ReadOnlySpan<char> pattern, ReadOnlySpan<char> name)
    {
        // Iterative with one backtrack point: the last '*' seen and where in the name it resumes.
        int p = 0, n = 0, starP = -1, starN = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                starP = ++p;
                starN = n;
                continue;
            }
            if (p < pattern.Length && StepOne(pattern, ref p, name[n]))
            {
                n++;
                continue;
            }
            if (starP < 0)
                return false;
            p = starP;
            n = ++starN;
        }
        while (p < pattern.Length && pattern[p] == '*')
            p++;
        return p == pattern.Length;
    }

    /// <summary>Whether the pattern element at <paramref name="p"/> matches <paramref name="c"/>; advances past it if so.</summary>
    private static bool StepOne(ReadOnlySpan<char> pattern, ref int p, char c)
    {
        switch (pattern[p])
        {
            case '?':
                p++;
                return true;
            case '[' when BracketEnd(pattern, p) is > 0 and int end:
                if (!InSet(pattern[(p + 1)..end], c))
                    return false;
                p = end + 1;
                return true;
            default:
                if (pattern[p] != c)
                    return false;
                p++;
                return true;
        }
    }

    /// <summary>The index of the ']' closing the set opened at <paramref name="open"/>, or -1 (then '[' is literal).</summary>
    internal static int BracketEnd(ReadOnlySpan<char> pattern, int open)
    {
        int i = open + 1;
        if (i < pattern.Length && pattern[i] is '!' or '^')
            i++;
        if (i < pattern.Length && pattern[i] == ']')
            i++;   // a ']' first in the set is a member
        for (; i < pattern.Length; i++)
            if (pattern[i] == ']')
                return i;
        return -1;
    }

    /// <summary>fnmatch(3)'s bracket set (without its brackets): ranges, '!' or '^' negating.</summary>
    internal static bool InSet(ReadOnlySpan<char> set, char c)
    {
        bool negate = set.Length > 0 && set[0] is '!' or '^';
        if (negate)
            set = set[1..];
        bool found = false;
        for (int i = 0; i < set.Length; i++)
        {
            if (i + 2 < set.Length && set[i + 1] == '-')
            {
                found |= c >= set[i] && c <= set[i + 2];
                i += 2;
            }
            else
            {
                found |= set[i] == c;
            }
        }
        return found != negate;
    }
}
