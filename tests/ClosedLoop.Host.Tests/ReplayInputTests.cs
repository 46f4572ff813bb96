namespace ClosedLoop.Host.Tests;

/// <summary>Replay on recordings whose TTLs are event markers, and on one CSV with named columns.</summary>
public sealed class ReplayInputTests : IDisposable
{
    private const int Rate = 130;
    private readonly string _folder = Directory.CreateTempSubdirectory("closedloop-replay-input").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A pyPhotometry file: 5 minutes of noisy two-colour counts, with 60 ms TTL markers on digital 1 every 20 s from 40 s.</summary>
    private string MarkerPpd()
    {
        string path = Path.Combine(_folder, "markers.ppd");
        byte[] header = Encoding.UTF8.GetBytes("""{"subject_ID":"m1","date_time":"2026-11-29T10:00:00","mode":"2 colour time div.","sampling_rate":130,"volts_per_division":[0.0001,0.0001],"LED_current":[10,10],"version":0.3}""");
        var random = new Random(3);
        using var file = File.Create(path);
        file.Write(BitConverter.GetBytes((ushort)header.Length));
        file.Write(header);
        for (int i = 0; i < 5 * 60 * Rate; i++)
        {
            double seconds = (double)i / Rate;
            bool marker = seconds >= 40 && (seconds - 40) % 20 < 0.06;
            int signal = 8000 + random.Next(-40, 40);
            int control = 7000 + random.Next(-40, 40);
            file.Write(BitConverter.GetBytes((ushort)((signal << 1) | (marker ? 1 : 0))));
            file.Write(BitConverter.GetBytes((ushort)(control << 1)));
        }

        return path;
    }

