using ClosedLoop.Engine.Config;

namespace ClosedLoop.Engine.Wire
{
    /// <summary>
    /// Parses one flat JSON object (string, number, true/false/null values; no nesting) from bytes, recording
    /// where each field lies instead of copying it, so that the board can read commands without allocating.
    /// Anything else is refused with a reason and an offset.
    /// </summary>
    internal sealed class FlatJson
    {
        public const int MaxFields = 48;

        private readonly int[] _nameStart = new int[MaxFields];
        private readonly int[] _nameLength = new int[MaxFields];
        private readonly int[] _valueStart = new int[MaxFields];
        private readonly int[] _valueLength = new int[MaxFields];
        private readonly JsonValueKind[] _kinds = new JsonValueKind[MaxFields];
        private byte[] _bytes;
        private int _count;

        public int Count => _count;

        /// <summary>Why the last <see cref="Parse"/> failed (null after success).</summary>
        public string Error { get; private set; }

        /// <summary>The byte offset of the failure.</summary>
        public int ErrorOffset { get; private set; }

        public bool Parse(byte[] bytes, int offset, int length)
        {
            _bytes = bytes;
            _count = 0;
            Error = null;
            ErrorOffset = 0;
            int end = offset + length;
            int i = SkipSpace(offset, end);
            if (i >= end || bytes[i] != '{')
            {
                return Fail("expected '{'", i);
            }

            i = SkipSpace(i + 1, end);
            if (i < end && bytes[i] == '}')
            {
                return Trailing(i + 1, end);
            }

            while (true)
            {
                if (i >= end || bytes[i] != '"')
                {
                    return Fail("expected a field name in quotes", i);
                }

                int nameStart = i + 1;
                int nameEnd = ScanString(nameStart, end);
                if (nameEnd < 0)
                {
                    return Fail("unterminated field name", i);
                }

                i = SkipSpace(nameEnd + 1, end);
                if (i >= end || bytes[i] != ':')
                {
                    return Fail("expected ':'", i);
                }

                i = SkipSpace(i + 1, end);
                if (_count == MaxFields)
                {
                    return Fail("too many fields", i);
                }

                if (NameSeen(nameStart, nameEnd - nameStart))
                {
                    // Readers disagree on which of two equal names wins; a message that says two things says nothing.
                    return Fail("duplicate field name", nameStart);
                }

                int valueStart;
                int valueEnd;
                JsonValueKind kind;
                if (i < end && bytes[i] == '"')
                {
                    valueStart = i + 1;
                    valueEnd = ScanString(valueStart, end);
                    if (valueEnd < 0)
                    {
                        return Fail("unterminated string", i);
                    }

                    kind = JsonValueKind.String;
                    i = valueEnd + 1;
                }
                else
                {
                    valueStart = i;
                    while (i < end && bytes[i] != ',' && bytes[i] != '}' && bytes[i] > ' ')
                    {
                        i++;
                    }

                    valueEnd = i;
                    kind = ClassifyBare(valueStart, valueEnd);
                    if (kind == JsonValueKind.Invalid)
                    {
                        return Fail("expected a string, number, true, false or null", valueStart);
                    }
                }

                _nameStart[_count] = nameStart;
                _nameLength[_count] = nameEnd - nameStart;
                _valueStart[_count] = valueStart;
                _valueLength[_count] = valueEnd - valueStart;
                _kinds[_count] = kind;
                _count++;

                i = SkipSpace(i, end);
                if (i < end && bytes[i] == ',')
                {
                    i = SkipSpace(i + 1, end);
                    continue;
                }

                if (i < end && bytes[i] == '}')
                {
                    return Trailing(i + 1, end);
                }

                return Fail("expected ',' or '}'", i);
            }
        }

        /// <summary>The index of the field called <paramref name="name"/>, or -1.</summary>
        public int IndexOf(string name)
        {
            for (int f = 0; f < _count; f++)
            {
                if (_nameLength[f] != name.Length)
                {
                    continue;
                }

                int start = _nameStart[f];
                bool same = true;
                for (int k = 0; k < name.Length; k++)
                {
                    if (_bytes[start + k] != name[k])
                    {
                        same = false;
                        break;
                    }
                }

                if (same)
                {
                    return f;
                }
            }

            return -1;
        }

        public JsonValueKind KindOf(int field)
        {
            return _kinds[field];
        }

