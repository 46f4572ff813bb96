namespace ClosedLoop.Engine.Core
{
    /// <summary>
    /// IEEE-754 single-precision bits from a double and back, by hand: nanoFramework's BitConverter has no
    /// allocation-free float conversion, and sample frames carry float32 to halve their size.
    /// Rounds to nearest, ties to even; overflows to infinity; keeps NaN; flushes below-normal values to zero.
    /// </summary>
    internal static class SingleBits
    {
        public static int FromDouble(double value)
        {
            long bits = System.BitConverter.DoubleToInt64Bits(value);
            int sign = (int)((bits >> 32) & unchecked((int)0x80000000));
            int exponent = (int)((bits >> 52) & 0x7FF);
            long mantissa = bits & 0xFFFFFFFFFFFFFL;
            if (exponent == 0x7FF)
            {
                return sign | 0x7F800000 | (mantissa != 0 ? 0x400000 : 0);
            }

            int e = exponent - 1023 + 127;
            if (exponent == 0 || e <= 0)
            {
                return sign;
            }

            // Keep 23 of the 52 mantissa bits, rounding on the 29 dropped.
            long kept = mantissa >> 29;
            long dropped = mantissa & 0x1FFFFFFFL;
            const long half = 0x10000000L;
            if (dropped > half || (dropped == half && (kept & 1) != 0))
            {
                kept++;
                if (kept == 0x800000L)
                {
                    kept = 0;
                    e++;
                }
            }

            if (e >= 0xFF)
            {
                return sign | 0x7F800000;
            }

            return sign | (e << 23) | (int)kept;
        }

        public static double ToDouble(int single)
        {
            long sign = ((long)single & 0x80000000L) << 32;
            int exponent = (single >> 23) & 0xFF;
            long mantissa = single & 0x7FFFFF;
            if (exponent == 0)
            {
                if (mantissa == 0)
                {
                    return System.BitConverter.Int64BitsToDouble(sign);
                }

                // A subnormal single is a normal double: shift the mantissa up until its leading bit is implicit.
                int shift = 0;
                while ((mantissa & 0x800000) == 0)
                {
                    mantissa <<= 1;
                    shift++;
                }

                mantissa &= 0x7FFFFF;
                long e = 1 - 127 - shift + 1023;
                return System.BitConverter.Int64BitsToDouble(sign | (e << 52) | (mantissa << 29));
            }

            if (exponent == 0xFF)
            {
                return System.BitConverter.Int64BitsToDouble(sign | (0x7FFL << 52) | (mantissa << 29));
            }

            long doubleExponent = exponent - 127 + 1023;
            return System.BitConverter.Int64BitsToDouble(sign | (doubleExponent << 52) | (mantissa << 29));
        }
    }
}
