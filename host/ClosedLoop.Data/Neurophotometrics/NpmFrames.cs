using System.Globalization;
using Parquet.Serialization;

namespace ClosedLoop.Data.Neurophotometrics;

/// <summary>
/// A Neurophotometrics recording frame by frame, as the FP3001/FP3002 writes it: each frame one excitation LED's
/// image, so the wavelengths come in turn, with the LED (and input lines) in a per-frame code and one column per
/// fibre (region). Two forms are read: the CSV that Bonsai writes (FrameCounter, SystemTimestamp, LedState,
/// ComputerTimestamp, G0 ... G4) and the Parquet table of the older format (FrameCounter, Timestamp, Flags,
/// Region0R, Region1G ...). Times are seconds on the photometry system's clock (SystemTimestamp, Timestamp).
/// </summary>
public sealed class NpmFrames
{
    /// <summary>The code's low three bits: which LED lit the frame (1: 415 nm, 2: 470 nm, 4: 560 nm).</summary>
    public const int LedBits = 7;

    /// <summary>Input line 0 and 1 high, as the code's bits carry them.</summary>
    public const int Input0Bit = 512;
    public const int Input1Bit = 256;

    private NpmFrames(string path, double[] seconds, int[] codes, Dictionary<string, double[]> fibres)
    {
        Path = path;
        Seconds = seconds;
        Codes = codes;
        Fibres = fibres;
    }

    public string Path { get; }

    /// <summary>Each frame's time (s).</summary>
    public double[] Seconds { get; }

    /// <summary>Each frame's LedState or Flags: the LED in the low bits, conditions and input lines above.</summary>
    public int[] Codes { get; }

    /// <summary>Each fibre's column (region), by its name in the file.</summary>
    public IReadOnlyDictionary<string, double[]> Fibres { get; }

    /// <summary>Whether a CSV's header is the FP3002's (a LedState or Flags column beside FrameCounter).</summary>
    public static bool IsNpmCsv(string path)
    {
        string? header = File.ReadLines(path).FirstOrDefault();
        if (header is null)
        {
            return false;
        }

        var names = header.Split(',').Select(c => c.Trim().Trim('"')).ToList();
        return names.Contains("FrameCounter") && (names.Contains("LedState") || names.Contains("Flags"));
    }

    public static NpmFrames Read(string path) =>
        System.IO.Path.GetExtension(path).ToLowerInvariant() is ".pqt" or ".parquet" ? ReadParquet(path) : ReadCsv(path);

    private static NpmFrames ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        string[] header = [.. lines[0].Split(',').Select(c => c.Trim().Trim('"'))];
        int time = Required(path, header, "SystemTimestamp", "Timestamp");
        int code = Required(path, header, "LedState", "Flags");
        var fibreColumns = FibreColumns(header);
        var seconds = new List<double>();
        var codes = new List<int>();
        var fibres = fibreColumns.ToDictionary(c => header[c], _ => new List<double>());
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0)
            {
                continue;
            }

            string[] cells = lines[i].Split(',');
            if (cells.Length != header.Length)
            {
                throw new RecordingFormatException(path, $"line {i + 1} has {cells.Length} columns; the header has {header.Length}");
            }

            seconds.Add(Number(path, i + 1, header[time], cells[time]));
            codes.Add((int)Number(path, i + 1, header[code], cells[code]));
            foreach (int c in fibreColumns)
            {
                fibres[header[c]].Add(Number(path, i + 1, header[c], cells[c]));
            }
        }

        return Checked(new NpmFrames(path, [.. seconds], [.. codes], fibres.ToDictionary(f => f.Key, f => f.Value.ToArray())));
    }

    /// <summary>A Parquet table's rows, each column by its name (Parquet.Net's untyped reading).</summary>
    internal static IList<Dictionary<string, object>> ParquetRows(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return ParquetSerializer.DeserializeUntypedAsync(stream).GetAwaiter().GetResult().Data;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or InvalidOperationException)
        {
            throw new RecordingFormatException(path, $"is not a Parquet table that can be read: {e.Message}");
        }
    }

    private static NpmFrames ReadParquet(string path)
    {
        var rows = ParquetRows(path);
        if (rows.Count == 0)
        {
            throw new RecordingFormatException(path, "holds no frames");
        }

        string[] header = [.. rows[0].Keys];
        string timeName = header[Required(path, header, "Timestamp", "SystemTimestamp")];
        string codeName = header[Required(path, header, "Flags", "LedState")];
        var fibreNames = FibreColumns(header).Select(c => header[c]).ToList();
        return Checked(new NpmFrames(
            path,
            [.. rows.Select(r => Convert.ToDouble(r[timeName], CultureInfo.InvariantCulture))],
            [.. rows.Select(r => Convert.ToInt32(r[codeName], CultureInfo.InvariantCulture))],
            fibreNames.ToDictionary(n => n, n => rows.Select(r => Convert.ToDouble(r[n], CultureInfo.InvariantCulture)).ToArray())));
    }

    /// <summary>The fibre columns: every column but the frame counter, the times and the code (G0 ... G4, Region0R ...).</summary>
    private static List<int> FibreColumns(string[] header) =>
        [.. Enumerable.Range(0, header.Length).Where(i => header[i] is not ("FrameCounter" or "SystemTimestamp" or "Timestamp" or "ComputerTimestamp" or "LedState" or "Flags") && header[i].Length > 0)];

    private static int Required(string path, string[] header, string name, string alternative) =>
        Array.IndexOf(header, name) is int i and >= 0 ? i
        : Array.IndexOf(header, alternative) is int j and >= 0 ? j
        : throw new RecordingFormatException(path, $"has no '{name}' or '{alternative}' column: not a Neurophotometrics recording (its columns are {string.Join(", ", header)})");

    private static double Number(string path, int line, string column, string cell) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value
        : throw new RecordingFormatException(path, $"line {line}, column '{column}': '{cell}' is not a number");

    private static NpmFrames Checked(NpmFrames frames)
    {
        if (frames.Seconds.Length < 4)
        {
            throw new RecordingFormatException(frames.Path, $"holds {frames.Seconds.Length} frames; a replay needs at least two of each LED");
        }

        for (int i = 1; i < frames.Seconds.Length; i++)
        {
            if (frames.Seconds[i] <= frames.Seconds[i - 1])
            {
                throw new RecordingFormatException(frames.Path, $"frame {i}: the time does not increase ({frames.Seconds[i].ToString(CultureInfo.InvariantCulture)} s after {frames.Seconds[i - 1].ToString(CultureInfo.InvariantCulture)} s)");
            }
        }

        if (frames.Fibres.Count == 0)
        {
            throw new RecordingFormatException(frames.Path, "has no fibre column (G0, Region0G ...)");
        }

        return frames;
    }
}
