namespace ClosedLoop.Engine.Tests;

public sealed class ProcessingTests
{
    private const long Period = 7692;

    [Fact]
    public void Low_pass_settles_to_a_step_with_its_time_constant()
    {
        var filter = new OnePoleLowPass(cutoffHz: 1, sampleIntervalUs: 1000);
        filter.Update(0);

        // After one time constant (1 / 2π fc ≈ 159 ms = 159 samples) a step has risen to 1 - 1/e.
        double y = 0;
        for (int i = 0; i < 159; i++)
        {
            y = filter.Update(1);
        }

        Assert.InRange(y, 0.62, 0.645);
    }

    [Fact]
    public void Online_fit_recovers_a_known_gain_and_offset()
    {
        var fit = new ControlFit(Period, tauUs: 60_000_000);
        var random = new SeededRandom(3);
        for (int i = 0; i < 20_000; i++)
        {
            // A bleaching, wandering control channel; the signal is 1.8 × control + 250 plus noise.
            double control = 3000 * Math.Exp(-i / 50_000.0) + 200 * Math.Sin(i / 300.0) + 20 * random.NextGaussian();
            double signal = 1.8 * control + 250 + 2 * random.NextGaussian();
            fit.Update(control, signal);
        }

        Assert.Equal(1.8, fit.Gain, 2);
        Assert.InRange(fit.Offset, 240, 260);
    }

    [Fact]
    public void A_frozen_fit_does_not_learn()
    {
        var fit = new ControlFit(Period, 10_000_000);
        for (int i = 0; i < 1000; i++)
        {
            fit.Update(1000 + i % 7, 2 * (1000 + i % 7));
        }

        double gain = fit.Gain;
        fit.Frozen = true;
        for (int i = 0; i < 1000; i++)
        {
            fit.Update(1000 + i % 7, 5000);
        }

        Assert.Equal(gain, fit.Gain);
    }

    [Fact]
    public void Robust_z_is_zero_mean_unit_spread_on_gaussian_noise()
    {
        var z = new RobustZScore(Period, 60_000_000, 2.5, 0);
        var random = new SeededRandom(11);
        var values = new List<double>();
        for (int i = 0; i < 60_000; i++)
        {
            double value = z.Update(0.01 * random.NextGaussian());
            if (i > 20_000)
            {
                values.Add(value);
            }
        }

        double mean = values.Average();
        double sd = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average());
        Assert.InRange(mean, -0.1, 0.1);
        Assert.InRange(sd, 0.9, 1.15);
    }

    [Fact]
    public void Transients_barely_move_the_robust_baseline()
    {
        var robust = new RobustZScore(1000, 1_000_000, 2.5, 0);
        var random = new SeededRandom(2);
        for (int i = 0; i < 5000; i++)
        {
            robust.Update(random.NextGaussian());
        }

        double before = robust.Location;
        for (int i = 0; i < 200; i++)
        {
            robust.Update(50);
        }

        // A plain EWMA would have moved by 50 × (1 - e^-0.2) ≈ 9; clipping limits each step to 2.5 σ.
        Assert.InRange(robust.Location - before, 0, 1.2);
    }

    [Fact]
    public void Z_is_not_ready_during_warm_up()
    {
        var z = new RobustZScore(1000, 1_000_000, 2.5, warmupUs: 500_000);
        for (int i = 0; i < 499; i++)
        {
            z.Update(i % 2);
        }

        Assert.False(z.IsReady);
        z.Update(1);
        Assert.True(z.IsReady);
    }

    [Fact]
    public void A_step_in_the_signal_appears_in_dff_and_z_with_the_expected_size()
    {
        var acquisition = AcquisitionSettings.Default();
        var processing = new ProcessingSettings { FitTauUs = 120_000_000, BaselineTauUs = 60_000_000, ZClip = 2.5, WarmupUs = 0 };
        var chain = new SignalChain(acquisition, processing);
        var random = new SeededRandom(8);
        var cycle = new CycleSample { IsValid = true, Dark = 100 };
        ProcessedSample? sample = null;
        double noiseSd = 0.002;
        for (long i = 0; i < 130 * 120; i++)
        {
            cycle.CycleIndex = i;
            cycle.StartUs = i * Period;
            double control = 1000 * (1 + 0.05 * Math.Sin(i / 2000.0));
            cycle.Control = control + 100;
            cycle.Signal = 2 * control * (1 + noiseSd * random.NextGaussian()) + 100;
            sample = chain.Process(cycle);
        }

        chain.Frozen = true;
        double dffSum = 0;
        double zSum = 0;
        for (long i = 0; i < 130 * 3; i++)
        {
            long k = 130 * 120 + i;
            cycle.CycleIndex = k;
            cycle.StartUs = k * Period;
            double control = 1000 * (1 + 0.05 * Math.Sin(k / 2000.0));
            cycle.Control = control + 100;
            cycle.Signal = 2 * control * 1.02 * (1 + noiseSd * random.NextGaussian()) + 100;
            sample = chain.Process(cycle);
            if (i >= 130)
            {
                dffSum += sample.Dff;
                zSum += sample.Z;
            }
        }

        // A 2 % step in the signal is a dF/F of 0.02; after the low-pass has settled its z is 0.02 / spread.
        Assert.Equal(0.02, dffSum / 260, 3);
        double spread = chain.ZScore.Spread;
        Assert.InRange(spread, 0.0002, 0.002);
        Assert.Equal(0.02 / spread, zSum / 260, 0);
        Assert.NotNull(sample);
    }

    [Fact]
    public void An_invalid_cycle_gives_nan_and_does_not_disturb_the_filters()
    {
        var chain = new SignalChain(AcquisitionSettings.Default(), new ProcessingSettings { FitTauUs = 1_000_000, BaselineTauUs = 1_000_000, ZClip = 2.5 });
        var cycle = new CycleSample { IsValid = true, Signal = 2100, Control = 1100, Dark = 100 };
        for (int i = 0; i < 100; i++)
        {
            chain.Process(cycle);
        }

        double gain = chain.Fit.Gain;
        var bad = new CycleSample { IsValid = false, Signal = 1e9, Control = 0, Dark = 0 };
        var result = chain.Process(bad);

        Assert.False(result.IsValid);
        Assert.True(double.IsNaN(result.Dff));
        Assert.Equal(gain, chain.Fit.Gain);
    }

    [Fact]
    public void Continuous_mode_measures_dff_against_a_slow_baseline()
    {
        var acquisition = AcquisitionSettings.Default();
        acquisition.Continuous = true;
        var chain = new SignalChain(acquisition, new ProcessingSettings { FitTauUs = 10_000_000, BaselineTauUs = 10_000_000, ZClip = 2.5 });
        var cycle = new CycleSample { IsValid = true, Signal = 1000 };
        for (int i = 0; i < 5000; i++)
        {
            chain.Process(cycle);
        }

        chain.Frozen = true;
        cycle.Signal = 1100;
        ProcessedSample last = chain.Process(cycle);
        for (int i = 0; i < 200; i++)
        {
            last = chain.Process(cycle);
        }

        Assert.Equal(0.1, last.Dff, 3);
    }
}
