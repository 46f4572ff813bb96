namespace ClosedLoop.Engine.Config
{
    /// <summary>
    /// Parses decimal numbers the same way on every target (nanoFramework's double.Parse differs from .NET's in
    /// corner cases), accepting only plain forms: optional sign, digits, optional fraction, optional exponent.
    /// </summary>
    internal static class NumberText
    {
        public static bool TryParseLong(string text, out long value)
        {
            value = 0;
            if (text == null || text.Length == 0)
            {
                return false;
            }

            int i = 0;
            bool negative = false;
            if (text[0] == '-' || text[0] == '+')
            {
                negative = text[0] == '-';
                i = 1;
            }

            if (i >= text.Length)
            {
                return false;
            }

            long result = 0;
            for (; i < text.Length; i++)
            {
                char c = text[i];
                if (c < '0' || c > '9' || !TryAppendDigit(ref result, c - '0', negative))
                {
                    return false;
                }
            }

            value = result;
            return true;
        }

        /// <summary>
        /// result = result × 10 ∓ digit, accumulating toward the sign so that long.MinValue (whose magnitude has
        /// no long) still parses; false instead of wrapping on overflow.
        /// </summary>
        public static bool TryAppendDigit(ref long result, int digit, bool negative)
        {
            if (negative ? result < (long.MinValue + digit) / 10 : result > (long.MaxValue - digit) / 10)
            {
                return false;
            }

            result = negative ? result * 10 - digit : result * 10 + digit;
            return true;
        }

        public static bool TryParseDouble(string text, out double value)
        {
            value = 0;
            if (text == null)
            {
                return false;
            }

            return TryParseDouble(text, 0, text.Length, out value);
        }

        /// <summary>Parses text[start, start+length) as a decimal number.</summary>
        public static bool TryParseDouble(string text, int start, int length, out double value)
        {
            value = 0;
            int end = start + length;
            int i = start;
            if (length <= 0)
            {
                return false;
            }

            bool negative = false;
            if (text[i] == '-' || text[i] == '+')
            {
                negative = text[i] == '-';
                i++;
            }

            long mantissa = 0;
            int exponent = 0;
            int digits = 0;
            while (i < end && text[i] >= '0' && text[i] <= '9')
            {
                AppendDigit(ref mantissa, ref exponent, text[i] - '0', false);
                digits++;
                i++;
            }

            if (i < end && text[i] == '.')
            {
                i++;
                while (i < end && text[i] >= '0' && text[i] <= '9')
                {
                    AppendDigit(ref mantissa, ref exponent, text[i] - '0', true);
                    digits++;
                    i++;
                }
            }

            if (digits == 0)
            {
                return false;
            }

            if (i < end && (text[i] == 'e' || text[i] == 'E'))
            {
                i++;
                bool negativeExponent = false;
                if (i < end && (text[i] == '-' || text[i] == '+'))
                {
                    negativeExponent = text[i] == '-';
                    i++;
                }

                int e = 0;
                int expDigits = 0;
                while (i < end && text[i] >= '0' && text[i] <= '9')
                {
                    if (e < 10000)
                    {
                        e = e * 10 + (text[i] - '0');
                    }

                    expDigits++;
                    i++;
                }

                if (expDigits == 0)
                {
                    return false;
                }

                exponent += negativeExponent ? -e : e;
            }

            if (i != end)
            {
                return false;
            }

            double result = mantissa;
            if (exponent > 0)
            {
                result *= PowerOfTen(exponent);
            }
            else if (exponent < 0)
            {
                result /= PowerOfTen(-exponent);
            }

            if (!(result < double.MaxValue))
            {
                return false;
            }

            value = negative ? -result : result;
            return true;
        }

        private static void AppendDigit(ref long mantissa, ref int exponent, int digit, bool fraction)
        {
            // Past 18 significant digits a long would overflow; further digits only shift the exponent.
            if (mantissa < 100000000000000000L)
            {
                mantissa = mantissa * 10 + digit;
                if (fraction)
                {
                    exponent--;
                }
            }
            else if (!fraction)
            {
                exponent++;
            }
        }

        private static double PowerOfTen(int n)
        {
            double result = 1;
            double factor = 10;
            while (n > 0)
            {
                if ((n & 1) != 0)
                {
                    result *= factor;
                }

                factor *= factor;
                n >>= 1;
            }

            return result;
        }
    }
}
