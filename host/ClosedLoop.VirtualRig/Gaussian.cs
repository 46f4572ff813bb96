namespace ClosedLoop.VirtualRig;

/// <summary>
/// Normal deviates for the simulator's hot path (two per ADC reading): the polar method on a seeded stream,
/// keeping the second deviate of each pair and using the platform's Math, which is several times faster than
/// the engine's portable <see cref="SeededRandom.NextGaussian"/>. Deterministic for a seed.
/// </summary>
public sealed class Gaussian(SeededRandom random)
{
    private double _spare;
    private bool _hasSpare;

    public SeededRandom Random => random;

    public double Next()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spare;
        }

        double u;
        double v;
        double s;
        do
        {
            u = 2 * random.NextDouble() - 1;
            v = 2 * random.NextDouble() - 1;
            s = u * u + v * v;
        }
        while (s >= 1 || s == 0);

        double factor = Math.Sqrt(-2 * Math.Log(s) / s);
        _spare = v * factor;
        _hasSpare = true;
        return u * factor;
    }
}
