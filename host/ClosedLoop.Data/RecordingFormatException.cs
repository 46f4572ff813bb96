namespace ClosedLoop.Data;

/// <summary>A recording that cannot be read: the message names the file and what is wrong with it.</summary>
public sealed class RecordingFormatException(string path, string problem) : Exception($"{path} {problem}")
{
    public string FilePath { get; } = path;

    public string Problem { get; } = problem;
}
