using System.Security.Cryptography;
using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Core;
using ClosedLoop.Engine.Detection;
using ClosedLoop.Engine.Journal;

namespace ClosedLoop.VirtualRig.Tests;

public sealed class SimulationTests
{
    private const long Second = 1_000_000;

    private static string ReadingsHash(SimulationOptions options, long durationUs)
    {
        var scenario = Scenario.Random(options.Seed, 3, 20 * Second, 5 * Second, 10 * Second, 2 * Second, 6 * Second);
        var rig = new VirtualRig(RigConfig.Default(), options, scenario);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[12];
        rig.ReadingTap = (t, v) =>
        {
            BitConverter.TryWriteBytes(buffer, t);
            BitConverter.TryWriteBytes(buffer.AsSpan(8), v);
            hash.AppendData(buffer);
        };
        rig.RunFor(durationUs);
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    [Fact]
    public void The_same_seed_gives_the_same_readings_bit_for_bit()
    {
        var options = new SimulationOptions { Seed = 17 };

        Assert.Equal(ReadingsHash(options, 40 * Second), ReadingsHash(options, 40 * Second));
        Assert.NotEqual(ReadingsHash(options, 40 * Second), ReadingsHash(options with { Seed = 18 }, 40 * Second));
    }

    [Fact]
    public void Random_scenarios_repeat_for_a_seed_and_keep_their_bounds()
    {
        var a = Scenario.Random(5, 50, 10 * Second, 20 * Second, 40 * Second, 2 * Second, 8 * Second);
        var b = Scenario.Random(5, 50, 10 * Second, 20 * Second, 40 * Second, 2 * Second, 8 * Second);

        Assert.Equal(a.Encounters, b.Encounters);
        Assert.All(a.Encounters, e => Assert.InRange(e.DurationUs, 2 * Second, 8 * Second));
        Assert.All(a.Encounters.Zip(a.Encounters.Skip(1)), p => Assert.InRange(p.Second.OnsetUs - p.First.OnsetUs - p.First.DurationUs, 20 * Second, 40 * Second));
    }

    [Fact]
    public void Overlapping_fixed_encounters_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Scenario.Fixed(new(0, 5 * Second), new(4 * Second, Second)));

