namespace ClosedLoop.VirtualRig;

/// <summary>
/// The physical and biological parameters of a simulated rig. Defaults describe a plausible 12-bit ESP32 rig
/// with a GCaMP6f aIC recording; every one is a model assumption, documented in docs/virtual-rig.md.
/// </summary>
public sealed record SimulationOptions
{
    /// <summary>Seeds every random stream of the simulation; the same seed gives the same readings, bit for bit.</summary>
    public ulong Seed { get; init; } = 1;

    public Phenotype Phenotype { get; init; } = Phenotype.GroupReared;

    /// <summary>Overrides the phenotype's response model (e.g. half of the encounters responding, for validation).</summary>
    public ResponseModel? Responses { get; init; }

    /// <summary>ADC resolution: 12 (ESP32) or 16 (ADS1115, single-ended 15 bits of range).</summary>
    public int AdcBits { get; init; } = 12;

    /// <summary>Photodiode level with the signal LED on, at the start, in 12-bit counts.</summary>
    public double SignalLevel { get; init; } = 2000;

    /// <summary>Photodiode level with the control LED on, in 12-bit counts.</summary>
    public double ControlLevel { get; init; } = 1200;

    /// <summary>Ambient light and amplifier offset, in 12-bit counts.</summary>
    public double DarkLevel { get; init; } = 80;

    /// <summary>Shot noise: the standard deviation of one reading as a fraction of its level.</summary>
    public double ShotNoise { get; init; } = 0.02;

    /// <summary>Read noise of the ADC, in 12-bit counts.</summary>
    public double ReadNoise { get; init; } = 2;

    /// <summary>Mean time between two ADC readings; each interval is uniform within ±<see cref="ReadingJitter"/> of it.</summary>
    public long ReadingIntervalUs { get; init; } = 150;

    public double ReadingJitter { get; init; } = 0.4;

    /// <summary>Chance per second of a sampler stall (a garbage collection, a Wi-Fi burst) of 5-30 ms.</summary>
    public double StallsPerSecond { get; init; } = 0.02;

    /// <summary>LED and photodiode-amplifier settling time constant after an LED edge.</summary>
    public long LedTimeConstantUs { get; init; } = 40;

    /// <summary>Fraction of fluorescence lost to photobleaching over the first hour (double exponential).</summary>
    public double BleachPerHour { get; init; } = 0.15;

    /// <summary>GCaMP6f kinetics.</summary>
    public double RiseTimeConstantS { get; init; } = 0.07;

    public double DecayTimeConstantS { get; init; } = 0.7;

    /// <summary>Spontaneous transients: rate (Hz) and mean dF/F amplitude (exponentially distributed).</summary>
    public double SpontaneousRateHz { get; init; } = 0.3;

    public double SpontaneousAmplitude { get; init; } = 0.008;

    /// <summary>Delay from contact to the evoked rise, and how long the drive lasts at most.</summary>
    public double ResponseLatencyS { get; init; } = 0.2;

    public double ResponseMaxDurationS { get; init; } = 3.5;

    /// <summary>Motion artifacts common to both channels: rate (Hz) and mean depth (fraction; exponential, cut at three times the mean).</summary>
    public double MotionRateHz { get; init; } = 0.05;

    public double MotionDepth { get; init; } = 0.04;

    /// <summary>A haemodynamic oscillation seen by the control channel only: amplitude (fraction) and frequency.</summary>
    public double HaemodynamicAmplitude { get; init; } = 0.002;

    public double HaemodynamicHz { get; init; } = 0.15;

    /// <summary>Activity (dF/F) driven by an optogenetic train while it runs (opsin in the recorded population).</summary>
    public double StimulationAmplitude { get; init; } = 0.04;

    /// <summary>
    /// Faults of the light path, not of the mouse: over each span the LEDs' light reaching the photodiode is scaled
    /// (a loose patch cord scales both, a failing LED one). None by default.
    /// </summary>
    public IReadOnlyList<LightFault> LightFaults { get; init; } = [];
}

/// <summary>From <paramref name="FromUs"/> for <paramref name="DurationUs"/>, each channel's light times its factor.</summary>
public sealed record LightFault(long FromUs, long DurationUs, double SignalFactor, double ControlFactor = 1)
{
    public bool Covers(long timeUs) => timeUs >= FromUs && timeUs < FromUs + DurationUs;
}
