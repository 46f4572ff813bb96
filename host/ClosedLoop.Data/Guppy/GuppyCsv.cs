using System.Globalization;

namespace ClosedLoop.Data.Guppy;

/// <summary>
/// GuPPy's CSV inputs: a channel file with the columns <c>timestamps,data,sampling_rate</c> (seconds, value, Hz)
/// and an event file with <c>timestamps</c>. Anything else (a wrong header or column count, a cell that is not a
/// number, time going backwards, channels that do not line up) is refused naming the file, the line and the problem.
/// </summary>
public static class GuppyCsv
{
    public const string ChannelHeader = "timestamps,data,sampling_rate";
    public const string EventHeader = "timestamps";

    public static (double[] Seconds, double[] Data, double Rate) ReadChannel(string path)
    {
        var lines = ReadLines(path, ChannelHeader);
        var seconds = new double[lines.Count];
        var data = new double[lines.Count];
        double rate = double.NaN;
        for (int i = 0; i < lines.Count; i++)
        {
            var (number, text) = lines[i];
            string[] cells = text.Split(',');
            if (cells.Length != 3)
            {
                throw new RecordingFormatException(path, $"line {number} has {cells.Length} columns; expected 3 ({ChannelHeader})");
            }

            seconds[i] = Number(path, number, "timestamps", cells[0]);
            data[i] = Number(path, number, "data", cells[1]);
            if (cells[2].Trim().Length > 0)
            {
                double r = Number(path, number, "sampling_rate", cells[2]);
                if (double.IsNaN(rate))
                {
                    rate = r;
                }
            }

            if (i > 0 && seconds[i] < seconds[i - 1])
            {
                throw new RecordingFormatException(path, $"line {number}: timestamps go backwards ({seconds[i].ToString(CultureInfo.InvariantCulture)} after {seconds[i - 1].ToString(CultureInfo.InvariantCulture)})");
            }
        }

        if (!(rate > 0))
        {
            throw new RecordingFormatException(path, "gives no positive sampling_rate");
        }

        return (seconds, data, rate);
    }

    public static double[] ReadEvents(string path)
    {
        var lines = ReadLines(path, EventHeader);
        var seconds = new double[lines.Count];
        for (int i = 0; i < lines.Count; i++)
        {
            var (number, text) = lines[i];
            if (text.Contains(',', StringComparison.Ordinal))
            {
                throw new RecordingFormatException(path, $"line {number} has {text.Split(',').Length} columns; expected 1 ({EventHeader})");
            }

            seconds[i] = Number(path, number, "timestamps", text);
            if (i > 0 && seconds[i] < seconds[i - 1])
            {
                throw new RecordingFormatException(path, $"line {number}: timestamps go backwards");
            }
        }

        return seconds;
    }

    /// <summary>
    /// A recording from a signal and a control channel file, with encounter onsets from an event file, each held
    /// as a TTL pulse of <paramref name="encounterUs"/>.
    /// </summary>
    public static Recording Read(string signalPath, string controlPath, string? eventsPath, long encounterUs)
    {
        var signal = ReadChannel(signalPath);
        var control = ReadChannel(controlPath);
        if (signal.Seconds.Length != control.Seconds.Length)
        {
            throw new RecordingFormatException(controlPath, $"has {control.Seconds.Length} samples but {Path.GetFileName(signalPath)} has {signal.Seconds.Length}");
        }

        for (int i = 0; i < signal.Seconds.Length; i++)
        {
            if (Math.Abs(signal.Seconds[i] - control.Seconds[i]) > 0.5 / signal.Rate)
            {
                throw new RecordingFormatException(controlPath, $"line {i + 2}: time {control.Seconds[i].ToString(CultureInfo.InvariantCulture)} does not match {Path.GetFileName(signalPath)} ({signal.Seconds[i].ToString(CultureInfo.InvariantCulture)})");
            }
        }

        var recording = new Recording
        {
            Name = Path.GetFileName(signalPath),
            SamplingRate = signal.Rate,
            TimeUs = [.. signal.Seconds.Select(s => (long)Math.Round(s * 1e6))],
            Signal = signal.Data,
            Control = control.Data,
            ControlLagUs = (long)Math.Round(1e6 * control.Seconds.Zip(signal.Seconds, (c, s) => c - s).Order().ElementAt(signal.Seconds.Length / 2)),
            EncounterEdges = [],
        };
        return eventsPath is null ? recording : recording.WithOnsets(ReadEvents(eventsPath).Select(onset => (long)Math.Round(onset * 1e6)), encounterUs);
    }

    private static List<(int Number, string Text)> ReadLines(string path, string header)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (IOException e)
        {
            throw new RecordingFormatException(path, $"cannot be read: {e.Message}");
        }

        if (lines.Length == 0 || lines[0].Trim() != header)
        {
            throw new RecordingFormatException(path, $"line 1 is '{(lines.Length == 0 ? string.Empty : lines[0])}'; expected the header '{header}'");
        }

        return [.. lines.Select((text, i) => (i + 1, text.Trim())).Skip(1).Where(l => l.Item2.Length > 0)];
    }

    private static double Number(string path, int line, string column, string cell)
    {
        if (!double.TryParse(cell.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            throw new RecordingFormatException(path, $"line {line}: {column} '{cell}' is not a number");
        }

        return value;
    }
}
