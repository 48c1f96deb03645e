using Summon.Units;

namespace Summon.Core.Tests.Units;

public class WordExtractorTests
{
    // Flags: 1 Unquote, 2 CUnescape, 4 CUnescapeRelax, 8 Relax, 16 RetainEscape. After systemd's test-extract-word.c: input, flags, words joined with '|', or "ERR" when extraction fails.
    [Theory]
    [InlineData("foo bar  waldo", 0, "foo|bar|waldo")]
    [InlineData("  'foo bar' \"baz\"", 1, "foo bar|baz")]
    [InlineData("'foo bar'", 0, "'foo|bar'")]
    [InlineData("a\"b c\"d", 1, "ab cd")]
    [InlineData("\"unterminated", 1, "ERR")]
    [InlineData("\"unterminated", 9, "unterminated")]
    [InlineData("a\\ b", 0, "a b")]
    [InlineData("\\n\\t\\x41\\101\\u00e9\\s", 2, "\n\tAAé ")]
    [InlineData("\\q", 2, "ERR")]
    [InlineData("\\q", 6, "\\q")]
    [InlineData("\\x00", 2, "ERR")]
    [InlineData("\\000", 2, "ERR")]
    [InlineData("\\400", 2, "ERR")]
    [InlineData("trailing\\", 0, "ERR")]
    [InlineData("trailing\\", 6, "trailing\\")]
    [InlineData("a\\;b", 16, "a\\;b")]
    [InlineData("'a\\'b'", 3, "a'b")]
    [InlineData("", 0, "")]
    public void Extracts(string input, int flags, string expected)
    {
        var words = new List<string>();
        var extractor = new WordExtractor(input);
        while (true)
        {
            int r = extractor.Next((ExtractFlags)flags, out string word);
            if (r < 0)
            {
                words = ["ERR"];
                break;
            }

            if (r == 0)
                break;
            words.Add(word);
        }

        Assert.Equal(expected, string.Join('|', words));
    }
}
