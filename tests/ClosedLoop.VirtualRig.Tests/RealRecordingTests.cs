using System.Reflection;
using System.Text;
using ClosedLoop.Data;
using ClosedLoop.Data.Analysis;
using ClosedLoop.Data.Ppd;
using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Detection;
using ClosedLoop.Engine.Journal;
using ClosedLoop.VirtualRig.Replay;
using ClosedLoop.VirtualRig.Validation;
using Xunit.Abstractions;

namespace ClosedLoop.VirtualRig.Tests;

/// <summary>The engine's processing chain on a real pyPhotometry recording (read from shared/, never copied).</summary>
public sealed class RealRecordingTests(ITestOutputHelper output)
{
    private static string RecordingPath => ClosedLoop.Tests.Shared.ThirdPartyData.Locate(ClosedLoop.Tests.Shared.ThirdPartyData.PyPhotometryM17);

    [Fact]
    public void The_recording_is_read_as_its_readme_describes()
    {
        var recording = PpdReader.Read(RecordingPath);

        Assert.Equal("m17-R", recording.SubjectId);
        Assert.Equal("2 colour time div.", recording.Mode);
        Assert.Equal(130, recording.SamplingRate);
        Assert.Equal(474_192, recording.SampleCount);
        Assert.Equal((7371, 13201), (recording.Analog[0].Min(), recording.Analog[0].Max()));
        Assert.Equal((6617, 12229), (recording.Analog[1].Min(), recording.Analog[1].Max()));
        Assert.Equal(127, recording.RisingEdges(0).Count);
        Assert.Equal(722, recording.RisingEdges(1).Count);
    }

    [Fact]
    public void The_recording_replays_end_to_end_and_its_dff_agrees_with_an_offline_fit()
    {
        var recording = PpdReader.Read(RecordingPath);
        var config = TestConfig("acquisition.rate_hz=130", "encounter.min_duration_ms=100", "encounter.source=digital");

        var replay = RecordingReplay.Run(recording, config, encounterInput: 0);

        var recorder = replay.Samples;
        var events = replay.Events;
        Assert.DoesNotContain(events, e => e.Kind is EventKind.Fault or EventKind.DataGap);
        Assert.Equal(recording.SampleCount, recorder.Count);
        Assert.All(recorder.Valid, Assert.True);
        int encounters = events.Count(e => e.Kind == EventKind.EncounterOn);
        var decisions = events.Where(e => e.Kind == EventKind.Decision && (DecisionOutcome)e.Code != DecisionOutcome.Drop).ToList();
        Assert.InRange(encounters, 120, 127);
        Assert.Equal(encounters, decisions.Count);

        // After the start-up period (warm-up and the fit's first time constants), compare with offline
        // least-squares fits: one made around each sample over 4 minutes (the non-causal twin of the online fit's
        // 120 s memory), and, for the record, one fit over the whole hour, which cannot follow the two channels'
        // different bleaching and so agrees less.
        int startUp = (int)(5 * 60 * recording.SamplingRate);
        double[] online = [.. recorder.Dff.Skip(startUp)];
        var windowed = OfflineReference.Compute(recorder.TimeUs, recorder.RawSignal, recorder.RawControl, filterWindow: 13, ZScoreMethod.Standard, startUp, fitWindow: (int)(240 * recording.SamplingRate));
        var global = OfflineReference.Compute(recorder.TimeUs, recorder.RawSignal, recorder.RawControl, filterWindow: 13, ZScoreMethod.Standard, startUp);
        double r = OfflineReference.PearsonR(online, windowed.Dff);
        double rGlobal = OfflineReference.PearsonR(online, global.Dff);
        output.WriteLine($"online dF/F from {recorder.Dff.Skip(startUp).Min():F3} to {recorder.Dff.Skip(startUp).Max():F3}");
        output.WriteLine($"dF/F r = {r:F3} (4-minute windowed fit), {rGlobal:F3} (one fit for the hour) over {online.Length} samples; {encounters} encounters, {decisions.Count(d => (DecisionOutcome)d.Code == DecisionOutcome.Deficit)} deficits");
        Assert.True(r >= 0.9, $"r = {r:F3}");
    }

    [Fact]
    public void On_m17_the_early_rule_agrees_with_the_full_window_and_decides_part_of_the_encounters_early()
    {
        var recording = PpdReader.Read(RecordingPath);
        var config = TestConfig("acquisition.rate_hz=130", "encounter.min_duration_ms=100", "encounter.source=digital", "detector.rule=early");

        var summary = DecisionScores.Summarize(DecisionScores.From(RecordingReplay.Run(recording, config, encounterInput: 0).Events).Values);

        output.WriteLine(summary.ToString());
        Assert.InRange(summary.Measured, 120, 127);
        Assert.True(summary.FullWindowAgreement >= 0.90, $"agreement with the full window {summary.FullWindowAgreement:P1}");
        Assert.True(summary.Early >= summary.Measured / 2, $"{summary.Early} of {summary.Measured} decided early");
    }

