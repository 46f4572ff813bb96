using System.Text.Json;
using ClosedLoop.Engine.Detection;
using ClosedLoop.Engine.Processing;

namespace ClosedLoop.Host.Monitor;

/// <summary>What the monitor knows of one rig.</summary>
public sealed class RigView(string rigId)
{
    public const int ZHistory = 60;
    public const int RecentEvents = 4;

    public string RigId { get; } = rigId;

    public bool Online { get; set; }

    public string ConfigHash { get; set; } = "-";

    public bool Armed { get; set; }

    public bool EStop { get; set; }

    public bool InSession { get; set; }

    public string Mode { get; set; } = "-";

    /// <summary>The most recent z values, one per received frame (its last valid sample).</summary>
    public Queue<double> Z { get; } = new();

    public Queue<string> Events { get; } = new();

    /// <summary>The boot the rig last reported, or -1 before its first status.</summary>
    public long Boot { get; set; } = -1;

    /// <summary>The link as heard here: events the rig journaled that have not arrived, holes in the events and frames that did.</summary>
    public LinkQuality Link { get; set; } = new(0, 0, 0);

    /// <summary>Faults the rig reported this boot, and the latest of them.</summary>
    public int Faults { get; set; }

    public string? LastFault { get; set; }

    /// <summary>When the boot began, by this reader's clock less the rig's time since boot in its first status of the boot heard here.</summary>
    public DateTimeOffset? BootStarted { get; set; }

    /// <summary>The light of the rig's last measured second, as its status reported it (null before one).</summary>
    public RigLight? Light { get; set; }
}

/// <summary>
/// One second of a rig's light as its converter read it (docs/protocol.md, status): each phase's mean reading in
/// counts with the dark not subtracted (control and dark null with one colour, all null while no cycle had enough
/// readings), the converter's full scale, and the rig's own word for where the light sits in it.
/// </summary>
public sealed record RigLight(long FullScale, string Range, long? Signal, long? Control, long? Dark);

/// <summary>
/// How well a rig's messages reach this reader: <paramref name="Pending"/> events the rig's status says it
/// journaled beyond the last one heard (still in its outbox or in flight); <paramref name="EventGaps"/> events
/// missing between those heard since this reader started; <paramref name="FramesMissed"/> sample frames likewise.
/// </summary>
public sealed record LinkQuality(long Pending, long EventGaps, long FramesMissed);

/// <summary>Counts what a reader that joined mid-boot has not heard of a numbered stream (event sequences, frame numbers).</summary>
internal sealed class HeardNumbers
{
    /// <summary>A jump wider than this counts as missing without remembering each number.</summary>
    private const long Remembered = 10_000;

    private readonly HashSet<long> _missing = [];
    private long _far;

    public long High { get; private set; } = -1;

    public long Missing => _missing.Count + _far;

    public void Saw(long number)
    {
        if (High < 0)
        {
            High = number;
            return;
        }

        if (number > High)
        {
            if (number - High - 1 > Remembered)
            {
                _far += number - High - 1;
            }
            else
            {
                for (long n = High + 1; n < number; n++)
                {
                    _missing.Add(n);
                }
            }

            High = number;
        }
        else
        {
            // A late arrival (a replay, or a reordering) fills its hole.
            _missing.Remove(number);
        }
    }
}

/// <summary>A logger's own retained status: whether it is up and can write its log.</summary>
public sealed record LoggerView(string ClientId, bool Online, bool Ok, string? Error);

/// <summary>
/// Everything the monitor has heard on the broker, updated from MQTT messages (any thread) and read by the view.
/// Payloads are decoded with the engine's readers.
/// </summary>
/// <param name="prefix">The topic prefix.</param>
/// <param name="blind">
/// For a blinded study: modes and config hashes read "blinded" (rigs of one condition share a config, so its hash
/// would group them) and sham trains are described as trains.
/// </param>
/// <param name="listener">Told of every sample frame and event that decodes (the console's traces), so that each is decoded once.</param>
public sealed class MonitorState(string prefix, bool blind = false, IDecodedListener? listener = null)
{
    /// <summary>What a blinded reader shows for every rig's output mode and config hash.</summary>
    public const string Blinded = "blinded";

    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, RigView> _rigs = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, LoggerView> _loggers = new(StringComparer.Ordinal);
    private readonly EventJson _events = new();
    private readonly EventIdentity _identity = new();
    private readonly ProcessedSample[] _samples = SampleFrameWriter.NewReadBuffer();
    private readonly Dictionary<string, (long Boot, HeardNumbers Events, HeardNumbers Frames, long NextSequence)> _heard = new(StringComparer.Ordinal);

    public long Messages { get; private set; }

    public long Unreadable { get; private set; }

