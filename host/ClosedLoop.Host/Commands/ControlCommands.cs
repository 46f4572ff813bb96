using ClosedLoop.Engine.Encounters;
using ClosedLoop.Engine.Output;

namespace ClosedLoop.Host.Commands;

/// <summary>
/// `arm`, `disarm`, `estop`, `estop-reset`, `selftest`, `session RIG start|stop`, `encounter RIG start|stop`: one
/// command message each, sent fresh (see <see cref="RigCommander"/>), and the rig's answer printed. Exit 0 when the
/// rig accepted it, 1 when it refused (the reason is printed), 4 when it did not answer or cannot take commands.
/// </summary>
public static class ControlCommands
{
    public const int Refused = ExitCodes.Refused;
    public const int NoAnswer = ExitCodes.NoAnswer;

    public static IEnumerable<Command> Create()
    {
        yield return Simple("arm", "Allow a rig to drive its outputs (refused while an e-stop is latched: reset it first)", CommandKind.Arm);
        yield return Simple("disarm", "Force a rig's outputs low and stop it from driving them", CommandKind.Disarm);
        yield return Simple("estop", "Emergency stop: outputs low at once, latched until reset with estop-reset", CommandKind.EStop);
        yield return Simple("estop-reset", "Clear a latched e-stop (refused while the e-stop button is held); arms nothing", CommandKind.EStopReset);
        yield return Simple("selftest", "Measure a disarmed rig's real opto pulse timing through its loopback input (docs/flashing.md)", CommandKind.SelfTest);
        yield return Session();
        yield return Encounter();
    }

    private static Command Simple(string name, string description, CommandKind kind)
    {
        var rig = RigArgument();
        var options = new SendOptions();
        var command = new Command(name, description) { rig };
        options.AddTo(command);
        command.SetAction((parse, cancellationToken) => Guard.RunAsync(parse, () => SendAsync(parse, options, parse.GetValue(rig)!, kind, cancellationToken)));
        return command;
    }

    /// <summary>
    /// `encounter RIG start [--partner ID] [--novelty familiar|novel]` and `encounter RIG stop`: a tracker's contact
    /// marks; a start may name the partner met, which the rig journals on the encounter for a social recognition readout.
    /// </summary>
    private static Command Encounter()
    {
        var rig = RigArgument();
        var what = new Argument<string>("action") { Description = "start or stop" };
        what.AcceptOnlyFromAmong("start", "stop");
        var partner = new Option<string?>("--partner") { Description = $"start: the partner mouse's id ({SenderName.Rule})" };
        var novelty = new Option<string?>("--novelty") { Description = "start: familiar or novel (the partner's novelty to this mouse)" };
        novelty.AcceptOnlyFromAmong("familiar", "novel");
        var options = new SendOptions();
        var command = new Command("encounter", "Mark an encounter's start or stop, as a video tracker (Bonsai, DeepLabCut-Live) would; a start may name its partner") { rig, what, partner, novelty };
        options.AddTo(command);
        command.SetAction((parse, cancellationToken) => Guard.RunAsync(parse, () =>
        {
            bool start = parse.GetValue(what) == "start";
            string? id = parse.GetValue(partner);
            string? word = parse.GetValue(novelty);
            if (!start && (id is not null || word is not null))
            {
                throw new CommandLineException("--partner and --novelty belong to encounter start: a stop ends whichever encounter is on");
            }

            if (id is not null && SenderName.Pack(id) <= 0)
            {
                throw new CommandLineException($"--partner '{id}': expected a partner id of {SenderName.Rule}");
            }

            var mark = id is null && word is null ? null
                : new PartnerMark(id, word is null ? Novelty.Unmarked : Logging.PartnerEncounters.NoveltyOf(word));
            return SendAsync(parse, options, parse.GetValue(rig)!, start ? CommandKind.EncounterStart : CommandKind.EncounterStop, cancellationToken, partner: mark);
        }));
        return command;
    }

