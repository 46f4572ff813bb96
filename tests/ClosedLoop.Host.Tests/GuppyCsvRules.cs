namespace ClosedLoop.Host.Tests;

/// <summary>
/// How GuPPy classifies each CSV in the folder it is given, as facts read from its source
/// (LernerLab/GuPPy, src/guppy/extractors/detect_acquisition_formats.py): a file of one column named "timestamps"
/// (any case) is an event file; otherwise, when the first two rows hold no number at all it is a Doric export; three
/// columns named timestamps, data and sampling_rate (any order, any case) are a data file; any other layout of two
/// or more columns is Neurophotometrics (NPM) data, and one NPM file makes GuPPy read the whole folder as NPM.
/// </summary>
public static class GuppyCsvRules
{
    public enum Kind
    {
        Event,
        Data,
        Doric,
        Npm,
        Invalid,
    }

    public static Kind Classify(string path)
    {
        var lines = File.ReadLines(path).Take(2).ToList();
        string[] header = SplitCsv(lines[0]);
        if (header.Length == 1 && header[0].Trim().Equals("timestamps", StringComparison.OrdinalIgnoreCase))
        {
            return Kind.Event;
        }

        var firstTwo = lines.SelectMany(SplitCsv).Where(cell => cell.Length > 0).ToList();
        if (firstTwo.All(cell => !double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
        {
            return Kind.Doric;
        }

        if (header.Length == 3)
        {
            var names = header.Select(h => h.Trim().ToLowerInvariant()).Order().ToArray();
            return names.SequenceEqual(new[] { "data", "sampling_rate", "timestamps" }) ? Kind.Data : Kind.Invalid;
        }

        return header.Length >= 2 ? Kind.Npm : Kind.Invalid;
    }

    /// <summary>
    /// A data file's columns as GuPPy stores them (src/guppy/extractors/csv_recording_extractor.py, _save_to_hdf5):
    /// each column read whole and its empty or NaN cells dropped on its own (pandas' dropna per column), so one
    /// empty data cell leaves data one value shorter than timestamps and every later value beside another time.
    /// Returns what GuPPy would hold, or the problem with the file.
    /// </summary>
    public static (double[] Timestamps, double[] Data, string? Problem) ReadData(string path)
    {
        var lines = File.ReadAllLines(path);
        string[] header = [.. SplitCsv(lines[0]).Select(h => h.Trim().ToLowerInvariant())];
        int time = Array.IndexOf(header, "timestamps");
        int data = Array.IndexOf(header, "data");
        var times = new List<double>();
        var values = new List<double>();
        foreach (string line in lines.Skip(1))
        {
            string[] cells = SplitCsv(line);
            if (Number(cells[time]) is double t)
            {
                times.Add(t);
            }

            if (Number(cells[data]) is double v)
            {
                values.Add(v);
            }
        }

        string? problem = times.Count != values.Count
            ? $"{Path.GetFileName(path)}: {times.Count} timestamps but {values.Count} data values once GuPPy drops the empty and NaN cells of each column"
            : null;
        return ([.. times], [.. values], problem);
    }

    private static double? Number(string cell) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && !double.IsNaN(value) ? value : null;

    /// <summary>Cells of a CSV line, with quoted cells (which may hold commas) kept whole.</summary>
    private static string[] SplitCsv(string line)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        bool quoted = false;
        foreach (char c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString());
        return [.. cells];
    }
}
