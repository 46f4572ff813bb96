namespace ClosedLoop.VirtualRig;

/// <summary>
/// The optics and electronics: which LED is lit at a given µs (the board's RMT pattern, anchored at its epoch),
/// the photodiode's settling after each LED edge, shot and read noise, and ADC quantisation.
/// </summary>
public sealed class Photodiode
{
    private readonly SimulationOptions _options;
    private readonly Gaussian _noise;
    private readonly double _scale;
    private readonly int _maxCount;
    private AcquisitionSettings _pattern = AcquisitionSettings.Default();
    private long _epochUs;

    public Photodiode(SimulationOptions options, SeededRandom random)
    {
        if (options.AdcBits is not (12 or 16))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.AdcBits, "AdcBits must be 12 (ESP32) or 16 (ADS1115)");
        }

        _options = options;
        _noise = new Gaussian(random);

        // Levels are given in 12-bit counts; the ADS1115 single-ended reads 0..32767 over the same light.
        _scale = options.AdcBits == 16 ? 8 : 1;
        _maxCount = options.AdcBits == 16 ? 32767 : 4095;
    }

    /// <summary>Light reaching the photodiode with each LED on, in 12-bit counts above dark (set once per cycle).</summary>
    public double SignalLight { get; set; }

    public double ControlLight { get; set; }

    /// <summary>The LED pattern starts at <paramref name="epochUs"/>.</summary>
    public void Start(AcquisitionSettings pattern, long epochUs)
    {
        _pattern = pattern;
        _epochUs = epochUs;
    }

    /// <summary>One ADC conversion at <paramref name="timeUs"/>.</summary>
    public int Read(long timeUs)
    {
        double light = LightAt(timeUs);
        double value = _options.DarkLevel + light;
        value += value * _options.ShotNoise * _noise.Next() + _options.ReadNoise * _noise.Next();
        long counts = (long)Math.Round(value * _scale);
        return (int)Math.Clamp(counts, 0, _maxCount);
    }

    private double LightAt(long timeUs)
    {
        if (_pattern.Continuous)
        {
            return SignalLight;
        }

        long offset = ((timeUs - _epochUs) % _pattern.PeriodUs + _pattern.PeriodUs) % _pattern.PeriodUs;
        long controlOn = _pattern.SignalOnUs;
        long darkOn = _pattern.SignalOnUs + _pattern.ControlOnUs;
        (double now, double before, long since) = offset switch
        {
            _ when offset < controlOn => (SignalLight, 0.0, offset),
            _ when offset < darkOn => (ControlLight, SignalLight, offset - controlOn),
            _ => (0.0, ControlLight, offset - darkOn),
        };

        // The photodiode and amplifier approach the new level exponentially after each LED edge.
        double tau = _options.LedTimeConstantUs;
        return since < 20 * tau ? now + (before - now) * Math.Exp(-since / tau) : now;
    }
}