    /// <summary>
    /// `session RIG start --subject ID [--experimenter NAME] [--note TEXT]` and `session RIG stop`. Once the rig has
    /// accepted a start, who and what are published beside it (PREFIX/RIG/sessions) with the host's UTC time and the
    /// rig's µs of the start, so the log, reports and exports can say which mouse, by whom and when.
    /// </summary>
    private static Command Session()
    {
        var rig = RigArgument();
        var what = new Argument<string>("action") { Description = "start or stop" };
        what.AcceptOnlyFromAmong("start", "stop");
        var subject = new Option<string?>("--subject") { Description = "start: the animal's id (required)" };
        var experimenter = new Option<string?>("--experimenter") { Description = "start: who runs the session (default: your login)" };
        var note = new Option<string?>("--note") { Description = "start: a free note kept with the session" };
        var options = new SendOptions();
        var command = new Command("session", "Start or stop a session (per-session limits count from its start); a start names the animal") { rig, what, subject, experimenter, note };
        options.AddTo(command);
        command.SetAction((parse, cancellationToken) => Guard.RunAsync(parse, () =>
        {
            bool start = parse.GetValue(what) == "start";
            string? id = parse.GetValue(subject);
            if (start && string.IsNullOrWhiteSpace(id))
            {
                throw new CommandLineException("session start needs --subject: the animal's id (a session that does not name its mouse says nothing)");
            }

            var annotation = start ? new SessionNote(id!.Trim(), parse.GetValue(experimenter) ?? Environment.UserName, parse.GetValue(note)) : null;
            return SendAsync(parse, options, parse.GetValue(rig)!, start ? CommandKind.SessionStart : CommandKind.SessionStop, cancellationToken, annotation);
        }));
        return command;
    }

    internal static Argument<string> RigArgument() => new("rig") { Description = "The rig's id (nf.config [rig] id)" };

    private static async Task<int> SendAsync(ParseResult parse, SendOptions options, string rig, CommandKind kind, CancellationToken cancellationToken, SessionNote? session = null, PartnerMark? partner = null)
    {
        string sender = parse.GetValue(options.From)!;
        if (SenderName.Pack(sender) <= 0)
        {
            throw new CommandLineException($"--from '{sender}': expected a sender name of {SenderName.Rule}");
        }

        var timeout = TimeSpan.FromSeconds(parse.GetValue(options.Timeout));
        string name = CommandJson.Names[(int)kind];
        await using var client = await BrokerClient.ConnectAsync(options.Broker.Endpoint(parse), cancellationToken).ConfigureAwait(false);
        var commander = new RigCommander(client, sender);
        EventKind[] follow = kind == CommandKind.SelfTest ? [EventKind.AcquisitionMeasured, EventKind.SelfTest] : [];
        var answer = await commander.SendAsync(rig, kind, 0, partner, timeout, cancellationToken, follow).ConfigureAwait(false);
        if (answer is null)
        {
            parse.InvocationConfiguration.Error.WriteLine($"{name} sent to {rig}, but no answer within {timeout.TotalSeconds:F0} s");
            return NoAnswer;
        }

        if (!answer.Accepted)
        {
            parse.InvocationConfiguration.Error.WriteLine($"{rig} refused {name}: {Monitor.RefusalDescription.Describe(answer.ResultWord)}");
            return Refused;
        }

        parse.InvocationConfiguration.Output.WriteLine($"{rig} accepted {name}");
        if (session is not null)
        {
            var (boot, _) = await commander.ReadClockAsync(rig, cancellationToken).ConfigureAwait(false);
            await session.PublishAsync(client, rig, boot, answer.TimeUs, cancellationToken).ConfigureAwait(false);
            // The note is sent once, not retained: only a logger online now keeps it.
            var loggers = await OnlineLoggersAsync(client, cancellationToken).ConfigureAwait(false);
            parse.InvocationConfiguration.Output.WriteLine(loggers.Count > 0
                ? $"session of {session.Subject} by {session.Experimenter} sent to the logger{(loggers.Count > 1 ? "s" : string.Empty)} online ({string.Join(", ", loggers)})"
                : $"session of {session.Subject} by {session.Experimenter} sent, but no logger is online to keep it (the note is not kept on the broker): start `closedloop log` before sessions");
        }

        return kind == CommandKind.SelfTest ? await AwaitSelfTestAsync(parse, commander, rig, answer, cancellationToken).ConfigureAwait(false) : 0;
    }

    /// <summary>How long a self-test may take on the board (its pulses, then the analysis).</summary>
    private static readonly TimeSpan SelfTestPatience = TimeSpan.FromSeconds(30);

    /// <summary>Waits for the self_test event that follows an accepted selftest and prints it: exit 0 only when it passed.</summary>
    /// <summary>How long to gather the loggers' retained statuses (the broker sends them on subscribing).</summary>
    private static readonly TimeSpan LoggerStatusPatience = TimeSpan.FromSeconds(1);

