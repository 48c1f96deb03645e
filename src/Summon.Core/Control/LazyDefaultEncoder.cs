using System.Buffers;
using System.Text.Encodings.Web;

namespace Summon.Control;

/// <summary>
/// <see cref="JavaScriptEncoder.Default"/>, built only when a string needs escaping. Utf8JsonWriter asks its encoder
/// about every name and value, and the default encoder's static constructor builds its allow-list one code point at
/// a time, a cost every CLI query would pay (docs/performance.md). Text made only of <see cref="IsPlain"/>
/// characters, which the default encoder never escapes (a test holds it to that), is answered here; everything else
/// goes to the default encoder itself, so the bytes written are always the default encoder's.
/// </summary>
internal sealed class LazyDefaultEncoder : JavaScriptEncoder
{
    public static readonly LazyDefaultEncoder Instance = new();

    private LazyDefaultEncoder()
    {
    }

    /// <summary>ASCII letters, digits and <c>-_.@:/=,~ </c>: what unit names, methods and property values are made of.</summary>
    public static bool IsPlain(int c)
        => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.' or '@' or ':' or '/' or '=' or ',' or '~' or ' ';

    public override int MaxOutputCharactersPerInputCharacter => Default.MaxOutputCharactersPerInputCharacter;

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        for (int i = 0; i < textLength; i++)
            if (!IsPlain(text[i]))
                return Default.FindFirstCharacterToEncode(text, textLength);
        return -1;
    }

    public override int FindFirstCharacterToEncodeUtf8(ReadOnlySpan<byte> utf8Text)
    {
        foreach (byte b in utf8Text)
            if (!IsPlain(b))
                return Default.FindFirstCharacterToEncodeUtf8(utf8Text);
        return -1;
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
        => Default.TryEncodeUnicodeScalar(unicodeScalar, buffer, bufferLength, out numberOfCharactersWritten);

    public override bool WillEncode(int unicodeScalar) => !IsPlain(unicodeScalar) && Default.WillEncode(unicodeScalar);

    public override OperationStatus Encode(ReadOnlySpan<char> source, Span<char> destination, out int charsConsumed, out int charsWritten, bool isFinalBlock = true)
        => Default.Encode(source, destination, out charsConsumed, out charsWritten, isFinalBlock);

    public override OperationStatus EncodeUtf8(ReadOnlySpan<byte> utf8Source, Span<byte> utf8Destination, out int bytesConsumed, out int bytesWritten, bool isFinalBlock = true)
        => Default.EncodeUtf8(utf8Source, utf8Destination, out bytesConsumed, out bytesWritten, isFinalBlock);
}