    [Fact]
    public async Task Markers_shorter_than_an_encounter_are_explained_not_silently_dropped()
    {
        var (code, output, _) = await CommandLine.Invoke("replay", MarkerPpd());

        Assert.Equal(0, code);
        Assert.Contains("0 encounters:", output, StringComparison.Ordinal);
        Assert.Contains("13 rising TTL edges, 0 became encounters. 13 lasted less than encounter.min_duration_ms (500 ms); the pulses last 62 to 62 ms.", output.Replace("\n", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("--events-from ttl-onsets", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ppd_replay_says_what_its_header_holds_and_which_input_is_which()
    {
        var (code, _, error) = await CommandLine.Invoke("replay", MarkerPpd());

        Assert.Equal(0, code);
        Assert.Contains("pyPhotometry markers.ppd: subject 'm1', mode '2 colour time div.', LED currents 10 and 10 mA, 130 Hz in its header; "
            + "analog 1 as the signal, analog 2 as the control; digital input 1 marks encounters (high during contact)", error, StringComparison.Ordinal);
        Assert.Contains("rate: 130 cycles a second, from the .ppd header", error, StringComparison.Ordinal);
        Assert.DoesNotContain("lowpass", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_slow_csv_says_its_rate_warns_that_the_low_pass_does_nothing_and_that_it_marks_no_encounters()
    {
        // A public two-channel 410/470 nm CSV sampled at 10 Hz: the default 10 Hz low-pass is above its Nyquist rate.
        string path = Path.Combine(_folder, "slow.csv");
        var text = new StringBuilder("Time (sec),filt465,filt405\n");
        for (int i = 0; i < 3 * 60 * 10; i++)
        {
            text.Append(string.Create(CultureInfo.InvariantCulture, $"{i / 10.0:F3},{2.0 + (0.001 * (i % 7)):F5},{1.5 + (0.001 * (i % 5)):F5}\n"));
        }

        File.WriteAllText(path, text.ToString());

        var (code, output, error) = await CommandLine.Invoke("replay", path, "--time-column", "Time (sec)", "--signal-column", "filt465", "--control-column", "filt405");
        var filtered = await CommandLine.Invoke("replay", path, "--time-column", "Time (sec)", "--signal-column", "filt465", "--control-column", "filt405", "--set", "acquisition.lowpass_hz=2");

        Assert.True(code == 0, error);
        Assert.Contains("rate: 10 cycles a second, from the time column 'Time (sec)' (median interval)", error, StringComparison.Ordinal);
        Assert.Contains("channels: 'filt465' as the signal and 'filt405' as the control, paired by row as if taken together: the file has one time column, so if its LEDs alternated, each pair was up to one interval (100 ms) apart", error, StringComparison.Ordinal);
        Assert.Contains("warning: acquisition.lowpass_hz 10 Hz is at or above half the rate (5 Hz): the low-pass does nothing at this rate; set it below 5 Hz", error, StringComparison.Ordinal);
        Assert.Contains("encounters: none marked in this recording, so '0 encounters' below means none were given, not none found", error, StringComparison.Ordinal);
        Assert.Contains("0 encounters", output, StringComparison.Ordinal);
        Assert.DoesNotContain("lowpass", filtered.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Guppy_channels_with_their_own_times_say_how_far_apart_each_pair_was_taken()
    {
        // Interleaved excitation exported as two GuPPy channels: each control sample 4 ms after its signal sample.
        string signal = Path.Combine(_folder, "lag_signal.csv");
        string control = Path.Combine(_folder, "lag_control.csv");
        var signalText = new StringBuilder(GuppyHeader);
        var controlText = new StringBuilder(GuppyHeader);
        for (int i = 0; i < 60 * 20; i++)
        {
            string rate = i == 0 ? "20" : string.Empty;
            signalText.Append(string.Create(CultureInfo.InvariantCulture, $"{i / 20.0:F4},{2.0 + (0.001 * (i % 7)):F5},{rate}\n"));
            controlText.Append(string.Create(CultureInfo.InvariantCulture, $"{(i / 20.0) + 0.004:F4},{1.5 + (0.001 * (i % 5)):F5},{rate}\n"));
        }

        File.WriteAllText(signal, signalText.ToString());
        File.WriteAllText(control, controlText.ToString());

        var (code, _, error) = await CommandLine.Invoke("replay", signal, "--control", control);

        Assert.True(code == 0, error);
        Assert.Contains("channels: each control sample was taken 4 ms after its signal sample (median); a pair is processed as one cycle, as a rig does", error, StringComparison.Ordinal);
    }

    private const string GuppyHeader = "timestamps,data,sampling_rate\n";

    [Fact]
    public async Task Each_marker_can_be_taken_as_an_encounter_onset()
    {
        var (code, output, error) = await CommandLine.Invoke("replay", MarkerPpd(), "--events-from", "ttl-onsets", "--event-ms", "2000");

        Assert.True(code == 0, error);
        Assert.Contains("13 encounters:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("rising TTL edges", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_csv_with_named_columns_replays_without_conversion_and_its_rate_comes_from_its_times()
    {
        string path = Path.Combine(_folder, "session.csv");
        var text = new StringBuilder("Time (sec),filt465,filt405,TTL\n");
        var random = new Random(5);
        for (int i = 0; i < 4 * 60 * Rate; i++)
        {
            double seconds = (double)i / Rate;
            int ttl = seconds >= 60 && (seconds - 60) % 30 < 1 ? 1 : 0;
            text.Append(string.Create(CultureInfo.InvariantCulture, $"{seconds:F6},{2.0 + random.NextDouble() * 0.01:F5},{1.5 + random.NextDouble() * 0.01:F5},{ttl}\n"));
        }

        File.WriteAllText(path, text.ToString());

        var (code, output, error) = await CommandLine.Invoke("replay", path, "--time-column", "Time (sec)", "--signal-column", "filt465",
            "--control-column", "filt405", "--event-column", "TTL", "--event-ms", "3000");

        Assert.True(code == 0, error);
        Assert.Contains("session.csv", output, StringComparison.Ordinal);
        Assert.Contains("6 encounters:", output, StringComparison.Ordinal);
        var wrong = await CommandLine.Invoke("replay", path, "--time-column", "Time (s)", "--signal-column", "filt465", "--control-column", "filt405");
        Assert.Equal(1, wrong.Code);
        Assert.Contains("has no column 'Time (s)' (--time-column); its columns are 'Time (sec)', 'filt465', 'filt405', 'TTL'", wrong.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_option_the_input_does_not_read_is_refused_by_name_not_ignored()
    {
        string path = Path.Combine(_folder, "columns.csv");
        File.WriteAllText(path, "Time (sec),filt465,filt405\n0,2,1.5\n0.1,2,1.5\n");
        string[] columns = ["--time-column", "Time (sec)", "--signal-column", "filt465", "--control-column", "filt405"];

        // A column CSV takes its control from a column; a .ppd its encounters from its inputs.
        var control = await CommandLine.Invoke(["replay", path, .. columns, "--control", path]);
        var events = await CommandLine.Invoke(["replay", MarkerPpd(), "--events", path, "--events-column", "filt465"]);
        // A .ppd has its own control and inputs; a log its own session.
        var ppd = await CommandLine.Invoke("replay", MarkerPpd(), "--control", path, "--signal-column", "x");
        // --csv writes one replay's table, which a sweep does not print.
        var csvSweep = await CommandLine.Invoke("replay", MarkerPpd(), "--sweep", "detector.deficit_threshold=-1:0:0.5", "--csv", Path.Combine(_folder, "t.csv"));

        Assert.All(new[] { control, events, ppd, csvSweep }, r => Assert.Equal(ExitCodes.Usage, r.Code));
        Assert.Contains("--control: not read for a column CSV (columns.csv); a column CSV reads --time-column", control.Error, StringComparison.Ordinal);
        Assert.Contains("--events, --events-column: not read for a .ppd recording", events.Error, StringComparison.Ordinal);
        Assert.Contains("--control, --signal-column: not read for a .ppd recording", ppd.Error, StringComparison.Ordinal);
        Assert.Contains("--csv writes one replay's per-encounter table, which a --sweep does not print", csvSweep.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "t.csv")));
    }

    [Fact]
    public async Task Encounters_come_from_any_column_of_event_times_in_any_csv()
    {
        // A behaviour program's event file: one column per kind of event, each as long as its own list.
        string recording = Path.Combine(_folder, "photometry.csv");
        var text = new StringBuilder("Time (sec),filt465,filt405\n");
        var random = new Random(7);
        for (int i = 0; i < 4 * 60 * Rate; i++)
        {
            text.Append(string.Create(CultureInfo.InvariantCulture, $"{(double)i / Rate:F6},{2.0 + random.NextDouble() * 0.01:F5},{1.5 + random.NextDouble() * 0.01:F5}\n"));
        }

        File.WriteAllText(recording, text.ToString());
        string events = Path.Combine(_folder, "behaviour.csv");
        File.WriteAllText(events, "Beer,Nosepoke,MagEntry\n61.5,60,62\n,90,63.5\n,120\n,150\n,180\n");
        string[] columns = ["--time-column", "Time (sec)", "--signal-column", "filt465", "--control-column", "filt405"];

        var nosepokes = await CommandLine.Invoke(["replay", recording, .. columns, "--events", events, "--events-column", "Nosepoke", "--event-ms", "3000"]);
        var beer = await CommandLine.Invoke(["replay", recording, .. columns, "--events", events, "--events-column", "Beer", "--event-ms", "3000"]);

        Assert.True(nosepokes.Code == 0, nosepokes.Error);
        Assert.Contains("5 encounters:", nosepokes.Output, StringComparison.Ordinal);
        Assert.True(beer.Code == 0, beer.Error);
        Assert.Contains("1 encounters:", beer.Output, StringComparison.Ordinal);

        // Two entries 1.5 s apart with 3 s encounters overlap: one TTL pulse, said so (not "pulses of 1.5 ms").
        var entries = await CommandLine.Invoke(["replay", recording, .. columns, "--events", events, "--events-column", "MagEntry", "--event-ms", "3000"]);
        Assert.True(entries.Code == 0, entries.Error);
        Assert.Contains("2 onsets, 1 became encounters: 1 came while an earlier onset's encounter (--event-ms) still ran and lengthened it instead.", entries.Output, StringComparison.Ordinal);

        // Told what is wrong, by name: a missing column, a gap in one, an event file without its column, two sources.
        File.WriteAllText(Path.Combine(_folder, "gap.csv"), "Nosepoke\n60\n\n90\n");
        var missing = await CommandLine.Invoke(["replay", recording, .. columns, "--events", events, "--events-column", "Lever"]);
        var gap = await CommandLine.Invoke(["replay", recording, .. columns, "--events", Path.Combine(_folder, "gap.csv"), "--events-column", "Nosepoke"]);
        var noColumn = await CommandLine.Invoke(["replay", recording, .. columns, "--events", events]);
        var both = await CommandLine.Invoke(["replay", recording, .. columns, "--event-column", "filt465", "--events", events, "--events-column", "Beer"]);
        var columnAlone = await CommandLine.Invoke(["replay", recording, .. columns, "--events-column", "Beer"]);

        Assert.Contains("has no column 'Lever' (--events-column); its columns are 'Beer', 'Nosepoke', 'MagEntry'", missing.Error, StringComparison.Ordinal);
        Assert.Contains("line 4: 'Nosepoke' has a time after its empty cell on line 3", gap.Error, StringComparison.Ordinal);
        Assert.Contains("--events with a column CSV needs --events-column NAME", noColumn.Error, StringComparison.Ordinal);
        Assert.Contains("--event-column and --events both give the encounters: choose one", both.Error, StringComparison.Ordinal);
        Assert.Contains("--events-column names a column of the --events file", columnAlone.Error, StringComparison.Ordinal);
        Assert.All(new[] { missing, gap, noColumn, both, columnAlone }, r => Assert.NotEqual(0, r.Code));
    }

    [Fact]
    public async Task A_fault_is_named_with_its_time_and_the_refusals_it_causes_are_not_called_limits()
    {
        // Flat light with encounters every 30 s from 60 s (deficits: nothing responds), and at 150 s the signal
        // drops to 60 % at once, as a loose patch cord does: a light step, which disarms the rig.
        string path = Path.Combine(_folder, "step.csv");
        var text = new StringBuilder("Time (sec),filt465,filt405,TTL\n");
        var random = new Random(11);
        for (int i = 0; i < 5 * 60 * Rate; i++)
        {
            double seconds = (double)i / Rate;
            double signal = (seconds < 150 ? 2.0 : 1.2) + random.NextDouble() * 0.01;
            int ttl = seconds >= 60 && (seconds - 60) % 30 < 1 ? 1 : 0;
            text.Append(string.Create(CultureInfo.InvariantCulture, $"{seconds:F6},{signal:F5},{1.5 + random.NextDouble() * 0.01:F5},{ttl}\n"));
        }

        File.WriteAllText(path, text.ToString());

        var (code, output, error) = await CommandLine.Invoke("replay", path, "--time-column", "Time (sec)", "--signal-column", "filt465",
            "--control-column", "filt405", "--event-column", "TTL", "--event-ms", "3000");

        Assert.True(code == 0, error);
        string said = System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " ");
        Assert.Matches(@"1 fault, each disarming the rig until someone re-arms it \(a replay does not\): 150\.[01]\d s signal_lost \(light step: ", said);
        Assert.Matches(@"refused because the rig could not drive: \d+ not_armed", said);
        Assert.DoesNotMatch(@"refused by the limits: [^.]*not_armed", said);
    }

    [Fact]
    public async Task A_recording_whose_LEDs_come_on_after_it_starts_says_why_it_stays_disarmed_and_what_to_set()
    {
        // As RegressionSim's real recording: about 32 s of dark noise before the LEDs come on, encounters from 60 s.
        string path = Path.Combine(_folder, "late-leds.csv");
        var text = new StringBuilder("Time (sec),filt465,filt405,TTL\n");
        var random = new Random(3);
        for (int i = 0; i < 4 * 60 * Rate; i++)
        {
            double seconds = (double)i / Rate;
            bool lit = seconds >= 32;
            double signal = lit ? 110 + random.NextDouble() : random.NextDouble() * 1.5;
            double control = lit ? 45 + random.NextDouble() : random.NextDouble() * 0.3;
            int ttl = seconds >= 60 && (seconds - 60) % 30 < 1 ? 1 : 0;
            text.Append(string.Create(CultureInfo.InvariantCulture, $"{seconds:F6},{signal:F5},{control:F5},{ttl}\n"));
        }

        File.WriteAllText(path, text.ToString());
        string[] arguments = ["replay", path, "--time-column", "Time (sec)", "--signal-column", "filt465", "--control-column", "filt405", "--event-column", "TTL", "--event-ms", "3000"];

        var asIs = await CommandLine.Invoke(arguments);
        var warmedPast = await CommandLine.Invoke([.. arguments, "--set", "processing.warmup_s=60"]);

        Assert.True(asIs.Code == 0, asIs.Error);
        // The terminal wraps long lines: read the words, not the line breaks.
        string said = System.Text.RegularExpressions.Regex.Replace(asIs.Output, @"\s+", " ");
        Assert.Matches(@"0 trains would have started; refused because the rig could not drive: \d+ not_armed\.", said);
        Assert.Matches(@"1 fault, each disarming the rig until someone re-arms it \(a replay does not\): 3[0-2]\.\d\d s signal_lost", said);
        Assert.Contains("The first came before any encounter: if the recording's LEDs came on after it began, replay with --set processing.warmup_s past that moment.", said, StringComparison.Ordinal);
        Assert.True(warmedPast.Code == 0, warmedPast.Error);
        Assert.Matches(@"[1-9]\d* trains would have started; no request was refused\.", warmedPast.Output);
        Assert.DoesNotContain("fault", warmedPast.Output, StringComparison.Ordinal);
    }
}