    /// <summary>The loggers whose retained status on PREFIX/_loggers/NAME/status says online: their names.</summary>
    public static async Task<IReadOnlyList<string>> OnlineLoggersAsync(BrokerClient client, CancellationToken cancellationToken)
    {
        string filter = $"{client.Endpoint.TopicPrefix}/{Logging.EventLogger.LoggersLevel}/+/status";
        var statuses = await client.RetainedAsync(filter, LoggerStatusPatience, cancellationToken).ConfigureAwait(false);
        var online = new List<string>();
        foreach (var (topic, payload) in statuses)
        {
            try
            {
                using var document = System.Text.Json.JsonDocument.Parse(payload);
                if (document.RootElement.TryGetProperty("online", out var value) && value.ValueKind == System.Text.Json.JsonValueKind.True)
                {
                    online.Add(topic.Split('/')[^2]);
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // Not a logger's status: it keeps nothing.
            }
        }

        online.Sort(StringComparer.Ordinal);
        return online;
    }

    private static async Task<int> AwaitSelfTestAsync(ParseResult parse, RigCommander commander, string rig, CommandAnswer answer, CancellationToken cancellationToken)
    {
        JournalEvent? result = null;
        await Waiting.UntilAsync(
            () => (result = commander.Following.FirstOrDefault(e => e.Kind == EventKind.SelfTest && e.TimeUs >= answer.TimeUs)) is not null,
            SelfTestPatience,
            TimeSpan.FromMilliseconds(50),
            cancellationToken: cancellationToken).ConfigureAwait(false);

        if (result is null)
        {
            parse.InvocationConfiguration.Error.WriteLine($"{rig} started the self-test but reported no result within {SelfTestPatience.TotalSeconds:F0} s");
            return NoAnswer;
        }

        var outcome = (SelfTestResult)result.Code;
        string word = EventJson.SelfTestResults[(int)outcome];
        string detail = outcome is SelfTestResult.Passed or SelfTestResult.Failed
            ? $": {result.Ref2} of {result.Ref1} pulses measured, worst width error {result.Value1:F0} µs, worst period error {result.Value2:F0} µs"
            : outcome == SelfTestResult.NoHardware ? ": a virtual rig has no output to measure" : string.Empty;
        (outcome == SelfTestResult.Passed ? parse.InvocationConfiguration.Output : parse.InvocationConfiguration.Error).WriteLine($"{rig} self-test {word}{detail}");

        // The rig journals its own acquisition measurements just before the result; allow for a replayed gap.
        JournalEvent? measured = null;
        await Waiting.UntilAsync(
            () => (measured = commander.Following.LastOrDefault(e => e.Kind == EventKind.AcquisitionMeasured && e.TimeUs >= answer.TimeUs && e.TimeUs <= result.TimeUs)) is not null,
            TimeSpan.FromSeconds(2),
            TimeSpan.FromMilliseconds(50),
            cancellationToken: cancellationToken).ConfigureAwait(false);

        if (measured is not null)
        {
            parse.InvocationConfiguration.Output.WriteLine(Measurements(measured));
        }

        return outcome == SelfTestResult.Passed ? 0 : Refused;
    }

    /// <summary>An acquisition_measured event in words (docs/flashing.md, "Bring-up", says what to expect).</summary>
    public static string Measurements(JournalEvent measured) =>
        measured.Code == 2
            ? "acquisition: not measured yet (no second of the rig's own readings since its last start)"
            : $"acquisition: {measured.Value1:F1} readings per lit phase per cycle (min_readings {measured.Flags}), "
              + $"{measured.Ref1} µs per reading, {measured.Value2:P0} of cycles short, longest output start {measured.Ref2} µs: "
              + (measured.Code == 0 ? "plan met" : "plan NOT met (the rig refuses to arm)");

    private sealed class SendOptions
    {
        public BrokerOptions Broker { get; } = new();

        public Option<string> From { get; } = new("--from")
        {
            Description = $"Who sends the command ({SenderName.Rule}; default: your login). The rig journals it only on a broker without users: with --user it journals the broker user, which the broker proves",
            DefaultValueFactory = _ => RigCommander.DefaultSender(),
        };

        public Option<double> Timeout { get; } = new("--timeout")
        {
            Description = "Seconds to wait for the rig's answer",
            DefaultValueFactory = _ => 5,
        };

        public void AddTo(Command command)
        {
            Broker.AddTo(command);
            command.Options.Add(From);
            command.Options.Add(Timeout);
        }
    }
}
