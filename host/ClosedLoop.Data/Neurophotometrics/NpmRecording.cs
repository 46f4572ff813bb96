using System.Globalization;

namespace ClosedLoop.Data.Neurophotometrics;

/// <summary>
/// A Neurophotometrics recording as cycles the engine takes: one fibre's frames, each signal-LED frame paired with
/// the control-LED frame beside it (the FP3002 lights one LED a frame, in turn), at the first frame's time. Frames
/// of another LED (the all-LED first frame, a third wavelength) and any left without a partner are counted and
/// left out. Encounters come from an input line's bits in the frame codes, from the digital-input table written
/// beside the frames, or from an event file.
/// </summary>
public static class NpmRecording
{
    private static readonly int[] LedCodes = [1, 2, 4];

    /// <summary>The recording of one fibre, and a sentence saying what was paired and what was left out.</summary>
    public static (Recording Recording, string Summary) Pair(NpmFrames frames, string? fibre, int signalLed, int controlLed)
    {
        string chosen = ChooseFibre(frames, fibre);
        foreach (var (led, option) in new[] { (signalLed, "--signal-led"), (controlLed, "--control-led") })
        {
            if (!LedCodes.Contains(led))
            {
                throw new RecordingFormatException(frames.Path, $"{option} {led}: expected an LED code, 1 (415 nm), 2 (470 nm) or 4 (560 nm)");
            }
        }

        if (signalLed == controlLed)
        {
            throw new RecordingFormatException(frames.Path, $"--signal-led and --control-led are both {signalLed}: the signal and the control are two LEDs");
        }

        var leds = frames.Codes.Select(c => c & NpmFrames.LedBits).ToArray();
        foreach (int led in new[] { signalLed, controlLed })
        {
            if (!leds.Contains(led))
            {
                string present = string.Join(", ", leds.GroupBy(l => l).OrderBy(g => g.Key).Select(g => $"{g.Key} ({g.Count()} frames)"));
                throw new RecordingFormatException(frames.Path, $"has no frame lit by LED code {led}; its LED codes are {present}");
            }
        }

        double[] values = frames.Fibres[chosen];
        var times = new List<long>();
        var signal = new List<double>();
        var control = new List<double>();
        var lags = new List<double>();
        int left = 0;
        int i = 0;
        while (i < leds.Length)
        {
            if (i + 1 < leds.Length && ((leds[i] == signalLed && leds[i + 1] == controlLed) || (leds[i] == controlLed && leds[i + 1] == signalLed)))
            {
                int s = leds[i] == signalLed ? i : i + 1;
                times.Add((long)Math.Round(frames.Seconds[i] * 1e6));
                signal.Add(values[s]);
                control.Add(values[s == i ? i + 1 : i]);
                lags.Add(s == i ? frames.Seconds[i + 1] - frames.Seconds[i] : frames.Seconds[i] - frames.Seconds[i + 1]);
                i += 2;
            }
            else
            {
                left++;
                i++;
            }
        }

        if (times.Count < 2)
        {
            throw new RecordingFormatException(frames.Path, $"has fewer than two frames of LED {signalLed} next to one of LED {controlLed}: nothing to pair");
        }

        double frameRate = 1 / Median(frames.Seconds);
        double cycleRate = 1e6 / Median([.. times.Select(t => (double)t)]);
        var recording = new Recording
        {
            Name = $"{System.IO.Path.GetFileName(frames.Path)} {chosen}",
            SamplingRate = Math.Round(cycleRate, 3),
            TimeUs = [.. times],
            Signal = [.. signal],
            Control = [.. control],
            ControlLagUs = (long)Math.Round(1e6 * lags.Order().ElementAt(lags.Count / 2)),
            EncounterEdges = [],
        };
        string summary = string.Create(CultureInfo.InvariantCulture,
            $"{chosen}: {times.Count} cycles of LED {signalLed} (signal) and LED {controlLed} (control), paired from {frames.Seconds.Length} frames at {frameRate:F1} Hz ({cycleRate:F1} cycles a second); {left} frame(s) of another LED or without a partner left out");
        return (recording, summary);
    }

    /// <summary>Encounter edges from an input line's bit in the frame codes (line 0: +512, line 1: +256), at the frames' times.</summary>
    public static IReadOnlyList<(long TimeUs, bool Level)> InputLineEdges(NpmFrames frames, int line)
    {
        int bit = line switch
        {
            0 => NpmFrames.Input0Bit,
            1 => NpmFrames.Input1Bit,
            _ => throw new RecordingFormatException(frames.Path, $"--npm-input {line}: expected input line 0 or 1"),
        };
        var edges = new List<(long, bool)>();
        bool level = false;
        for (int i = 0; i < frames.Codes.Length; i++)
        {
            bool high = (frames.Codes[i] & bit) != 0;
            if (high != level)
            {
                edges.Add(((long)Math.Round(frames.Seconds[i] * 1e6), high));
                level = high;
            }
        }

        return edges;
    }

    /// <summary>
    /// The digital-input table written beside the frames (Timestamp in seconds on the frames' clock, Value true on a
    /// rising edge), as edges in time order.
    /// </summary>
    public static IReadOnlyList<(long TimeUs, bool Level)> DigitalInputEdges(string path)
    {
        var rows = NpmFrames.ParquetRows(path);
        if (rows.Count == 0 || !rows[0].ContainsKey("Timestamp") || !rows[0].ContainsKey("Value"))
        {
            throw new RecordingFormatException(path, $"is not a digital-input table (Timestamp, Value){(rows.Count == 0 ? ": it is empty" : $"; its columns are {string.Join(", ", rows[0].Keys)}")}");
        }

        return [.. rows.Select(r => ((long)Math.Round(Convert.ToDouble(r["Timestamp"], CultureInfo.InvariantCulture) * 1e6), Convert.ToBoolean(r["Value"], CultureInfo.InvariantCulture)))
            .OrderBy(e => e.Item1)];
    }

    private static string ChooseFibre(NpmFrames frames, string? fibre)
    {
        var names = frames.Fibres.Keys.ToList();
        if (fibre is null)
        {
            return names.Count == 1 ? names[0]
                : throw new RecordingFormatException(frames.Path, $"holds {names.Count} fibres ({string.Join(", ", names)}): choose one with --fiber");
        }

        return names.Contains(fibre) ? fibre
            : throw new RecordingFormatException(frames.Path, $"--fiber {fibre}: no such column; its fibres are {string.Join(", ", names)}");
    }

    private static double Median(IReadOnlyList<double> times)
    {
        var intervals = times.Zip(times.Skip(1), (a, b) => b - a).Order().ToList();
        return intervals[intervals.Count / 2];
    }
}