    public void Take(string topic, byte[] payload)
    {
        if (!Topics.TryParse(prefix, topic, out string rigId, out string leaf))
        {
            return;
        }

        lock (_gate)
        {
            Messages++;
            if (rigId == Logging.EventLogger.LoggersLevel)
            {
                if (!TakeLoggerStatus(payload))
                {
                    Unreadable++;
                }

                return;
            }

            if (!Topics.IsRigId(rigId))
            {
                // No rig is called '..' or '<b>': a topic level no rig id can be gets no card.
                Unreadable++;
                return;
            }

            if (!_rigs.TryGetValue(rigId, out var rig))
            {
                rig = new RigView(rigId);
                _rigs[rigId] = rig;
            }

            bool understood = leaf switch
            {
                Topics.StatusLeaf => TakeStatus(rig, payload),
                Topics.EventsLeaf => TakeEvent(rig, payload),
                Topics.SamplesLeaf => TakeFrame(rig, payload),
                _ => true,
            };
            if (!understood)
            {
                Unreadable++;
            }
        }
    }

    /// <summary>Every logger heard of, by client id.</summary>
    public IReadOnlyList<LoggerView> Loggers()
    {
        lock (_gate)
        {
            return [.. _loggers.Values];
        }
    }

    private bool TakeLoggerStatus(byte[] payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            string id = root.GetProperty("logger").GetString()!;
            string? error = root.TryGetProperty("error", out var e) && e.ValueKind == System.Text.Json.JsonValueKind.String ? e.GetString() : null;
            _loggers[id] = new LoggerView(id, root.GetProperty("online").GetBoolean(), root.GetProperty("ok").GetBoolean(), error);
            return true;
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>A consistent copy of every rig's view, for rendering.</summary>
    public IReadOnlyList<RigView> Snapshot()
    {
        lock (_gate)
        {
            return [.. _rigs.Values.Select(r =>
            {
                var copy = new RigView(r.RigId)
                {
                    Online = r.Online, ConfigHash = r.ConfigHash, Armed = r.Armed, EStop = r.EStop, InSession = r.InSession, Mode = r.Mode,
                    Boot = r.Boot, Link = LinkOf(r.RigId), Faults = r.Faults, LastFault = r.LastFault, Light = r.Light, BootStarted = r.BootStarted,
                };
                foreach (double z in r.Z)
                {
                    copy.Z.Enqueue(z);
                }

                foreach (string e in r.Events)
                {
                    copy.Events.Enqueue(e);
                }

                return copy;
            })];
        }
    }

    private LinkQuality LinkOf(string rig)
    {
        if (!_heard.TryGetValue(rig, out var heard))
        {
            return new LinkQuality(0, 0, 0);
        }

        long pending = heard.Events.High < 0 ? 0 : Math.Max(0, heard.NextSequence - 1 - heard.Events.High);
        return new LinkQuality(pending, heard.Events.Missing, heard.Frames.Missing);
    }

    /// <summary>What has been heard of a rig's boot; a new boot starts afresh (and clears the boot's faults).</summary>
    private (long Boot, HeardNumbers Events, HeardNumbers Frames, long NextSequence) HeardOf(RigView rig, long boot)
    {
        if (!_heard.TryGetValue(rig.RigId, out var heard) || heard.Boot != boot)
        {
            heard = (boot, new HeardNumbers(), new HeardNumbers(), 0);
            _heard[rig.RigId] = heard;
            rig.Faults = 0;
            rig.LastFault = null;
        }

        return heard;
    }

    private bool TakeStatus(RigView rig, byte[] payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            rig.Online = root.GetProperty("online").GetBoolean();
            if (!rig.Online)
            {
                rig.Light = null;
            }

            if (root.TryGetProperty("boot", out var boot) && boot.TryGetInt64(out long bootId))
            {
                if (rig.Boot != bootId)
                {
                    rig.BootStarted = root.TryGetProperty("t_us", out var time) && time.TryGetInt64(out long sinceBootUs) && rig.Online
                        ? DateTimeOffset.UtcNow - TimeSpan.FromMicroseconds(sinceBootUs)
                        : null;
                }

                rig.Boot = bootId;
                var heard = HeardOf(rig, bootId);
                if (root.TryGetProperty("next_seq", out var next) && next.TryGetInt64(out long nextSequence))
                {
                    _heard[rig.RigId] = heard with { NextSequence = nextSequence };
                }
            }

            if (rig.Online)
            {
                rig.ConfigHash = blind ? Blinded : root.GetProperty("config").GetString() ?? "-";
                rig.Armed = root.GetProperty("armed").GetBoolean();
                rig.EStop = root.GetProperty("estop").GetBoolean();
                rig.InSession = root.GetProperty("session").GetBoolean();
                rig.Mode = blind ? Blinded : RigModes.Known(root.GetProperty("mode").GetString());
                if (root.TryGetProperty("full", out var full) && full.TryGetInt64(out long fullScale))
                {
                    long? Level(string name) => root.TryGetProperty(name, out var level) && level.TryGetInt64(out long counts) ? counts : null;
                    rig.Light = new RigLight(fullScale, root.TryGetProperty("light", out var range) ? range.GetString() ?? "unknown" : "unknown", Level("sig"), Level("ctl"), Level("dark"));
                }
            }

            return true;
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    private bool TakeEvent(RigView rig, byte[] payload)
    {
        var e = new JournalEvent();
        if (_events.TryRead(payload, 0, payload.Length, e, _identity) is not null)
        {
            return false;
        }

        var identity = _identity;
        HeardOf(rig, identity.BootId).Events.Saw(e.Sequence);
        listener?.OnEvent(rig.RigId, identity.BootId, e);
        if (e.Kind == EventKind.Fault)
        {
            rig.Faults++;
            rig.LastFault = Describe(e);
        }

        rig.Events.Enqueue(Describe(e, blind));
        while (rig.Events.Count > RigView.RecentEvents)
        {
            rig.Events.Dequeue();
        }

        return true;
    }

    private bool TakeFrame(RigView rig, byte[] payload)
    {
        if (SampleFrameReader.TryRead(payload, payload.Length, out long boot, _samples, out int count) is not null)
        {
            return false;
        }

        listener?.OnFrame(rig.RigId, boot, _samples, count);
        long number = SampleFrameReader.SequenceOf(payload, payload.Length);
        if (number > 0)
        {
            HeardOf(rig, boot).Frames.Saw(number);
        }

        for (int i = count - 1; i >= 0; i--)
        {
            if (_samples[i].IsValid && _samples[i].IsReady)
            {
                rig.Z.Enqueue(_samples[i].Z);
                while (rig.Z.Count > RigView.ZHistory)
                {
                    rig.Z.Dequeue();
                }

                break;
            }
        }

        return true;
    }

    /// <summary>A short line for an event: its time in seconds, kind, and the one detail that matters most.</summary>
    public static string Describe(JournalEvent e, bool blind = false)
    {
        var layout = EventJson.LayoutOf(e.Kind);
        var text = new StringBuilder();
        // Device time is µs since the rig's boot: say so, or "183.5 s" reads like an age.
        text.Append("boot+").Append((e.TimeUs / 1e6).ToString("F1", System.Globalization.CultureInfo.InvariantCulture)).Append(" s ").Append(layout?.KindName ?? "?");
        switch (e.Kind)
        {
            case EventKind.Decision:
                text.Append(' ').Append(EventJson.Outcomes[e.Code]).Append(" Δz ").Append(e.Value1.ToString("F2", System.Globalization.CultureInfo.InvariantCulture));
                if ((e.Flags & (int)DecisionFlags.Early) != 0)
                {
                    // When in the contact it came matters to the experimenter: say how long after onset.
                    text.Append(" (early, ").Append((e.Ref2 / 1e6).ToString("F2", System.Globalization.CultureInfo.InvariantCulture)).Append(" s after onset)");
                }

                break;
            case EventKind.DecisionScored:
                text.Append(" whole window ").Append(EventJson.Outcomes[e.Code]).Append(" Δz ").Append(e.Value1.ToString("F2", System.Globalization.CultureInfo.InvariantCulture));
                break;
            case EventKind.OutputRefused:
                text.Append(' ').Append(EventJson.Reasons[e.Flags]);
                break;
            case EventKind.OutputStarted:
                text.Append(' ').Append(EventJson.Channels[e.Code]).Append(!blind && (e.Flags & OutputFlags.Sham) != 0 ? " (sham)" : string.Empty);
                break;
            case EventKind.Fault:
                // Which fault, and its detail in docs/protocol.md's words: "fault" alone tells the experimenter nothing.
                text.Append(' ').Append(FaultDescription.Of(e.Code, e.Ref1));
                break;
            case EventKind.DataGap:
                // Not a fault: a few cycles without enough readings (or none), left out of dF/F, z and every export.
                text.Append(' ').Append(e.Ref2.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .Append(e.Ref2 == 1 ? " cycle" : " cycles").Append(" without enough readings, left out (not a fault)");
                break;
        }

        return text.ToString();
    }
}

/// <summary>What a reader of the wire hears, decoded: each sample frame's samples and each event, with its rig and boot.</summary>
/// <remarks>Called under the <see cref="MonitorState"/>'s lock; the samples are valid only during the call.</remarks>
public interface IDecodedListener
{
    void OnFrame(string rig, long boot, ProcessedSample[] samples, int count);

    void OnEvent(string rig, long boot, JournalEvent e);
}

/// <summary>A status's mode as shown: one of the modes a rig has, never whatever text the status carried.</summary>
internal static class RigModes
{
    public static string Known(string? mode) => mode is "closed_loop" or "open_loop" or "sham" or "yoked" ? mode : "unknown";
}