        Assert.StartsWith("encounter 1 starts at 4000000 us, before encounter 0 ends", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Readings_arrive_at_jittered_instants_in_every_phase()
    {
        var rig = new VirtualRig(RigConfig.Default(), new SimulationOptions(), Scenario.Fixed());
        var intervals = new List<long>();
        long last = -1;
        rig.ReadingTap = (t, _) =>
        {
            if (last >= 0)
            {
                intervals.Add(t - last);
            }

            last = t;
        };

        rig.RunFor(2 * Second);

        Assert.InRange(intervals.Average(), 140, 160);
        Assert.True(intervals.Min() < 100 && intervals.Max() > 200, "intervals should be jittered by ±40 %");
        Assert.InRange(rig.Engine.Cycles, 255, 261);
        Assert.True(rig.Engine.Demultiplexer.SettlingReadings > 0, "some readings fall inside the settle guard and are dropped");
    }

    [Theory]
    [InlineData(12, 4095)]
    [InlineData(16, 32767)]
    public void Readings_are_quantised_to_the_adc(int bits, int maximum)
    {
        var rig = new VirtualRig(RigConfig.Default(), new SimulationOptions { AdcBits = bits, SignalLevel = 3900 }, Scenario.Fixed());
        var values = new List<int>();
        rig.ReadingTap = (_, v) => values.Add(v);

        rig.RunFor(Second);

        Assert.All(values, v => Assert.InRange(v, 0, maximum));
        Assert.Equal(maximum, values.Max());
    }

    [Fact]
    public void The_photodiode_reads_dark_signal_and_control_levels_by_phase()
    {
        var rig = new VirtualRig(RigConfig.Default(), new SimulationOptions { ShotNoise = 0, ReadNoise = 0, BleachPerHour = 0, MotionRateHz = 0, SpontaneousRateHz = 0, HaemodynamicAmplitude = 0 }, Scenario.Fixed());

        rig.RunFor(Second);

        Assert.Equal(2000, rig.Recorder.RawSignal[^1], 0);
        Assert.Equal(1200, rig.Recorder.RawControl[^1], 0);
    }

    [Fact]
    public void Photobleaching_loses_the_configured_fraction_in_an_hour()
    {
        var rig = new VirtualRig(RigConfig.Default(), new SimulationOptions { BleachPerHour = 0.2, ReadingIntervalUs = 1000 }, Scenario.Fixed());

        rig.RunFor(3600 * Second);

        double first = rig.Recorder.RawSignal.Take(130 * 10).Average();
        double last = rig.Recorder.RawSignal.TakeLast(130 * 10).Average();
        Assert.InRange(1 - last / first, 0.17, 0.23);
    }

    [Fact]
    public void A_transient_rises_in_tens_of_milliseconds_and_decays_in_about_a_second()
    {
        var options = new SimulationOptions { SpontaneousRateHz = 0, MotionRateHz = 0, ResponseLatencyS = 0, ResponseMaxDurationS = 0.02 };
        var mouse = new MouseModel(options, 1000, new SeededRandom(1));
        mouse.Encounter(0, 20_000, 1);
        var activity = new List<double>();
        for (long t = 1000; t <= 3_000_000; t += 1000)
        {
            mouse.StepTo(t);
            activity.Add(mouse.Activity);
        }

        int peak = activity.IndexOf(activity.Max());
        int halfDecay = activity.FindIndex(peak, a => a < activity[peak] / 2);
        Assert.InRange(peak, 10, 40);
        Assert.InRange(halfDecay - peak, 300, 700);
    }

    [Fact]
    public void Motion_artifacts_appear_in_both_channels()
    {
        var rig = new VirtualRig(RigConfig.Default(), new SimulationOptions { MotionRateHz = 1, MotionDepth = 0.08, ShotNoise = 0.002, SpontaneousRateHz = 0 }, Scenario.Fixed());

        rig.RunFor(60 * Second);

        double r = Data.Analysis.OfflineReference.PearsonR(rig.Recorder.RawSignal, rig.Recorder.RawControl);
        Assert.True(r > 0.9, $"signal and control should share motion: r = {r}");
    }

    [Fact]
    public void Stimulation_drives_activity_so_closed_loop_runs_show_the_loop_acting()
    {
        var config = RigConfig.Default();
        var scenario = Scenario.Regular(6, 60 * Second, 40 * Second, 5 * Second);
        var rig = new VirtualRig(config, new SimulationOptions { Phenotype = Phenotype.IsolationReared, Seed = 3, StimulationAmplitude = 0.05 }, scenario);
        rig.Engine.Arm();
        rig.Engine.StartSession();

        rig.RunFor(300 * Second);

        Assert.NotEmpty(rig.Opto.Trains);
        var during = new List<double>();
        var outside = new List<double>();
        for (int i = 0; i < rig.Recorder.Count; i++)
        {
            long t = rig.Recorder.TimeUs[i];
            (rig.Opto.Trains.Any(tr => t >= tr.StartUs + 500_000 && t < tr.StartUs + tr.DurationUs) ? during : outside).Add(rig.Recorder.Dff[i]);
        }

        Assert.True(during.Average() - outside.Where(double.IsFinite).Average() > 0.02, "dF/F should rise while the opsin is driven");
    }

    [Theory]
    [InlineData(Phenotype.GroupReared, 0.7, 1.0)]
    [InlineData(Phenotype.IsolationReared, 0.0, 0.35)]
    [InlineData(Phenotype.IsolationKetamine, 0.6, 1.0)]
    public void Phenotypes_respond_as_the_paper_describes(Phenotype phenotype, double minResponding, double maxResponding)
    {
        var scenario = Scenario.Regular(20, 60 * Second, 30 * Second, 5 * Second);
        var rig = new VirtualRig(RigConfig.Default(), new SimulationOptions { Phenotype = phenotype, Seed = 9, ReadingIntervalUs = 300 }, scenario);

        rig.RunFor(700 * Second);

        var decisions = Decisions(rig);
        Assert.Equal(20, decisions.Count);
        double responding = decisions.Count(d => d.Outcome == DecisionOutcome.Response) / (double)decisions.Count;
        Assert.InRange(responding, minResponding, maxResponding);
    }

    internal static List<(long Onset, DecisionOutcome Outcome, double DeltaZ)> Decisions(VirtualRig rig)
    {
        var list = new List<(long, DecisionOutcome, double)>();
        var e = new JournalEvent();
        for (long s = rig.Engine.Journal.OldestSequence; s < rig.Engine.Journal.NextSequence; s++)
        {
            if (rig.Engine.Journal.TryGet(s, e) == ReplayStatus.Ok && e.Kind == EventKind.Decision && (DecisionOutcome)e.Code != DecisionOutcome.Drop)
            {
                list.Add((e.Ref1, (DecisionOutcome)e.Code, e.Value1));
            }
        }

        return list;
    }

    [Fact]
    public void Every_virtual_rig_start_is_a_new_boot()
    {
        var first = new VirtualRig(RigConfig.Default(), new SimulationOptions(), Scenario.Fixed());
        var restarted = new VirtualRig(RigConfig.Default(), new SimulationOptions(), Scenario.Fixed());

        Assert.True(restarted.Engine.Journal.BootId > first.Engine.Journal.BootId);
        Assert.True(first.Engine.Journal.BootId > 1_700_000_000_000, "boot ids count milliseconds since 1970, so they rise across processes too");
    }
}