    [Fact]
    public void A_truncated_header_is_refused()
    {
        byte[] bytes = [200, 0, (byte)'{'];

        var error = Assert.Throws<RecordingFormatException>(() => PpdReader.Parse("cut.ppd", bytes));

        Assert.Equal("cut.ppd is truncated: its header says 200 bytes but only 1 follow", error.Message);
    }

    [Fact]
    public void A_header_that_is_not_json_is_refused()
    {
        byte[] bytes = [.. Header("not json"), 0, 0, 0, 0];

        var error = Assert.Throws<RecordingFormatException>(() => PpdReader.Parse("bad.ppd", bytes));

        Assert.StartsWith("bad.ppd has a header that is not JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_without_a_sampling_rate_is_refused()
    {
        byte[] bytes = [.. Header("""{"mode":"2 colour time div."}"""), 0, 0, 0, 0];

        var error = Assert.Throws<RecordingFormatException>(() => PpdReader.Parse("rate.ppd", bytes));

        Assert.Equal("rate.ppd has no positive 'sampling_rate' in its header", error.Message);
    }

    [Fact]
    public void Data_that_is_not_a_whole_number_of_samples_is_refused()
    {
        byte[] bytes = [.. Header("""{"mode":"2 colour time div.","sampling_rate":130}"""), 1, 2, 3, 4, 5, 6];

        var error = Assert.Throws<RecordingFormatException>(() => PpdReader.Parse("odd.ppd", bytes));

        Assert.Equal("odd.ppd has 6 data bytes, not a whole number of 2-channel samples (4 bytes each): the file is cut short or not a .ppd", error.Message);
    }

    [Fact]
    public void A_cut_short_copy_of_the_real_recording_is_refused()
    {
        byte[] bytes = File.ReadAllBytes(RecordingPath)[..^3];

        var error = Assert.Throws<RecordingFormatException>(() => PpdReader.Parse("m17-cut.ppd", bytes));

        Assert.Contains("not a whole number of 2-channel samples", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Header(string json)
    {
        byte[] text = Encoding.UTF8.GetBytes(json);
        return [(byte)text.Length, (byte)(text.Length >> 8), .. text];
    }

    [Fact]
    public void LEDs_that_go_dark_before_the_last_encounter_give_a_fault_and_no_decision_that_would_stimulate()
    {
        // m17 with its LEDs switched off 10 s before its last encounter, as happens when an acquisition is
        // stopped at the rig: the light falls to the dark level on both channels.
        var real = Recording.FromPpd(PpdReader.Read(RecordingPath), 0);
        long lastOnset = real.EncounterEdges.Last(e => e.Level).TimeUs;
        long dark = lastOnset - 10_000_000;
        var recording = new Recording
        {
            Name = real.Name,
            SamplingRate = real.SamplingRate,
            TimeUs = real.TimeUs,
            Signal = real.Signal.Select((v, i) => real.TimeUs[i] >= dark ? 3.0 : v).ToArray(),
            Control = real.Control.Select((v, i) => real.TimeUs[i] >= dark ? 2.0 : v).ToArray(),
            EncounterEdges = real.EncounterEdges,
        };

        var replay = RecordingReplay.Run(recording, TestConfig("acquisition.rate_hz=130", "encounter.min_duration_ms=0", "encounter.source=digital"));

        var fault = Assert.Single(replay.Events, e => e.Kind == EventKind.Fault);
        Assert.Equal((int)FaultCode.SignalLost, fault.Code);
        Assert.InRange(fault.TimeUs, dark, dark + 100_000);
        var last = replay.Events.Last(e => e.Kind == EventKind.Decision);
        Assert.Equal(lastOnset, last.Ref1);
        Assert.Equal(DecisionOutcome.Insufficient, (DecisionOutcome)last.Code);
        Assert.DoesNotContain(replay.Events, e => e.Kind == EventKind.Decision && e.TimeUs >= dark && (DecisionOutcome)e.Code is DecisionOutcome.Drop or DecisionOutcome.Deficit);
    }

    private static RigConfig TestConfig(params string[] overrides)
    {
        var errors = new ConfigErrorList();
        var document = ConfigParser.Parse(string.Empty, errors);
        foreach (var o in overrides)
        {
            document.TrySet(o, errors);
        }

        return ConfigLoader.FromDocument(document, errors).Config;
    }
}
