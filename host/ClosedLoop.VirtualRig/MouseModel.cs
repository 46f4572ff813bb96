namespace ClosedLoop.VirtualRig;

/// <summary>
/// The biology, stepped once per excitation cycle: GCaMP6f activity (spontaneous transients, encounter-evoked
/// responses, opsin-driven activity during stimulation), photobleaching, motion and a control-only
/// haemodynamic oscillation. It says by what factor each channel's fluorescence differs from its starting level.
/// </summary>
public sealed class MouseModel
{
    private readonly SimulationOptions _options;
    private readonly SeededRandom _random;
    private readonly double _stepS;
    private readonly double _riseDecay;
    private readonly double _decayDecay;
    private readonly double _riseAlpha;
    private readonly double _decayAlpha;
    private readonly double _transientNorm;
    private readonly double _haemodynamicPhase;

    private long _timeUs;
    private double _transientRise;
    private double _transientDecay;
    private double _evoked;
    private long _driveFromUs = long.MaxValue;
    private long _driveUntilUs = long.MinValue;
    private double _driveAmplitude;
    private long _motionStartUs = long.MinValue;
    private long _motionDurationUs;
    private double _motionDepth;

    public MouseModel(SimulationOptions options, long stepUs, SeededRandom random)
    {
        _options = options;
        _random = random;
        StepUs = stepUs;
        _stepS = stepUs / 1e6;
        _riseDecay = Math.Exp(-_stepS / options.RiseTimeConstantS);
        _decayDecay = Math.Exp(-_stepS / options.DecayTimeConstantS);
        _riseAlpha = 1 - _riseDecay;
        _decayAlpha = 1 - _decayDecay;

        // exp(-t/τd) - exp(-t/τr) peaks at t* = ln(τd/τr) τr τd / (τd - τr); scale so a transient's peak equals its amplitude.
        double tr = options.RiseTimeConstantS;
        double td = options.DecayTimeConstantS;
        double peakTime = Math.Log(td / tr) * tr * td / (td - tr);
        _transientNorm = 1 / (Math.Exp(-peakTime / td) - Math.Exp(-peakTime / tr));
        _haemodynamicPhase = random.NextDouble() * 2 * Math.PI;
    }

    public long StepUs { get; }

    /// <summary>True while an optogenetic train is on.</summary>
    public bool StimulationOn { get; set; }

    /// <summary>The true dF/F of the recorded population now.</summary>
    public double Activity => (_transientDecay - _transientRise) + _evoked;

    /// <summary>Signal channel fluorescence relative to its level at t = 0.</summary>
    public double SignalFactor => Bleaching(1.0) * Motion * (1 + Activity);

    /// <summary>Control channel fluorescence relative to its level at t = 0 (isosbestic: no calcium dependence).</summary>
    public double ControlFactor => Bleaching(0.8) * Motion * (1 + Haemodynamics);

    private double Motion => _timeUs < _motionStartUs + _motionDurationUs && _timeUs >= _motionStartUs
        ? 1 - _motionDepth * Math.Sin(Math.PI * (_timeUs - _motionStartUs) / _motionDurationUs)
        : 1;

    private double Haemodynamics => _options.HaemodynamicAmplitude * Math.Sin(2 * Math.PI * _options.HaemodynamicHz * _timeUs / 1e6 + _haemodynamicPhase);

    /// <summary>An encounter began at <paramref name="onsetUs"/>: drive a response of <paramref name="amplitude"/> (dF/F).</summary>
    public void Encounter(long onsetUs, long durationUs, double amplitude)
    {
        if (amplitude <= 0)
        {
            return;
        }

        long latency = (long)(_options.ResponseLatencyS * 1e6);
        long longest = (long)(_options.ResponseMaxDurationS * 1e6);
        _driveFromUs = onsetUs + latency;
        _driveUntilUs = onsetUs + latency + Math.Min(durationUs, longest);
        _driveAmplitude = amplitude;
    }

    /// <summary>Advances the model in whole steps up to <paramref name="timeUs"/>.</summary>
    public void StepTo(long timeUs)
    {
        while (_timeUs + StepUs <= timeUs)
        {
            Step();
        }
    }

    private void Step()
    {
        _timeUs += StepUs;
        if (_random.NextDouble() < _options.SpontaneousRateHz * _stepS)
        {
            double amplitude = -_options.SpontaneousAmplitude * Math.Log(1 - _random.NextDouble());
            _transientRise += amplitude * _transientNorm;
            _transientDecay += amplitude * _transientNorm;
        }

        _transientRise *= _riseDecay;
        _transientDecay *= _decayDecay;

        double drive = _timeUs >= _driveFromUs && _timeUs < _driveUntilUs ? _driveAmplitude : 0;
        if (StimulationOn)
        {
            drive += _options.StimulationAmplitude;
        }

        _evoked += (drive - _evoked) * (drive > _evoked ? _riseAlpha : _decayAlpha);

        if (_timeUs >= _motionStartUs + _motionDurationUs && _random.NextDouble() < _options.MotionRateHz * _stepS)
        {
            _motionStartUs = _timeUs;
            _motionDurationUs = 300_000 + _random.NextLong(700_000);
            // Exponential about the mean depth, cut at three times it: a mouse moving its head shifts the light by a
            // few per cent; a drop of a fifth within 100 ms is a patch cord or an LED (the engine's light-step guard
            // faults on it), which the unbounded tail produced in about one rig-session in ten.
            _motionDepth = Math.Min(-_options.MotionDepth * Math.Log(1 - _random.NextDouble()), 3 * _options.MotionDepth);
        }
    }

    /// <summary>Double-exponential bleaching: 40 % of the hourly loss with τ = 10 min, the rest with τ = 60 min.</summary>
    private double Bleaching(double scale)
    {
        double hours = _timeUs / 3.6e9;
        double fast = 1 - Math.Exp(-hours * 6);
        double slow = 1 - Math.Exp(-hours);
        double normaliser = 0.4 * (1 - Math.Exp(-6)) + 0.6 * (1 - Math.Exp(-1));
        return 1 - scale * _options.BleachPerHour * (0.4 * fast + 0.6 * slow) / normaliser;
    }
}
