namespace ClosedLoop.Host.Logging;

/// <summary>
/// Sorts the broker's messages into a <see cref="LogBatch"/>: each topic's payload read by its own reader (events
/// by the engine's codec, frames by the frame reader, notes by theirs), and anything unreadable, too large or on an
/// unknown topic made a fault with its reason. Knows nothing of MQTT sessions or of the store.
/// </summary>
public sealed class MessageClassifier(string topicPrefix)
{
    private readonly EventJson _json = new();
    private readonly JournalEvent _into = new();
    private readonly EventIdentity _identity = new();
    private readonly OnlineBoots _onlineBoots = new();
    private readonly ClosedLoop.Engine.Processing.ProcessedSample[] _frameSamples = SampleFrameWriter.NewReadBuffer();

    /// <summary>Adds one message, received at <paramref name="utcNow"/>, to <paramref name="batch"/>.</summary>
    public void Add(LogBatch batch, string topic, byte[] payload, DateTime utcNow)
    {
        if (!Topics.TryParse(topicPrefix, topic, out string rig, out string leaf))
        {
            batch.Faults.Add((topic, "unexpected topic", payload));
            return;
        }

        if (rig == LoggerTopics.LoggersLevel)
        {
            // Loggers' own statuses, this one's included: for monitors, not the log.
            return;
        }

        (leaf, string sender) = KindOf(leaf);
        int limit = LimitOf(leaf);
        if (payload.Length > limit)
        {
            batch.Faults.Add((topic, $"{payload.Length} bytes: more than the {limit} a {leaf} message may hold (the first {EventStore.FaultPayloadBytes} are kept)", payload));
            return;
        }

        if (leaf != Topics.SamplesLeaf && Array.IndexOf(payload, (byte)0) >= 0)
        {
            // No message but a sample frame is binary; a log's text columns (PostgreSQL's especially) hold no NUL.
            batch.Faults.Add((topic, "a NUL byte in a text message", payload));
            return;
        }

        switch (leaf)
        {
            case Topics.EventsLeaf:
                string? problem = _json.TryRead(payload, 0, payload.Length, _into, _identity);
                if (problem is not null)
                {
                    batch.Faults.Add((topic, problem, payload));
                }
                else if (_identity.RigId != rig)
                {
                    batch.Faults.Add((topic, $"event of rig '{_identity.RigId}' published under rig '{rig}'", payload));
                }
                else
                {
                    string kind = EventJson.LayoutOf(_into.Kind)!.KindName;
                    batch.Events.Add(new StoredEvent(rig, _identity.BootId, _into.Sequence, _into.TimeUs, kind, Encoding.UTF8.GetString(payload)));
                    if (_into.Kind == EventKind.FramesLost)
                    {
                        batch.LostFrames.Add((rig, _identity.BootId, _into.Ref1, _into.Ref2, _into.TimeUs));
                    }
                }

                break;
            case Topics.StatusLeaf:
                string status = Encoding.UTF8.GetString(payload);
                if (RigStatus.TryParse(rig, status, out var parsed) is string wrong)
                {
                    batch.Faults.Add((topic, wrong, payload));
                    break;
                }

                batch.Statuses.Add((rig, status, parsed!));
                if (_onlineBoots.Warning(parsed!, utcNow) is string twoBoards)
                {
                    batch.Faults.Add((topic, twoBoards, payload));
                }

                break;
            case Topics.SamplesLeaf:
                string? frameProblem = SampleFrameReader.TryRead(payload, payload.Length, out long frameBoot, _frameSamples, out int count);
                if (frameProblem is not null)
                {
                    batch.Faults.Add((topic, frameProblem, payload));
                }
                else if (count > 0)
                {
                    batch.Frames.Add(new StoredFrame(rig, frameBoot, _frameSamples[0].CycleIndex, _frameSamples[0].TimeUs, payload, SampleFrameReader.SequenceOf(payload, payload.Length)));
                }

                break;
            case Topics.SessionsLeaf:
                if (SessionRecordOf(rig, payload, out var session) is string bad)
                {
                    batch.Faults.Add((topic, bad, payload));
                }
                else
                {
                    batch.Sessions.Add(session!);
                }

                break;
            case Topics.YokesLeaf:
                if (YokeOriginOf(rig, payload, out var source) is string unusable)
                {
                    batch.Faults.Add((topic, unusable, payload));
                }
                else
                {
                    batch.YokeOrigins.Add(source!);
                }

                break;
            case Topics.AuditLeaf:
                if (CommandAudit.TryRead(rig, sender, payload, out var audit) is string unreadable)
                {
                    batch.Faults.Add((topic, unreadable, payload));
                }
                else
                {
                    batch.Audits.Add(audit!);
                }

                break;
            case Topics.ConfigAppliedLeaf:
                var applied = ClosedLoop.Engine.Config.ConfigLoader.Load(payload, payload.Length);
                if (applied.IsValid)
                {
                    batch.Configs.Add((rig, applied.Config.Hash, Encoding.UTF8.GetString(payload)));
                }
                else
                {
                    batch.Faults.Add((topic, $"applied config does not validate: {applied.Errors[0]}", payload));
                }

                break;
            case Topics.ConfigAckLeaf:
            case Topics.ConfigLeaf:
            case Topics.CommandsLeaf:
            case Topics.ReplayLeaf:
                // Acks are for `closedloop configure`; desired configs and commands are for the rigs.
                break;
            default:
                batch.Faults.Add((topic, "unexpected topic", payload));
                break;
        }
    }

