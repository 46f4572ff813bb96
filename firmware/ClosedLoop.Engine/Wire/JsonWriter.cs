using ClosedLoop.Engine.Core;

namespace ClosedLoop.Engine.Wire
{
    /// <summary>
    /// Writes compact JSON into a caller's byte buffer without allocating: the board formats every event this
    /// way. Numbers are written by hand (format strings differ between nanoFramework and .NET): integers exactly,
    /// doubles with up to 9 decimals, NaN and infinities as null.
    /// </summary>
    internal sealed class JsonWriter
    {
        private const int FractionDigits = 9;
        private const double FractionScale = 1e9;

        private byte[] _buffer;
        private int _position;
        private bool _needsComma;

        public int Position => _position;

        public void Begin(byte[] buffer, int offset)
        {
            _buffer = buffer;
            _position = offset;
            _buffer[_position++] = (byte)'{';
            _needsComma = false;
        }

        /// <summary>Closes the object and returns the offset after it.</summary>
        public int End()
        {
            _buffer[_position++] = (byte)'}';
            return _position;
        }

        public void Integer(string name, long value)
        {
            Name(name);
            WriteLong(value);
        }

        public void Number(string name, double value)
        {
            Name(name);
            WriteDouble(value);
        }

        public void Boolean(string name, bool value)
        {
            Name(name);
            WriteAscii(value ? "true" : "false");
        }

        /// <summary>A string value; callers pass only names and identifiers, which need no escaping (checked).</summary>
        public void Text(string name, string value)
        {
            Name(name);
            _buffer[_position++] = (byte)'"';
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                _buffer[_position++] = c >= ' ' && c < 0x7F && c != '"' && c != '\\' ? (byte)c : (byte)'?';
            }

            _buffer[_position++] = (byte)'"';
        }

        /// <summary>Any text, escaped as JSON requires and encoded as UTF-8 (user-supplied values in config acks).</summary>
        /// <summary>Writes characters held in a reused buffer (no string is made).</summary>
        public void Chars(string name, char[] chars, int count)
        {
            Name(name);
            _buffer[_position++] = (byte)'"';
            for (int i = 0; i < count; i++)
            {
                char c = chars[i];
                _buffer[_position++] = c >= ' ' && c < 0x7F && c != '"' && c != '\\' ? (byte)c : (byte)'?';
            }

            _buffer[_position++] = (byte)'"';
        }

        public void EscapedText(string name, string value)
        {
            Name(name);
            WriteEscaped(value);
        }

        /// <summary>Opens an array field: <c>"name":[</c>.</summary>
        public void BeginArray(string name)
        {
            Name(name);
            _buffer[_position++] = (byte)'[';
            _needsComma = false;
        }

        public void EndArray()
        {
            _buffer[_position++] = (byte)']';
            _needsComma = true;
        }

        /// <summary>Opens an object inside an array.</summary>
        public void BeginElement()
        {
            if (_needsComma)
            {
                _buffer[_position++] = (byte)',';
            }

            _buffer[_position++] = (byte)'{';
            _needsComma = false;
        }

        public void EndElement()
        {
            _buffer[_position++] = (byte)'}';
            _needsComma = true;
        }

        /// <summary>The most bytes <see cref="EscapedText"/> can write for a value of <paramref name="length"/> chars, with its name.</summary>
        public static int MaxEscapedBytes(string name, int length)
        {
            return name.Length + 6 + 6 * length;
        }

        /// <summary>A 64-bit value as 16 lower-case hex digits in a string (config hashes).</summary>
        public void Hex(string name, long bits)
        {
            Name(name);
            _buffer[_position++] = (byte)'"';
            for (int shift = 60; shift >= 0; shift -= 4)
            {
                int digit = (int)((bits >> shift) & 0xF);
                _buffer[_position++] = (byte)(digit < 10 ? '0' + digit : 'a' + digit - 10);
            }

            _buffer[_position++] = (byte)'"';
        }

