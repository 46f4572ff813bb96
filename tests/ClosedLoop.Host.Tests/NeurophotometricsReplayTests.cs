using ClosedLoop.Data.Neurophotometrics;
using ClosedLoop.Tests.Shared;

namespace ClosedLoop.Host.Tests;

/// <summary>
/// Real Neurophotometrics recordings (International Brain Laboratory, MIT) replayed as their users have them: the
/// FP3002 CSV Bonsai writes (five fibres, LEDs 470 and 415 nm in turn, an all-LED first frame) and a version-1
/// Parquet table whose Flags carry the input lines, with the digital-input table written beside it.
/// </summary>
public sealed class NeurophotometricsReplayTests
{
    private static string Csv => ThirdPartyData.Locate(ThirdPartyData.NeurophotometricsFp3002Csv);

    private static string Frames => ThirdPartyData.Locate(ThirdPartyData.NeurophotometricsV1Frames);

    private static string Inputs => ThirdPartyData.Locate(ThirdPartyData.NeurophotometricsV1DigitalInputs);

    [Fact]
    public void Each_cycle_pairs_a_signal_frame_with_the_control_frame_beside_it_of_the_chosen_fibre()
    {
        var frames = NpmFrames.Read(Csv);
        var (recording, summary) = NpmRecording.Pair(frames, "G0", signalLed: 2, controlLed: 1);

        // Frame 0 is LedState 7 (every LED): left out. Frames 1 (470 nm) and 2 (415 nm) are the first cycle.
        Assert.Equal(frames.Fibres["G0"][1], recording.Signal[0]);
        Assert.Equal(frames.Fibres["G0"][2], recording.Control[0]);
        Assert.Equal((long)Math.Round(frames.Seconds[1] * 1e6), recording.TimeUs[0]);
        Assert.Equal(1006, recording.SampleCount);
        Assert.Equal(30.0, recording.SamplingRate, 1);
        Assert.Contains("1006 cycles of LED 2 (signal) and LED 1 (control), paired from 2013 frames at 60.0 Hz (30.0 cycles a second); 1 frame(s) of another LED or without a partner left out", summary, StringComparison.Ordinal);

        // Swapping the LEDs swaps the channels of every cycle.
        var (swapped, _) = NpmRecording.Pair(frames, "G0", signalLed: 1, controlLed: 2);
        Assert.Equal(recording.Signal, swapped.Control);
    }

    [Fact]
    public async Task The_fp3002_csv_replays_once_a_fibre_is_chosen_and_says_what_it_paired_and_that_it_has_no_encounters()
    {
        var unchosen = await CommandLine.Invoke("replay", Csv);
        var chosen = await CommandLine.Invoke("replay", Csv, "--fiber", "G0");

        Assert.Equal(1, unchosen.Code);
        Assert.Contains("holds 5 fibres (G0, G1, G2, G3, G4): choose one with --fiber", unchosen.Error, StringComparison.Ordinal);
        Assert.True(chosen.Code == 0, chosen.Error);
        Assert.Contains("G0: 1006 cycles", chosen.Error, StringComparison.Ordinal);
        Assert.Contains("channels: each control sample was taken 16.7 ms after its signal sample (median)", chosen.Error, StringComparison.Ordinal);
        Assert.Contains("encounters: none given", chosen.Error, StringComparison.Ordinal);
        Assert.Contains("0 encounters", chosen.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_parquet_table_replays_with_encounters_from_its_input_bits_or_its_digital_input_table_alike()
    {
        string fromTable = Path.Combine(Path.GetTempPath(), $"npm-table-{Guid.NewGuid():N}.csv");
        string fromBits = Path.Combine(Path.GetTempPath(), $"npm-bits-{Guid.NewGuid():N}.csv");
        try
        {
            var table = await CommandLine.Invoke("replay", Frames, "--fiber", "Region1G", "--digital-inputs", Inputs, "--events-from", "ttl-onsets", "--csv", fromTable);
            var bits = await CommandLine.Invoke("replay", Frames, "--fiber", "Region1G", "--npm-input", "0", "--events-from", "ttl-onsets", "--csv", fromBits);

            Assert.True(table.Code == 0, table.Error);
            Assert.True(bits.Code == 0, bits.Error);
            Assert.Contains("Region1G: 43467 cycles of LED 2 (signal) and LED 1 (control), paired from 86936 frames at 30.0 Hz (15.0 cycles a second)", table.Error, StringComparison.Ordinal);

            // 179 TTL pulses, each an encounter. The table stamps each edge on its own; the bit shows in the frames
            // (30 a second) from two or three frames later in this recording (60-100 ms): the same pulses, in order,
            // the bit never ahead and never more than three frames behind.
            Assert.Contains("179 encounters:", table.Output, StringComparison.Ordinal);
            Assert.Contains("179 encounters:", bits.Output, StringComparison.Ordinal);
            var a = Onsets(fromTable);
            var b = Onsets(fromBits);
            Assert.Equal(179, a.Count);
            Assert.All(a.Zip(b), pair => Assert.InRange(pair.Second - pair.First, 0, 0.11));
        }
        finally
        {
            File.Delete(fromTable);
            File.Delete(fromBits);
        }
    }

    [Theory]
    [InlineData(new[] { "--fiber", "Region9" }, "--fiber Region9: no such column; its fibres are Region0R, Region1G, Region2R, Region3R, Region4G, Region5R, Region6G")]
    [InlineData(new[] { "--fiber", "Region1G", "--signal-led", "4" }, "has no frame lit by LED code 4; its LED codes are 0 (1 frames), 1 (43467 frames), 2 (43468 frames)")]
    [InlineData(new[] { "--fiber", "Region1G", "--control", "c.csv" }, "--control: not read for a Neurophotometrics recording")]
    [InlineData(new[] { "--fiber", "Region1G", "--npm-input", "0", "--events", "e.csv" }, "--digital-inputs, --npm-input and --events each give the encounters: choose one")]
    public async Task Wrong_choices_are_refused_naming_what_the_recording_holds(string[] options, string expected)
    {
        var (code, _, error) = await CommandLine.Invoke(["replay", Frames, .. options]);

        Assert.NotEqual(0, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    /// <summary>Each encounter's onset once (an encounter decided twice, e.g. a drop and then its window, has two rows).</summary>
    private static List<double> Onsets(string table) =>
        [.. File.ReadAllLines(table).Skip(1).Select(line => line.Split(',')).DistinctBy(cells => cells[0]).Select(cells => double.Parse(cells[1], CultureInfo.InvariantCulture))];
}
