using System.Text.Json;
using ClosedLoop.Engine.Encounters;
using ClosedLoop.Engine.Output;

namespace ClosedLoop.Host.Mqtt;

/// <summary>The rig's answer to one command (journaled at <paramref name="TimeUs"/>): accepted, or the reason it was refused.</summary>
public sealed record CommandAnswer(long Id, RefusalReason Result, long TimeUs)
{
    public bool Accepted => Result == RefusalReason.None;

    public string ResultWord => EventJson.CommandResults[(int)Result];
}

/// <summary>The partner an encounter_start names (a tracker's mark): an id (sender-name rule; null: none) and whether familiar or novel.</summary>
public sealed record PartnerMark(string? Id, Novelty Novelty);

/// <summary>
/// Sends commands the way a rig accepts them: addressed to the boot its retained status names, with a deadline
/// on that boot's clock (<see cref="Lifetime"/> after the status's time; the rig republishes it every second),
/// an id, and the sender; then waits for the rig's <c>command</c> event with that id.
/// </summary>
public sealed class RigCommander(BrokerClient client, string sender)
{
    /// <summary>How long, in rig time from its last status, a command stays good.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    public string Sender { get; } = SenderName.Pack(sender) > 0 ? sender : throw new ArgumentException($"'{sender}' is not a sender name ({SenderName.Rule})", nameof(sender));

    /// <summary>
    /// The sender the rig journals: the last level of the command topic, which is the broker user the client logged
    /// in as (the broker's ACL proves it), or, on a broker without users, the <see cref="Sender"/> it claims.
    /// </summary>
    public string TopicSender => TopicSenderOf(client.Endpoint, Sender);

    /// <summary>The command topic's sender level for a client of <paramref name="endpoint"/> that calls itself <paramref name="claimed"/>.</summary>
    public static string TopicSenderOf(BrokerEndpoint endpoint, string claimed) => endpoint.Username ?? claimed;

    /// <summary>
    /// Sends one command and waits for the rig's answer; null when none came within <paramref name="timeout"/>. With
    /// <paramref name="follow"/>, events of those kinds from the rig's boot are gathered in <see cref="Following"/> from
    /// before the command is sent (e.g. the self_test result that follows an accepted selftest, however fast).
    /// </summary>
    public Task<CommandAnswer?> SendAsync(string rigId, CommandKind kind, long argument, TimeSpan timeout, CancellationToken cancellationToken, params EventKind[] follow) =>
        SendAsync(rigId, kind, argument, null, timeout, cancellationToken, follow);

    /// <summary>As <see cref="SendAsync(string, CommandKind, long, TimeSpan, CancellationToken, EventKind[])"/>, an encounter_start naming its <paramref name="partner"/>.</summary>
    public async Task<CommandAnswer?> SendAsync(string rigId, CommandKind kind, long argument, PartnerMark? partner, TimeSpan timeout, CancellationToken cancellationToken, params EventKind[] follow)
    {
        var clock = await ReadClockAsync(rigId, cancellationToken).ConfigureAwait(false);
        long id = Random.Shared.NextInt64(1, 1L << 53);
        var buffer = new byte[CommandJson.MaxBytes];
        int length = new CommandJson().Write(kind, argument, id, Sender, clock.Boot, clock.TimeUs + (long)(Lifetime.TotalMilliseconds * 1000),
            partner?.Id, partner?.Novelty ?? Novelty.Unmarked, buffer, 0);
        var topics = client.TopicsOf(rigId);

        // The handler runs on the client's receive loop, and goes on running after the answer came.
        var handlerJson = new EventJson();
        var identity = new EventIdentity();
        var following = new System.Collections.Concurrent.ConcurrentQueue<JournalEvent>();
        Following = following;
        bool IsAnswer(byte[] payload)
        {
            var e = new JournalEvent();
            if (handlerJson.TryRead(payload, 0, payload.Length, e, identity) is not null || identity.BootId != clock.Boot)
            {
                return false;
            }

            if (Array.IndexOf(follow, e.Kind) >= 0)
            {
                following.Enqueue(e);
            }

            return e.Kind == EventKind.Command && e.Ref1 == id;
        }

        byte[]? answer = await client.WaitForAsync(topics.Events, IsAnswer, timeout,
            () => client.PublishAsync(topics.CommandsFrom(TopicSender), buffer[..length], retain: false, cancellationToken), cancellationToken, keepListening: follow.Length > 0).ConfigureAwait(false);
        if (answer is null)
        {
            return null;
        }

        var read = new JournalEvent();
        new EventJson().TryRead(answer, 0, answer.Length, read, new EventIdentity());
        return new CommandAnswer(id, (RefusalReason)read.Flags, read.TimeUs);
    }

    /// <summary>Events of the followed kinds gathered so far (they go on arriving while the client stays connected).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<JournalEvent> Following { get; private set; } = new();

    /// <summary>The rig's boot and clock from its retained status; a rig without one, or offline, cannot take commands.</summary>
    public async Task<(long Boot, long TimeUs)> ReadClockAsync(string rigId, CancellationToken cancellationToken)
    {
        byte[]? status = await client.WaitForAsync(client.TopicsOf(rigId).Status, _ => true, TimeSpan.FromSeconds(3), null, cancellationToken).ConfigureAwait(false)
            ?? throw new RigUnavailableException($"{rigId} has no status on the broker: it has never connected, or the rig id or --prefix is wrong");
        try
        {
            using var document = JsonDocument.Parse(status);
            var root = document.RootElement;
            if (!root.GetProperty("online").GetBoolean())
            {
                throw new RigUnavailableException($"{rigId} is offline (its last will is on the broker): nothing was sent");
            }

            return (root.GetProperty("boot").GetInt64(), root.GetProperty("t_us").GetInt64());
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new RigUnavailableException($"{rigId}'s status on the broker cannot be read ({exception.Message}): nothing was sent");
        }
    }

    /// <summary>The default sender: the user's login, made into a sender name (or "cli").</summary>
    public static string DefaultSender()
    {
        var name = new string(Environment.UserName.ToLowerInvariant().Where(c => SenderName.Pack(c.ToString()) > 0).Take(SenderName.MaxLength).ToArray());
        return name.Length > 0 ? name : "cli";
    }
}

/// <summary>The rig cannot take a command now (offline, never seen, unreadable status).</summary>
public sealed class RigUnavailableException(string message) : Exception(message);
