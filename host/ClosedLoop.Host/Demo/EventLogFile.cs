using ClosedLoop.Engine.Journal;
using ClosedLoop.Engine.Wire;

namespace ClosedLoop.Host.Demo;

/// <summary>
/// Writes every event as one JSON line, in the wire format the board publishes (<see cref="EventJson"/>), and
/// reads such files back.
/// </summary>
public sealed class EventLogFile : IEventSink, IDisposable
{
    private readonly FileStream _stream;
    private readonly EventJson _json = new();
    private readonly byte[] _buffer = new byte[EventJson.MaxEventBytes + 1];

    public EventLogFile(string path)
    {
        Path = path;
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
    }

    public string Path { get; }

    public void OnEvent(EventJournal journal, JournalEvent journalEvent)
    {
        int end = _json.Write(journal.RigId, journal.BootId, journalEvent, _buffer, 0);
        _buffer[end++] = (byte)'\n';
        _stream.Write(_buffer, 0, end);
    }

    public void Dispose() => _stream.Dispose();

    /// <summary>Reads a log back; a line that does not decode is reported with its number.</summary>
    public static IReadOnlyList<(EventIdentity Identity, JournalEvent Event)> Read(string path)
    {
        var json = new EventJson();
        var events = new List<(EventIdentity, JournalEvent)>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            byte[] bytes = System.Text.Encoding.UTF8.GetBytes(line);
            var identity = new EventIdentity();
            var e = new JournalEvent();
            string? problem = json.TryRead(bytes, 0, bytes.Length, e, identity);
            if (problem is not null)
            {
                throw new InvalidDataException($"{path} line {lineNumber}: {problem}");
            }

            events.Add((identity, e));
        }

        return events;
    }
}
