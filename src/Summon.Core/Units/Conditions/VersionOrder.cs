namespace Summon.Units.Conditions;

/// <summary>
/// systemd's strverscmp_improved(): versions compared field by field, numbers numerically, "~" before anything
/// (pre-releases), "-" (release) before "^" (patch) before "." and letters after numbers are older.
/// </summary>
internal static class VersionOrder
{
    public static int Compare(string? a, string? b)
    {
        if (a is null || b is null)
            return a is null ? (b is null ? 0 : -1) : 1;
        if (a.Length == 0 || b.Length == 0)
            return Math.Sign(string.CompareOrdinal(a, b));
        int i = 0, j = 0;
        while (true)
        {
            while (i < a.Length && !IsVersionChar(a[i]))
                i++;
            while (j < b.Length && !IsVersionChar(b[j]))
                j++;
            char ca = At(a, i), cb = At(b, j);
            if (ca == '~' || cb == '~')
            {
                int r = Cmp(ca != '~', cb != '~');
                if (r != 0)
                    return r;
                i++;
                j++;
            }
            if (i >= a.Length || j >= b.Length)
                return Math.Sign(string.CompareOrdinal(a[Math.Min(i, a.Length)..], b[Math.Min(j, b.Length)..]));
            foreach (char sep in (char[])['-', '^', '.'])
            {
                ca = At(a, i);
                cb = At(b, j);
                if (ca == sep || cb == sep)
                {
                    int r = Cmp(ca != sep, cb != sep);
                    if (r != 0)
                        return r;
                    i++;
                    j++;
                }
            }
            int ea, eb;
            if (char.IsAsciiDigit(At(a, i)) || char.IsAsciiDigit(At(b, j)))
            {
                for (ea = i; ea < a.Length && char.IsAsciiDigit(a[ea]); ea++) { }
                for (eb = j; eb < b.Length && char.IsAsciiDigit(b[eb]); eb++) { }
                int r = Cmp(ea != i, eb != j);
                if (r != 0)
                    return r;
                while (i < ea && a[i] == '0')
                    i++;
                while (j < eb && b[j] == '0')
                    j++;
                r = (ea - i).CompareTo(eb - j);
                if (r != 0)
                    return Math.Sign(r);
                r = Math.Sign(string.CompareOrdinal(a, i, b, j, ea - i));
                if (r != 0)
                    return r;
            }
            else
            {
                for (ea = i; ea < a.Length && char.IsAsciiLetter(a[ea]); ea++) { }
                for (eb = j; eb < b.Length && char.IsAsciiLetter(b[eb]); eb++) { }
                int r = Math.Sign(string.CompareOrdinal(a, i, b, j, Math.Min(ea - i, eb - j)));
                if (r != 0)
                    return r;
                r = (ea - i).CompareTo(eb - j);
                if (r != 0)
                    return Math.Sign(r);
            }
            i = ea;
            j = eb;
        }
    }

    private static char At(string s, int i) => i < s.Length ? s[i] : '\0';

    private static bool IsVersionChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '~' or '-' or '^' or '.';

    private static int Cmp(bool x, bool y) => x.CompareTo(y);
}
