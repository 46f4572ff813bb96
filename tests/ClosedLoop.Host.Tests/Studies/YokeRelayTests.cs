using System.Net;
using ClosedLoop.Engine.Journal;
using ClosedLoop.Engine.Wire;
using ClosedLoop.Host.Studies;

namespace ClosedLoop.Host.Tests.Studies;

/// <summary>The live relay on its own, fed a partner's events by hand on a real (embedded) broker.</summary>
public sealed class YokeRelayTests
{
    [Fact]
    public async Task Only_driven_trains_of_the_session_it_was_told_of_are_relayed_at_their_offset_in_that_session_then_its_end()
    {
        int port = EmbeddedBroker.FreePort();
        await using var broker = await EmbeddedBroker.StartAsync(IPAddress.Loopback, port);
        var endpoint = BrokerEndpoint.Loopback(port);
        await using var client = await BrokerClient.ConnectAsync(endpoint, CancellationToken.None);
        long sequence = 0;
        async Task Publish(EventKind kind, long timeUs, int flags = 0)
        {
            var buffer = new byte[EventJson.MaxEventBytes];
            int length = new EventJson().Write("partner", 3, new JournalEvent { Kind = kind, Sequence = ++sequence, TimeUs = timeUs, Flags = flags }, buffer, 0);
            await client.PublishAsync(client.TopicsOf("partner").Events, buffer[..length], retain: false, CancellationToken.None);
        }

        var relay = new YokeRelay(endpoint, new Dictionary<string, IReadOnlyList<string>> { ["partner"] = ["yoked"] });
        await relay.StartAsync(CancellationToken.None);
        {

            // An earlier session and its train (as a replay would bring them), then the session the runner started.
            await Publish(EventKind.SessionStarted, 10_000_000);
            await Publish(EventKind.OutputStarted, 20_000_000);
            await Publish(EventKind.SessionStopped, 30_000_000);
            await Publish(EventKind.SessionStarted, 100_000_000);
            relay.ExpectSession("partner", 3, 100_000_050);
            await Publish(EventKind.OutputStarted, 25_000_000);
            await Publish(EventKind.OutputStarted, 130_000_000, OutputFlags.Sham);
            await Publish(EventKind.OutputStarted, 140_000_000, OutputFlags.Yoked);
            await Publish(EventKind.OutputStarted, 150_000_000);
            await Publish(EventKind.OutputStarted, 150_000_000); // the dose channel of the same decision
            Assert.Null(relay.RelayedSessionLength("partner"));
            await Publish(EventKind.SessionStopped, 160_000_000);
            await Task.Delay(500);
        }

        // Disposing relays what had arrived. The yoked rig is not on the broker: the trigger is recorded as not taken,
        // and the relay goes on.
        await relay.DisposeAsync();

        // The session's end came through the queue after its train: the earlier session's end was not taken for it.
        Assert.Equal(60_000_000, relay.RelayedSessionLength("partner"));
        var relayed = Assert.Single(relay.Relayed);
        Assert.Equal(("partner", 3L, 150_000_000L, 50_000_000L, "yoked"), (relayed.PartnerRig, relayed.PartnerBoot, relayed.PartnerTimeUs, relayed.OffsetUs, relayed.YokedRig));
        Assert.False(relayed.Accepted);
        Assert.Contains("yoked has no status", relayed.Answer, StringComparison.Ordinal);
    }
}
