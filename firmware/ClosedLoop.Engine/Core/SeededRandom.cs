namespace ClosedLoop.Engine.Core
{
    /// <summary>
    /// A small deterministic generator (xorshift64*, Vigna 2016) that callers seed and pass in. The engine owns
    /// no randomness of its own; the same seed gives the same sequence on every platform.
    /// </summary>
    public sealed class SeededRandom
    {
        private ulong _state;

        public SeededRandom(ulong seed)
        {
            // A zero state would stay zero forever; mix the seed (SplitMix64 finaliser) so nearby seeds diverge.
            ulong z = seed + 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            _state = z == 0 ? 0x2545F4914F6CDD1DUL : z;
        }

        public ulong NextUInt64()
        {
            _state ^= _state >> 12;
            _state ^= _state << 25;
            _state ^= _state >> 27;
            return _state * 0x2545F4914F6CDD1DUL;
        }

        /// <summary>Uniform on [0, 1) with 53 bits of resolution.</summary>
        public double NextDouble()
        {
            return (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);
        }

        /// <summary>Uniform integer on [0, bound); bound must be positive.</summary>
        public long NextLong(long bound)
        {
            return (long)((NextUInt64() >> 1) % (ulong)bound);
        }

        /// <summary>A standard normal deviate (Box-Muller, polar form); two uniforms per call, no cached pair, so the stream stays simple to reproduce.</summary>
        public double NextGaussian()
        {
            while (true)
            {
                double u = 2 * NextDouble() - 1;
                double v = 2 * NextDouble() - 1;
                double s = u * u + v * v;
                if (s > 0 && s < 1)
                {
                    return u * Numeric.Sqrt(-2 * Numeric.Log(s) / s);
                }
            }
        }
    }
}
