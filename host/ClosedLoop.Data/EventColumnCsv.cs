using System.Globalization;

namespace ClosedLoop.Data;

/// <summary>
/// Event times from one column of any CSV with a header row, as behaviour programs and simulators write them: one
/// column per kind of event, each as long as its own list (e.g. <c>Beer,Nosepoke,MagEntry</c>), so a row may stop
/// short or leave cells empty once a shorter column has ended. A column's times run from the first row down to its
/// first empty cell, in seconds and never backwards; a time after that empty cell is a gap, refused rather than
/// guessed at. Errors name the file, the line and the column.
/// </summary>
public static class EventColumnCsv
{
    public static double[] Read(string path, string column)
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

        if (lines.Length == 0)
        {
            throw new RecordingFormatException(path, "is empty; expected a header row naming its columns");
        }

        string[] header = [.. lines[0].Split(',').Select(Unquote)];
        int index = Array.IndexOf(header, column);
        if (index < 0)
        {
            throw new RecordingFormatException(path, $"has no column '{column}' (--events-column); its columns are {string.Join(", ", header.Select(h => $"'{h}'"))}");
        }

        var times = new List<double>();
        int? endedAt = null;
        for (int i = 1; i < lines.Length; i++)
        {
            int number = i + 1;
            string[] cells = lines[i].Split(',');
            if (cells.Length > header.Length)
            {
                throw new RecordingFormatException(path, $"line {number} has {cells.Length} cells; the header names {header.Length} columns");
            }

            string text = index < cells.Length ? Unquote(cells[index]) : string.Empty;
            if (text.Length == 0)
            {
                endedAt ??= number;
                continue;
            }

            if (endedAt is int empty)
            {
                throw new RecordingFormatException(path, $"line {number}: '{column}' has a time after its empty cell on line {empty}; a column of event times must not have gaps");
            }

            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || !double.IsFinite(seconds))
            {
                throw new RecordingFormatException(path, $"line {number}: '{column}' is '{text}', not a time in seconds");
            }

            if (times.Count > 0 && seconds < times[^1])
            {
                throw new RecordingFormatException(path, $"line {number}: '{column}' goes backwards ({text} after {times[^1].ToString(CultureInfo.InvariantCulture)})");
            }

            times.Add(seconds);
        }

        if (times.Count == 0)
        {
            throw new RecordingFormatException(path, $"column '{column}' holds no times");
        }

        return [.. times];
    }

    private static string Unquote(string cell) => cell.Trim().Trim('"').Trim();
}
