using System.Buffers;
using ClosedLoop.Host.Monitor;
using MQTTnet;
using MQTTnet.Protocol;
using Spectre.Console;

namespace ClosedLoop.Host.Commands;

/// <summary>`monitor`: a live terminal view of every rig on the broker.</summary>
public static class MonitorCommand
{
    public static Command Create()
    {
        var seconds = new Option<double?>("--seconds") { Description = "Stop after this many seconds (default: until Ctrl+C)" };
        var blind = new Option<bool>("--blind") { Description = "For a blinded study: show no rig's mode, config hash or sham trains" };
        var broker = new BrokerOptions();
        var command = new Command("monitor", "Watch every rig live: online state, config hash, armed state, a sparkline of z, recent events") { seconds, blind };
        broker.AddTo(command);
        command.SetAction((parse, cancellationToken) => Guard.RunAsync(parse, async () =>
        {
            var endpoint = broker.Endpoint(parse);
            var state = new MonitorState(endpoint.TopicPrefix, parse.GetValue(blind));
            using var client = new MqttClientFactory().CreateMqttClient();
            client.ApplicationMessageReceivedAsync += e =>
            {
                state.Take(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray());
                return Task.CompletedTask;
            };
            BrokerClient.EnsureAccepted(await client.ConnectAsync(endpoint.Options($"closedloop-monitor-{Guid.NewGuid():N}").WithCleanStart(true).Build(), cancellationToken).ConfigureAwait(false), endpoint);
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter($"{endpoint.TopicPrefix}/#", MqttQualityOfServiceLevel.AtMostOnce).Build(), cancellationToken).ConfigureAwait(false);

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (parse.GetValue(seconds) is double limit)
            {
                stop.CancelAfter(TimeSpan.FromSeconds(limit));
            }

            var console = Terminal.For(parse);
            if (!console.Profile.Capabilities.Interactive)
            {
                // A file or a pipe: one table when the time is up (or on Ctrl+C), not a table every 250 ms.
                try
                {
                    await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }

                console.Write(MonitorView.Render(state.Snapshot(), state.Messages, state.Loggers()));
                return 0;
            }

            await console.Live(MonitorView.Render(state.Snapshot(), state.Messages, state.Loggers())).StartAsync(async context =>
            {
                while (!stop.IsCancellationRequested)
                {
                    context.UpdateTarget(MonitorView.Render(state.Snapshot(), state.Messages, state.Loggers()));
                    try
                    {
                        await Task.Delay(250, stop.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }

                context.UpdateTarget(MonitorView.Render(state.Snapshot(), state.Messages, state.Loggers()));
            }).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }
}