    /// <summary>The largest payload each kind of message may have (docs/protocol.md, "Limits").</summary>
    public static int LimitOf(string leaf) => leaf switch
    {
        Topics.EventsLeaf => EventJson.MaxEventBytes,
        Topics.StatusLeaf => ClosedLoop.Engine.Wire.StatusJson.MaxBytes,
        Topics.SamplesLeaf => SampleFrameWriter.HeaderBytes + (byte.MaxValue * SampleFrameWriter.SampleBytes),
        Topics.CommandsLeaf or Topics.ReplayLeaf => CommandJson.MaxBytes,
        _ => ClosedLoop.Engine.Config.ConfigParser.MaxBytes,
    };

    /// <summary>
    /// A command, replay or audit topic's leaf without its sender level (<c>commands/alice</c> is a <c>commands</c>
    /// message), and that level (the publisher's broker account); others as they are, with no sender.
    /// </summary>
    public static (string Kind, string Sender) KindOf(string leaf)
    {
        int slash = leaf.IndexOf('/', StringComparison.Ordinal);
        string first = slash > 0 ? leaf[..slash] : leaf;
        return first is Topics.CommandsLeaf or Topics.ReplayLeaf or Topics.AuditLeaf && slash > 0 && leaf.IndexOf('/', slash + 1) < 0
            ? (first, leaf[(slash + 1)..])
            : (leaf, string.Empty);
    }

    /// <summary>Reads a yoke source the host published for <paramref name="rig"/>; the reason it is unusable otherwise.</summary>
    public static string? YokeOriginOf(string rig, byte[] payload, out YokeOrigin? source)
    {
        source = null;
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(payload);
            var root = document.RootElement;
            long? Whole(string name) => root.TryGetProperty(name, out var value) && value.TryGetInt64(out long n) ? n : null;
            string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == System.Text.Json.JsonValueKind.String ? value.GetString() : null;
            if (Text("rig") != rig || Whole("boot") is not long boot || Whole("command_id") is not long id || Whole("offset_us") is not long offset
                || Text("partner_rig") is not string partner || Whole("partner_boot") is not long partnerBoot || Whole("partner_t_us") is not long partnerTime || Text("utc") is not string utc)
            {
                return $"yoke: expected rig '{rig}', whole-number boot, command_id, offset_us, partner_boot and partner_t_us, and partner_rig and utc texts";
            }

            source = new YokeOrigin(rig, boot, id, offset, partner, partnerBoot, partnerTime, utc);
            return null;
        }
        catch (System.Text.Json.JsonException e)
        {
            return $"yoke: not JSON ({e.Message})";
        }
    }

    /// <summary>Reads a session note (docs/protocol.md); returns why it is not one, or null.</summary>
    public static string? SessionRecordOf(string rig, byte[] payload, out SessionRecord? session)
    {
        session = null;
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(payload);
            var root = document.RootElement;
            string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == System.Text.Json.JsonValueKind.String ? value.GetString() : null;
            if (Text("rig") != rig || !root.TryGetProperty("boot", out var boot) || !boot.TryGetInt64(out long bootId)
                || !root.TryGetProperty("rig_t_us", out var time) || !time.TryGetInt64(out long timeUs) || Text("utc") is not string utc || Text("subject") is not string subject)
            {
                return $"session: expected rig '{rig}', whole-number boot and rig_t_us, and utc and subject texts";
            }

            session = new SessionRecord(rig, bootId, timeUs, utc, subject, Text("experimenter"), Text("note"));
            return null;
        }
        catch (System.Text.Json.JsonException e)
        {
            return $"session: not JSON ({e.Message})";
        }
    }

}