        /// <summary>True when the field is a string equal to <paramref name="text"/> (no allocation).</summary>
        public bool TextEquals(int field, string text)
        {
            if (_kinds[field] != JsonValueKind.String || _valueLength[field] != text.Length)
            {
                return false;
            }

            int start = _valueStart[field];
            for (int k = 0; k < text.Length; k++)
            {
                if (_bytes[start + k] != text[k])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The index of the field's string among <paramref name="names"/>, or -1.</summary>
        public int TextIndex(int field, string[] names)
        {
            for (int n = 0; n < names.Length; n++)
            {
                if (TextEquals(field, names[n]))
                {
                    return n;
                }
            }

            return -1;
        }

        /// <summary>Reads a whole number exactly (no fraction, no exponent).</summary>
        public bool TryGetLong(int field, out long value)
        {
            value = 0;
            if (_kinds[field] != JsonValueKind.Number)
            {
                return false;
            }

            int i = _valueStart[field];
            int end = i + _valueLength[field];
            bool negative = _bytes[i] == '-';
            if (negative)
            {
                i++;
            }

            if (i == end)
            {
                return false;
            }

            long result = 0;
            for (; i < end; i++)
            {
                int digit = _bytes[i] - '0';
                if (digit < 0 || digit > 9 || !NumberText.TryAppendDigit(ref result, digit, negative))
                {
                    return false;
                }
            }

            value = result;
            return true;
        }

        /// <summary>Reads a number; null reads as NaN.</summary>
        public bool TryGetDouble(int field, out double value)
        {
            value = double.NaN;
            if (_kinds[field] == JsonValueKind.Null)
            {
                return true;
            }

            if (_kinds[field] != JsonValueKind.Number)
            {
                return false;
            }

            // Numbers are short; the copy to a string happens only on the host's decoding path.
            char[] chars = new char[_valueLength[field]];
            for (int k = 0; k < chars.Length; k++)
            {
                chars[k] = (char)_bytes[_valueStart[field] + k];
            }

            return NumberText.TryParseDouble(new string(chars), out value);
        }

        public bool TryGetBoolean(int field, out bool value)
        {
            value = _kinds[field] == JsonValueKind.True;
            return _kinds[field] == JsonValueKind.True || _kinds[field] == JsonValueKind.False;
        }

        /// <summary>The field's string as a packed <see cref="SenderName"/>, or -1 (no allocation).</summary>
        public long PackSender(int field)
        {
            return _kinds[field] == JsonValueKind.String ? SenderName.Pack(_bytes, _valueStart[field], _valueLength[field]) : -1;
        }

        /// <summary>The field's string value (allocates; for the host and cold paths).</summary>
        public string GetText(int field)
        {
            int badOffset;
            byte[] copy = new byte[_valueLength[field]];
            System.Array.Copy(_bytes, _valueStart[field], copy, 0, copy.Length);
            return Utf8Text.Decode(copy, copy.Length, out badOffset);
        }

        private bool NameSeen(int start, int length)
        {
            for (int f = 0; f < _count; f++)
            {
                if (_nameLength[f] != length)
                {
                    continue;
                }

                int other = _nameStart[f];
                int k = 0;
                while (k < length && _bytes[other + k] == _bytes[start + k])
                {
                    k++;
                }

                if (k == length)
                {
                    return true;
                }
            }

            return false;
        }

        private bool Trailing(int i, int end)
        {
            i = SkipSpace(i, end);
            return i == end ? true : Fail("unexpected text after the object", i);
        }

        private bool Fail(string reason, int offset)
        {
            Error = reason;
            ErrorOffset = offset;
            _count = 0;
            return false;
        }

        private int SkipSpace(int i, int end)
        {
            while (i < end && (_bytes[i] == ' ' || _bytes[i] == '\t' || _bytes[i] == '\r' || _bytes[i] == '\n'))
            {
                i++;
            }

            return i;
        }

        /// <summary>The index of the closing quote, or -1. Escapes are refused: the protocol never needs them.</summary>
        private int ScanString(int i, int end)
        {
            for (; i < end; i++)
            {
                byte b = _bytes[i];
                if (b == '"')
                {
                    return i;
                }

                if (b == '\\' || b < 0x20)
                {
                    return -1;
                }
            }

            return -1;
        }

        private JsonValueKind ClassifyBare(int start, int end)
        {
            if (end == start)
            {
                return JsonValueKind.Invalid;
            }

            if (Matches(start, end, "true"))
            {
                return JsonValueKind.True;
            }

            if (Matches(start, end, "false"))
            {
                return JsonValueKind.False;
            }

            if (Matches(start, end, "null"))
            {
                return JsonValueKind.Null;
            }

            // JSON number grammar: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?
            int i = start;
            if (_bytes[i] == '-')
            {
                i++;
            }

            int digits = CountDigits(i, end);
            if (digits == 0 || (digits > 1 && _bytes[i] == '0'))
            {
                return JsonValueKind.Invalid;
            }

            i += digits;
            if (i < end && _bytes[i] == '.')
            {
                i++;
                digits = CountDigits(i, end);
                if (digits == 0)
                {
                    return JsonValueKind.Invalid;
                }

                i += digits;
            }

            if (i < end && (_bytes[i] == 'e' || _bytes[i] == 'E'))
            {
                i++;
                if (i < end && (_bytes[i] == '+' || _bytes[i] == '-'))
                {
                    i++;
                }

                digits = CountDigits(i, end);
                if (digits == 0)
                {
                    return JsonValueKind.Invalid;
                }

                i += digits;
            }

            return i == end ? JsonValueKind.Number : JsonValueKind.Invalid;
        }

        private int CountDigits(int i, int end)
        {
            int n = 0;
            while (i + n < end && _bytes[i + n] >= '0' && _bytes[i + n] <= '9')
            {
                n++;
            }

            return n;
        }

        private bool Matches(int start, int end, string word)
        {
            if (end - start != word.Length)
            {
                return false;
            }

            for (int k = 0; k < word.Length; k++)
            {
                if (_bytes[start + k] != word[k])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
