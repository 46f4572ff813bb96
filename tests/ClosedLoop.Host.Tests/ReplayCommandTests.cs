using System.Text.RegularExpressions;

namespace ClosedLoop.Host.Tests;

public sealed partial class ReplayCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("closedloop-replay-test").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task The_real_recording_replays_with_a_row_per_encounter_and_totals()
    {
        var (code, output, error) = await CommandLine.Invoke("replay", CommandLine.RealRecording, "--set", "encounter.min_duration_ms=100");

        Assert.True(code == 0, error);
        Assert.Matches(@"127 encounters: \d+ responses, \d+ deficits, 0 drops, 0 insufficient, 0 overlapping\.", output);
        // The gate runs with every limit, as live: m17 has more deficits in its hour than opto.max_trains_per_hour (30).
        var trains = TrainsLine().Match(output);
        Assert.True(trains.Success, output);
        Assert.InRange(int.Parse(trains.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 20, 31);
        Assert.Contains("max_trains_per_hour", trains.Value, StringComparison.Ordinal);
        Assert.Contains("│ 127 │", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_threshold_sweep_finds_more_deficits_as_the_threshold_rises_and_never_more_trains_than_the_limits_allow()
    {
        var (code, output, error) = await CommandLine.Invoke("replay", CommandLine.RealRecording, "--set", "encounter.min_duration_ms=100", "--sweep", "detector.deficit_threshold=0:2:0.5");

        Assert.True(code == 0, error);
        int Number(Match m, int group) => int.Parse(m.Groups[group].Value, System.Globalization.CultureInfo.InvariantCulture);
        var rows = SweepRow().Matches(output).Select(m => (Value: m.Groups[1].Value, Deficits: Number(m, 2), Trains: Number(m, 3))).ToList();
        Assert.Equal(["0", "0.5", "1", "1.5", "2"], rows.Select(r => r.Value));
        Assert.True(rows[^1].Deficits > rows[0].Deficits);
        Assert.All(rows, r => Assert.InRange(r.Trains, 0, 31));
    }

    [Fact]
    public async Task Replay_writes_its_table_as_csv_and_a_sweep_as_a_figure()
    {
        string csv = Path.Combine(_folder, "encounters.csv");
        string png = Path.Combine(_folder, "sweep.png");

        var table = await CommandLine.Invoke("replay", CommandLine.RealRecording, "--set", "encounter.min_duration_ms=100", "--csv", csv);
        var sweep = await CommandLine.Invoke("replay", CommandLine.RealRecording, "--set", "encounter.min_duration_ms=100", "--sweep", "detector.deficit_threshold=0:1:0.5", "--plot", png);

        Assert.True(table.Code == 0 && sweep.Code == 0, table.Error + sweep.Error);
        string[] lines = File.ReadAllLines(csv);
        Assert.Equal("encounter,onset_s,dz,decision,latency_ms,early,window_dz,window_decision", lines[0]);
        Assert.Equal(128, lines.Length);
        Assert.Matches(@"^1,[0-9.]+,-?[0-9.]+,(deficit|response),\d+,window,-?[0-9.]+,(deficit|response)$", lines[1]);
        byte[] image = File.ReadAllBytes(png);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, image[..4]);
        Assert.True(image.Length > 5000);
    }

    [Fact]
    public async Task Replay_with_the_early_rule_scores_each_early_decision_against_its_whole_window()
    {
        string csv = Path.Combine(_folder, "early.csv");

        var (code, output, error) = await CommandLine.Invoke("replay", CommandLine.RealRecording, "--set", "encounter.min_duration_ms=100", "--set", "detector.rule=early", "--csv", csv);

        Assert.True(code == 0, error);
        var rows = File.ReadAllLines(csv).Skip(1).Select(l => l.Split(',')).Where(r => r[3] is "deficit" or "response").ToList();
        var early = rows.Where(r => r[5] == "early").ToList();
        Assert.True(early.Count > rows.Count / 2, $"{early.Count} of {rows.Count} decided early");
        Assert.All(early, r => Assert.True(int.Parse(r[4], System.Globalization.CultureInfo.InvariantCulture) < 3000, $"an early decision after {r[4]} ms"));
        Assert.All(rows.Where(r => r[5] == "window"), r => Assert.Equal(r[3], r[7]));
        double agreement = (double)rows.Count(r => r[3] == r[7]) / rows.Count;
        Assert.True(agreement >= 0.9, $"agreement {agreement:P1}");
        Assert.Matches(@"early rule: \d+ of \d+ decided early; agreement with the full window \d+\.\d %; deficit decisions \d+, onset to decision median \d+ ms", output);

        // The typical Δz is the median of every decided encounter's whole window, not of those the threshold called
        // responses (which would be circular: raising the threshold would raise the "typical response").
        var all = File.ReadAllLines(csv).Skip(1).Select(l => l.Split(',')).Where(r => r[6].Length > 0).Select(r => double.Parse(r[6], System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        var typical = System.Text.RegularExpressions.Regex.Match(output, @"typical Δz: median (-?[0-9.]+) over all (\d+) encounters, not split by the threshold");
        Assert.True(typical.Success, output);
        Assert.Equal(all.Count, int.Parse(typical.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(all[(all.Count - 1) / 2], double.Parse(typical.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 2);
    }

    [Fact]
    public async Task A_replay_gives_the_distribution_of_dz_where_the_threshold_falls_in_it_and_draws_it()
    {
        string png = Path.Combine(_folder, "dz.png");
        string csv = Path.Combine(_folder, "dz.csv");

        var (code, output, error) = await CommandLine.Invoke("replay", CommandLine.RealRecording, "--set", "encounter.min_duration_ms=100", "--csv", csv, "--plot", png);

        Assert.True(code == 0, error);
        var deltas = File.ReadAllLines(csv).Skip(1).Select(l => l.Split(',')).Where(r => r[6].Length > 0).Select(r => double.Parse(r[6], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        int below = deltas.Count(d => d < 1.0);
        string flat = output.Replace("\n", " ", StringComparison.Ordinal);
        Assert.Contains($"Δz of {deltas.Count} encounters (whole window): min {deltas.Min().ToString("F2", System.Globalization.CultureInfo.InvariantCulture)}", flat, StringComparison.Ordinal);
        Assert.Contains($"detector.deficit_threshold 1.00 falls at the {100.0 * below / deltas.Count:F0}th percentile", flat, StringComparison.Ordinal);
        Assert.Contains("closedloop study calibrate STUDY --reference-group GROUP", flat, StringComparison.Ordinal);
        Assert.True(new FileInfo(png).Length > 10_000, "a histogram PNG");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png)[..4]);
    }

    [Fact]
    public void An_early_rule_below_its_agreement_goal_is_flagged_with_what_to_change()
    {
        // An early rule at the agreement the review measured on m53 (dLight): 83.8 %; the other counts are made up.
        var fast = new ClosedLoop.VirtualRig.Validation.DecisionSummary(93, 70, 71, 0.838, 500_000, 1_500_000, 600_000, 3_000_000);

        string? warning = ReplayCommand.EarlyAgreementWarning(fast);

        Assert.NotNull(warning);
        Assert.StartsWith("warning: the early rule agrees with the whole window on 83.8 % of these encounters, below the 90 % goal", warning, StringComparison.Ordinal);
        Assert.Contains("raise detector.early_min_ms past the transients, or decide on the whole window (detector.rule = window)", warning, StringComparison.Ordinal);
        Assert.Null(ReplayCommand.EarlyAgreementWarning(fast with { FullWindowAgreement = 0.921 }));
        Assert.Null(ReplayCommand.EarlyAgreementWarning(fast with { Early = 0, FullWindowAgreement = 0.5 }));
    }

    [Fact]
    public void The_distribution_puts_the_threshold_at_the_share_of_encounters_below_it()
    {
        double[] deltas = [.. Enumerable.Range(0, 100).Select(i => i / 10.0)];

        string text = ReplayCommand.DeltaZDistribution(deltas, 2.5)!;

        Assert.Contains("Δz of 100 encounters (whole window): min 0.00,", text, StringComparison.Ordinal);
        Assert.Contains("median 4.90", text, StringComparison.Ordinal); // nearest rank: the 50th of 100
        Assert.Contains("detector.deficit_threshold 2.50 falls at the 25th percentile: 25 % of these encounters would be deficits", text, StringComparison.Ordinal);
        Assert.Null(ReplayCommand.DeltaZDistribution([], 1));
    }

    [Fact]
    public async Task A_sweep_of_an_early_rule_setting_shows_how_soon_it_decides()
    {
        var (code, output, error) = await CommandLine.Invoke("replay", CommandLine.RealRecording, "--set", "encounter.min_duration_ms=100", "--set", "detector.rule=early", "--sweep", "detector.early_min_ms=500:2500:1000");

        Assert.True(code == 0, error);
        var rows = output.Split('\n').Select(l => l.Split('│', StringSplitOptions.TrimEntries)).Where(c => c.Length == 10 && c[1] is "500" or "1500" or "2500").ToList();
        Assert.Equal(["500", "1500", "2500"], rows.Select(r => r[1]));
        var medians = rows.Select(r => int.Parse(r[7], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(medians[0] <= medians[1] && medians[1] <= medians[2] && medians[2] >= 2500, string.Join(", ", medians));
        Assert.All(rows, r => Assert.EndsWith("%", r[8], StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cut_short_recording_is_refused_naming_the_file()
    {
        string cut = Path.Combine(_folder, "cut.ppd");
        File.WriteAllBytes(cut, File.ReadAllBytes(CommandLine.RealRecording)[..^3]);

        var (code, _, error) = await CommandLine.Invoke("replay", cut);

        Assert.Equal(1, code);
        Assert.Contains($"error: {cut} has ", error, StringComparison.Ordinal);
        Assert.Contains("not a whole number of 2-channel samples", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cut_short_recording_can_be_read_to_its_last_whole_sample_with_a_warning()
    {
        string cut = Path.Combine(_folder, "cut.ppd");
        File.WriteAllBytes(cut, File.ReadAllBytes(CommandLine.RealRecording)[..^3]);

        var (code, output, error) = await CommandLine.Invoke("replay", cut, "--accept-cut-short", "--set", "encounter.min_duration_ms=100");

        Assert.True(code == 0, error);
        Assert.Contains("warning: cut.ppd stops mid-sample: its last 1 bytes (an incomplete sample) were left out", error, StringComparison.Ordinal);
        Assert.Contains("127 encounters:", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("detector.deficit_threshold=2:0:0.5")]
    [InlineData("detector.deficit_threshold=0:2")]
    [InlineData("deficit_threshold")]
    public async Task A_malformed_sweep_is_refused(string sweep)
    {
        var (code, _, error) = await CommandLine.Invoke("replay", CommandLine.RealRecording, "--sweep", sweep);

        Assert.Equal(2, code);
        Assert.Contains("expected section.key=from:to:step", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sweep_of_a_value_out_of_range_names_the_field()
    {
        var (code, _, error) = await CommandLine.Invoke("replay", CommandLine.RealRecording, "--sweep", "detector.post_ms=50:150:50");

        Assert.Equal(1, code);
        Assert.Contains("detector.post_ms = '50': expected an integer from 100 to 60000", error, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"│ ([0-9.]+)\s+│ \d+\s+│ (\d+)\s+│ \d+\s+│ (\d+)\s+│ \d+\s+│")]
    private static partial Regex SweepRow();

    [GeneratedRegex(@"(\d+) trains would have started[^\n]*")]
    private static partial Regex TrainsLine();
}
