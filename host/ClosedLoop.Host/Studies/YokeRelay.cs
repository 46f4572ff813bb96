using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using ClosedLoop.Engine.Journal;
using ClosedLoop.Engine.Output;
using MQTTnet;
using MQTTnet.Protocol;

namespace ClosedLoop.Host.Studies;

/// <summary>One relayed trigger: the partner's train, the offset sent, whether the yoked rig took it, and how long the relay took.</summary>
/// <param name="AnsweredTicks">When the yoked rig's answer arrived (timestamp of the relay's clock; the system's is <see cref="Stopwatch"/>'s).</param>
/// <param name="Recorded">Sent ahead from a recorded partner session rather than relayed live.</param>
public sealed record RelayedTrigger(string PartnerRig, long PartnerBoot, long PartnerTimeUs, long OffsetUs, string YokedRig, bool Accepted, string Answer, TimeSpan Latency, long AnsweredTicks, bool Recorded = false);

/// <summary>
/// Relays a closed-loop rig's trains to the rigs yoked to it, live: when the partner journals a train it drove
/// (not sham, not itself yoked) in the session the runner started (<see cref="ExpectSession"/>), its time after
/// that session's start is sent to each yoked rig as a `yoke`
/// command, which the yoked rig's engine starts at the same offset after its own session start (at once when that
/// moment has passed). Each trigger a yoked rig took is published on its `yokes` topic, so the log keeps which
/// partner train every yoked train came from. Latency is measured from the partner's event arriving here to the
/// yoked rig's answer. The partner's session end passes through the same queue as its trains, so that once it is
/// out (<see cref="RelayedSessionLength"/>) every train of that session has been sent, and its yoked rigs may stop once
/// their own sessions are as long.
/// </summary>
public sealed class YokeRelay : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _followers;
    private readonly BrokerEndpoint _endpoint;
    private readonly IMqttClient _listener;
    private readonly Channel<PartnerEvent> _triggers = Channel.CreateUnbounded<PartnerEvent>();
    private readonly Dictionary<(string Rig, long Boot), List<long>> _sessionStarts = [];
    private readonly Dictionary<string, (long Boot, long NotBeforeUs)> _expected = [];
    private readonly HashSet<(string Rig, long Boot, long Sequence)> _seen = [];
    private readonly HashSet<(string Rig, long Boot, long TimeUs)> _triggered = [];
    private readonly List<RelayedTrigger> _relayed = [];
    private readonly Dictionary<string, long> _sessionsRelayed = [];
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private BrokerClient? _sender;
    private Task? _sending;

    /// <param name="followers">Each partner rig and the rigs yoked to it live.</param>
    /// <param name="time">The clock latencies are measured on (the system's unless a test gives its own).</param>
    public YokeRelay(BrokerEndpoint endpoint, IReadOnlyDictionary<string, IReadOnlyList<string>> followers, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _endpoint = endpoint;
        _followers = followers;
        _listener = new MqttClientFactory().CreateMqttClient();
        _listener.ApplicationMessageReceivedAsync += e =>
        {
            OnEvent(e.ApplicationMessage.Payload.ToArray(), _time.GetTimestamp());
            return Task.CompletedTask;
        };
    }

    /// <summary>Every trigger relayed so far.</summary>
    public IReadOnlyList<RelayedTrigger> Relayed
    {
        get
        {
            lock (_gate)
            {
                return [.. _relayed];
            }
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var result = await _listener.ConnectAsync(_endpoint.Options($"closedloop-yoke-{Guid.NewGuid():N}").WithCleanStart(true).Build(), cancellationToken).ConfigureAwait(false);
        BrokerClient.EnsureAccepted(result, _endpoint);
        _sender = await BrokerClient.ConnectAsync(_endpoint, cancellationToken).ConfigureAwait(false);
        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (string partner in _followers.Keys)
        {
            subscribe.WithTopicFilter(new Topics(_endpoint.TopicPrefix, partner).Events, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        await _listener.SubscribeAsync(subscribe.Build(), cancellationToken).ConfigureAwait(false);
        _sending = Task.Run(() => SendAsync(cancellationToken), cancellationToken);
    }

    private void OnEvent(byte[] payload, long receivedTicks)
    {
        var e = new JournalEvent();
        var identity = new EventIdentity();
        if (new EventJson().TryRead(payload, 0, payload.Length, e, identity) is not null || !_seen.Add((identity.RigId, identity.BootId, e.Sequence)))
        {
            return;
        }

        var key = (identity.RigId, identity.BootId);
        lock (_gate)
        {
            if (e.Kind == EventKind.SessionStarted)
            {
                if (!_sessionStarts.TryGetValue(key, out var starts))
                {
                    _sessionStarts[key] = starts = [];
                }

                starts.Add(e.TimeUs);
            }
            else if (e.Kind == EventKind.OutputStarted && (e.Flags & (OutputFlags.Sham | OutputFlags.Yoked)) == 0
                && SessionStartOf(identity.RigId, identity.BootId) is long start && e.TimeUs >= start
                && _triggered.Add((identity.RigId, identity.BootId, e.TimeUs)))
            {
                _triggers.Writer.TryWrite(new PartnerEvent(identity.RigId, identity.BootId, e.TimeUs, e.TimeUs - start, receivedTicks, SessionEnded: false));
            }
            else if (e.Kind == EventKind.SessionStopped && SessionStartOf(identity.RigId, identity.BootId) is long begun && e.TimeUs >= begun)
            {
                _triggers.Writer.TryWrite(new PartnerEvent(identity.RigId, identity.BootId, e.TimeUs, e.TimeUs - begun, receivedTicks, SessionEnded: true));
            }
        }
    }

    /// <summary>
    /// How long <paramref name="partnerRig"/>'s expected session lasted (µs), once its end has come with every train
    /// before it relayed; null before.
    /// </summary>
    public long? RelayedSessionLength(string partnerRig)
    {
        lock (_gate)
        {
            return _sessionsRelayed.TryGetValue(partnerRig, out long length) ? length : null;
        }
    }

    /// <summary>
    /// Names the partner session to relay: the one the runner just started on <paramref name="rig"/>, whose start the
    /// rig answered at <paramref name="answeredUs"/>. Trains of earlier sessions (an event replay, say) are never relayed.
    /// </summary>
    public void ExpectSession(string rig, long boot, long answeredUs)
    {
        lock (_gate)
        {
            // The rig journals the session's start in the same command as its answer: at most moments before it.
            _expected[rig] = (boot, answeredUs - 1_000_000);
            _sessionsRelayed.Remove(rig);
        }
    }

    private long? SessionStartOf(string rig, long boot) =>
        _expected.TryGetValue(rig, out var expected) && expected.Boot == boot && _sessionStarts.TryGetValue((rig, boot), out var starts)
            && starts.Where(t => t >= expected.NotBeforeUs).DefaultIfEmpty(long.MinValue).Max() is long start && start != long.MinValue
            ? start : null;

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        var commander = new RigCommander(_sender!, "yoke-relay");
        await foreach (var trigger in _triggers.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (trigger.SessionEnded)
            {
                lock (_gate)
                {
                    _sessionsRelayed[trigger.Rig] = trigger.OffsetUs;
                }

                continue;
            }

            foreach (string yoked in _followers[trigger.Rig])
            {
                CommandAnswer? answer;
                string? unavailable = null;
                try
                {
                    answer = await YokeSender.SendAsync(_sender!, commander, yoked, trigger.Rig, trigger.Boot, trigger.TimeUs, trigger.OffsetUs, cancellationToken).ConfigureAwait(false);
                }
                catch (RigUnavailableException e)
                {
                    // One rig gone must not stop the relay for the others: the trigger is recorded as not taken.
                    answer = null;
                    unavailable = e.Message;
                }

                long answered = _time.GetTimestamp();
                var latency = _time.GetElapsedTime(trigger.ReceivedTicks, answered);
                lock (_gate)
                {
                    _relayed.Add(new RelayedTrigger(trigger.Rig, trigger.Boot, trigger.TimeUs, trigger.OffsetUs, yoked, answer is { Accepted: true },
                        answer?.ResultWord ?? unavailable ?? "no answer", latency, answered));
                }
            }
        }
    }

    /// <summary>Relays what has arrived, then stops. (A decision that drives both outputs is one trigger.)</summary>
    public async ValueTask DisposeAsync()
    {
        _triggers.Writer.TryComplete();
        if (_sending is not null)
        {
            try
            {
                await _sending.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        if (_listener.IsConnected)
        {
            await _listener.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build()).ConfigureAwait(false);
        }

        _listener.Dispose();
        if (_sender is not null)
        {
            await _sender.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>
/// Sends one partner train to a yoked rig as a `yoke` command (its offset after the partner's session start) and,
/// when the rig takes it, publishes where it came from on the rig's `yokes` topic for the log.
/// </summary>
public static class YokeSender
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    public static async Task<CommandAnswer?> SendAsync(BrokerClient client, RigCommander commander, string yokedRig, string partnerRig, long partnerBoot, long partnerTimeUs, long offsetUs, CancellationToken cancellationToken)
    {
        var answer = await commander.SendAsync(yokedRig, CommandKind.Yoke, offsetUs, Patience, cancellationToken).ConfigureAwait(false);
        if (answer is { Accepted: true })
        {
            var (boot, _) = await commander.ReadClockAsync(yokedRig, cancellationToken).ConfigureAwait(false);
            byte[] origin = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new
            {
                v = 1,
                rig = yokedRig,
                boot,
                command_id = answer.Id,
                offset_us = offsetUs,
                partner_rig = partnerRig,
                partner_boot = partnerBoot,
                partner_t_us = partnerTimeUs,
                utc = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            });
            await client.PublishAsync(client.TopicsOf(yokedRig).Yokes, origin, retain: false, cancellationToken).ConfigureAwait(false);
        }

        return answer;
    }
}

/// <summary>A partner's train to relay, or the end of its session (in the same queue, so that it comes after every train).</summary>
internal readonly record struct PartnerEvent(string Rig, long Boot, long TimeUs, long OffsetUs, long ReceivedTicks, bool SessionEnded);