        private void Name(string name)
        {
            if (_needsComma)
            {
                _buffer[_position++] = (byte)',';
            }

            _needsComma = true;
            _buffer[_position++] = (byte)'"';
            WriteAscii(name);
            _buffer[_position++] = (byte)'"';
            _buffer[_position++] = (byte)':';
        }

        private void WriteEscaped(string text)
        {
            _buffer[_position++] = (byte)'"';
            for (int i = 0; i < text.Length; i++)
            {
                int c = text[i];
                if (c == '"' || c == '\\')
                {
                    _buffer[_position++] = (byte)'\\';
                    _buffer[_position++] = (byte)c;
                }
                else if (c < 0x20)
                {
                    _buffer[_position++] = (byte)'\\';
                    _buffer[_position++] = (byte)'u';
                    _buffer[_position++] = (byte)'0';
                    _buffer[_position++] = (byte)'0';
                    _buffer[_position++] = (byte)"0123456789abcdef"[c >> 4];
                    _buffer[_position++] = (byte)"0123456789abcdef"[c & 0xF];
                }
                else if (c < 0x80)
                {
                    _buffer[_position++] = (byte)c;
                }
                else if (c < 0x800)
                {
                    _buffer[_position++] = (byte)(0xC0 | (c >> 6));
                    _buffer[_position++] = (byte)(0x80 | (c & 0x3F));
                }
                else if (c >= 0xD800 && c <= 0xDBFF && i + 1 < text.Length)
                {
                    int code = 0x10000 + ((c - 0xD800) << 10) + (text[++i] - 0xDC00);
                    _buffer[_position++] = (byte)(0xF0 | (code >> 18));
                    _buffer[_position++] = (byte)(0x80 | ((code >> 12) & 0x3F));
                    _buffer[_position++] = (byte)(0x80 | ((code >> 6) & 0x3F));
                    _buffer[_position++] = (byte)(0x80 | (code & 0x3F));
                }
                else
                {
                    _buffer[_position++] = (byte)(0xE0 | (c >> 12));
                    _buffer[_position++] = (byte)(0x80 | ((c >> 6) & 0x3F));
                    _buffer[_position++] = (byte)(0x80 | (c & 0x3F));
                }
            }

            _buffer[_position++] = (byte)'"';
        }

        private void WriteAscii(string text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                _buffer[_position++] = (byte)text[i];
            }
        }

        private void WriteLong(long value)
        {
            if (value == long.MinValue)
            {
                WriteAscii("-9223372036854775808");
                return;
            }

            if (value < 0)
            {
                _buffer[_position++] = (byte)'-';
                value = -value;
            }

            WriteDigits((ulong)value, 1);
        }

        private void WriteDigits(ulong value, int minDigits)
        {
            int start = _position;
            int digits = 0;
            do
            {
                _buffer[_position++] = (byte)('0' + (int)(value % 10));
                value /= 10;
                digits++;
            }
            while (value != 0 || digits < minDigits);

            // Written least significant first: reverse in place.
            int end = _position - 1;
            while (start < end)
            {
                byte t = _buffer[start];
                _buffer[start++] = _buffer[end];
                _buffer[end--] = t;
            }
        }

        private void WriteDouble(double value)
        {
            if (double.IsNaN(value) || double.IsInfinity(value))
            {
                WriteAscii("null");
                return;
            }

            if (value < 0)
            {
                _buffer[_position++] = (byte)'-';
                value = -value;
            }

            int exponent = 0;
            while (value >= 1e15)
            {
                value /= 10;
                exponent++;
            }

            ulong whole = (ulong)value;
            ulong fraction = (ulong)((value - whole) * FractionScale + 0.5);
            if (fraction >= (ulong)FractionScale)
            {
                whole++;
                fraction -= (ulong)FractionScale;
            }

            WriteDigits(whole, 1);
            if (fraction != 0)
            {
                int digits = FractionDigits;
                while (fraction % 10 == 0)
                {
                    fraction /= 10;
                    digits--;
                }

                _buffer[_position++] = (byte)'.';
                WriteDigits(fraction, digits);
            }

            if (exponent != 0)
            {
                _buffer[_position++] = (byte)'e';
                WriteDigits((ulong)exponent, 1);
            }
        }
    }
}
