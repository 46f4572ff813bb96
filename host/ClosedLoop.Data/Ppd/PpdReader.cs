using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace ClosedLoop.Data.Ppd;

/// <summary>
/// Reads pyPhotometry .ppd files (version 0.2 and later): a 2-byte little-endian header length, a UTF-8 JSON
/// header, then little-endian uint16 words with the channels interleaved; bits 15..1 of each word are the analog
/// value and bit 0 the digital input sampled with it. A file that is cut short, has a bad header or a length that
/// does not divide into whole samples is refused with a <see cref="RecordingFormatException"/> naming the problem.
/// </summary>
public static class PpdReader
{
    /// <summary>
    /// Reads a .ppd file; with <paramref name="acceptCutShort"/> a file whose last sample is incomplete (an
    /// acquisition that crashed) is read up to its last whole sample instead of refused, and
    /// <paramref name="droppedBytes"/> says how many bytes were left out.
    /// </summary>
    public static PpdRecording Read(string path, bool acceptCutShort, out int droppedBytes)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            throw new RecordingFormatException(path, $"cannot be read: {e.Message}");
        }

        droppedBytes = 0;
        if (acceptCutShort && bytes.Length >= 2)
        {
            int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes);
            if (2 + headerLength <= bytes.Length)
            {
                var header = ParseHeader(path, bytes.AsSpan(2, headerLength));
                int sampleBytes = 2 * (header.Mode.StartsWith("3 colour", StringComparison.Ordinal) ? 3 : 2);
                droppedBytes = (bytes.Length - 2 - headerLength) % sampleBytes;
            }
        }

        return Parse(path, bytes.AsSpan(0, bytes.Length - droppedBytes));
    }

    public static PpdRecording Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            throw new RecordingFormatException(path, $"cannot be read: {e.Message}");
        }

        return Parse(path, bytes);
    }

    public static PpdRecording Parse(string path, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 2)
        {
            throw new RecordingFormatException(path, $"is {bytes.Length} bytes long; a .ppd file starts with a 2-byte header length");
        }

        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes);
        if (2 + headerLength > bytes.Length)
        {
            throw new RecordingFormatException(path, $"is truncated: its header says {headerLength} bytes but only {bytes.Length - 2} follow");
        }

        var header = ParseHeader(path, bytes.Slice(2, headerLength));
        int channels = header.Mode.StartsWith("3 colour", StringComparison.Ordinal) ? 3 : 2;
        var data = bytes[(2 + headerLength)..];
        int wordsPerSample = channels;
        if (data.Length % (2 * wordsPerSample) != 0)
        {
            throw new RecordingFormatException(path, $"has {data.Length} data bytes, not a whole number of {wordsPerSample}-channel samples ({2 * wordsPerSample} bytes each): the file is cut short or not a .ppd");
        }

        int samples = data.Length / (2 * wordsPerSample);
        if (samples == 0)
        {
            throw new RecordingFormatException(path, "holds a header but no samples");
        }

        var analog = new int[channels][];
        var digital = new bool[channels][];
        for (int c = 0; c < channels; c++)
        {
            analog[c] = new int[samples];
            digital[c] = new bool[samples];
        }

        for (int i = 0; i < samples; i++)
        {
            for (int c = 0; c < channels; c++)
            {
                int word = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(2 * (i * channels + c)));
                analog[c][i] = word >> 1;
                digital[c][i] = (word & 1) != 0;
            }
        }

        return new PpdRecording
        {
            Path = path,
            SubjectId = header.SubjectId,
            Mode = header.Mode,
            SamplingRate = header.SamplingRate,
            VoltsPerDivision = header.VoltsPerDivision,
            LedCurrentsMa = header.LedCurrentsMa,
            Analog = analog,
            Digital = digital,
        };
    }

    private sealed record Header(string SubjectId, string Mode, double SamplingRate, double[] VoltsPerDivision, double[] LedCurrentsMa);

    private static Header ParseHeader(string path, ReadOnlySpan<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException e)
        {
            throw new RecordingFormatException(path, $"has a header that is not JSON ({e.Message}); is this a pyPhotometry .ppd file?");
        }
        catch (ArgumentException e)
        {
            throw new RecordingFormatException(path, $"has a header that is not UTF-8 text ({e.Message})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new RecordingFormatException(path, "has a header that is not a JSON object");
            }

            string mode = RequireString(path, root, "mode");
            if (!mode.Contains("colour", StringComparison.Ordinal))
            {
                throw new RecordingFormatException(path, $"has acquisition mode '{mode}'; expected one of pyPhotometry's colour modes");
            }

            if (!root.TryGetProperty("sampling_rate", out var rate) || rate.ValueKind != JsonValueKind.Number || rate.GetDouble() <= 0)
            {
                throw new RecordingFormatException(path, "has no positive 'sampling_rate' in its header");
            }

            double[] volts = root.TryGetProperty("volts_per_division", out var v) && v.ValueKind == JsonValueKind.Array
                ? [.. v.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Number ? x.GetDouble()
                    : throw new RecordingFormatException(path, $"has a 'volts_per_division' entry that is not a number: {x.GetRawText()}"))]
                : [];
            string subject = root.TryGetProperty("subject_ID", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : string.Empty;
            double[] currents = root.TryGetProperty("LED_current", out var c) && c.ValueKind == JsonValueKind.Array
                ? [.. c.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Number).Select(x => x.GetDouble())]
                : [];
            return new Header(subject, mode, rate.GetDouble(), volts, currents);
        }
    }

    private static string RequireString(string path, JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            throw new RecordingFormatException(path, $"has no text field '{name}' in its header");
        }

        return value.GetString()!;
    }
}
