using System.Globalization;

namespace ClosedLoop.Data;

/// <summary>
/// One CSV with a header row and named columns, as many acquisition programs and analysis notebooks write them
/// (e.g. <c>Time (sec),filt465,filt405</c>): a time column in seconds, a signal and a control column, optionally
/// an event column whose rises from zero mark encounter onsets. The sampling rate is derived from the times.
/// Errors name the file, the line and the column.
/// </summary>
public static class ColumnCsv
{
    public static Recording Read(string path, string timeColumn, string signalColumn, string controlColumn, long encounterUs, string? eventColumn = null)
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

        if (lines.Length < 3)
        {
            throw new RecordingFormatException(path, "has no header row and at least two samples");
        }

        string[] header = lines[0].Split(',').Select(c => c.Trim().Trim('"')).ToArray();
        int Column(string name, string option) => Array.IndexOf(header, name) is int i and >= 0 ? i
            : throw new RecordingFormatException(path, $"has no column '{name}' ({option}); its columns are {string.Join(", ", header.Select(h => $"'{h}'"))}");
        int time = Column(timeColumn, "--time-column");
        int signal = Column(signalColumn, "--signal-column");
        int control = Column(controlColumn, "--control-column");
        int events = eventColumn is null ? -1 : Column(eventColumn, "--event-column");

        var rows = lines.Skip(1).Select((text, i) => (Number: i + 2, Cells: text.Split(','))).Where(r => r.Cells.Length > 1 || r.Cells[0].Trim().Length > 0).ToList();
        var seconds = new double[rows.Count];
        var signals = new double[rows.Count];
        var controls = new double[rows.Count];
        var onsets = new List<long>();
        double previousEvent = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            var (number, cells) = rows[i];
            if (cells.Length != header.Length)
            {
                throw new RecordingFormatException(path, $"line {number} has {cells.Length} columns; the header has {header.Length}");
            }

            seconds[i] = Cell(path, number, header[time], cells[time]);
            signals[i] = Cell(path, number, header[signal], cells[signal]);
            controls[i] = Cell(path, number, header[control], cells[control]);
            if (i > 0 && seconds[i] <= seconds[i - 1])
            {
                throw new RecordingFormatException(path, $"line {number}: '{header[time]}' does not increase ({seconds[i].ToString(CultureInfo.InvariantCulture)} after {seconds[i - 1].ToString(CultureInfo.InvariantCulture)})");
            }

            if (events >= 0)
            {
                double mark = Cell(path, number, header[events], cells[events]);
                if (mark != 0 && previousEvent == 0)
                {
                    onsets.Add((long)Math.Round(seconds[i] * 1e6));
                }

                previousEvent = mark;
            }
        }

        // The median interval, so that a dropped sample does not change the rate.
        var intervals = seconds.Zip(seconds.Skip(1), (a, b) => b - a).Order().ToList();
        double rate = 1 / intervals[intervals.Count / 2];
        var recording = new Recording
        {
            Name = Path.GetFileName(path),
            SamplingRate = Math.Round(rate, 3),
            TimeUs = [.. seconds.Select(s => (long)Math.Round(s * 1e6))],
            Signal = signals,
            Control = controls,
            EncounterEdges = [],
        };
        return events >= 0 ? recording.WithOnsets(onsets, encounterUs) : recording;
    }

    private static double Cell(string path, int line, string column, string cell)
    {
        string text = cell.Trim().Trim('"');
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            throw new RecordingFormatException(path, $"line {line}: '{column}' is '{text}', not a number");
        }

        return value;
    }
}
