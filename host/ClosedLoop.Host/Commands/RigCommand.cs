using ClosedLoop.VirtualRig;

namespace ClosedLoop.Host.Commands;

/// <summary>`rig simulate`: virtual rigs against any broker, for dry runs and load tests.</summary>
public static class RigCommand
{
    private const long Second = 1_000_000;

    public static Command Create()
    {
        var count = new Option<int>("--rigs") { Description = "How many rigs (rig-01, rig-02, ...)", DefaultValueFactory = _ => 1 };
        var phenotype = new Option<Phenotype>("--phenotype") { Description = "The simulated mice", DefaultValueFactory = _ => Phenotype.IsolationReared };
        var minutes = new Option<double>("--minutes") { Description = "Rig time to run", DefaultValueFactory = _ => 10 };
        var speed = new Option<double>("--speed") { Description = "Rig seconds per wall second (1 = real time)", DefaultValueFactory = _ => 1 };
        var seed = new Option<ulong>("--seed") { Description = "Simulation seed", DefaultValueFactory = _ => 1 };
        var broker = new BrokerOptions();
        var simulate = new Command("simulate", "Run virtual rigs that publish to a broker and obey its commands and configs") { count, phenotype, minutes, speed, seed };
        broker.AddTo(simulate);
        simulate.SetAction((parse, cancellationToken) => Guard.RunAsync(parse, () =>
            SimulateAsync(parse, broker.Endpoint(parse), parse.GetValue(count), parse.GetValue(phenotype), parse.GetValue(minutes), parse.GetValue(speed), parse.GetValue(seed), cancellationToken)));
        return new Command("rig", "Virtual rigs") { simulate };
    }

    private static async Task<int> SimulateAsync(ParseResult parse, BrokerEndpoint endpoint, int count, Phenotype phenotype, double minutes, double speed, ulong seed, CancellationToken cancellationToken)
    {
        if (count is < 1 or > 256 || speed <= 0 || minutes <= 0)
        {
            throw new CommandLineException($"expected --rigs from 1 to 256, --speed above 0 and --minutes above 0; got {count}, {speed}, {minutes}");
        }

        var output = parse.InvocationConfiguration.Output;
        var runs = Enumerable.Range(1, count).Select(i => Task.Run(() => RunOneAsync($"rig-{i:D2}", endpoint, phenotype, minutes, speed, seed + (ulong)i, cancellationToken), cancellationToken));
        output.WriteLine($"{count} virtual rig(s) on {endpoint.Host}:{endpoint.Port} under {endpoint.TopicPrefix}/");
        try
        {
            await Task.WhenAll(runs).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        return 0;
    }

    private static async Task RunOneAsync(string rigId, BrokerEndpoint endpoint, Phenotype phenotype, double minutes, double speed, ulong seed, CancellationToken cancellationToken)
    {
        var document = new ConfigDocument();
        document.Set("rig", "id", rigId);
        var config = ConfigLoader.FromDocument(document, new ConfigErrorList()).Config;
        long durationUs = (long)(minutes * 60 * Second);
        var scenario = Scenario.Random(seed, (int)(durationUs / (20 * Second)) + 1, 30 * Second, 15 * Second, 45 * Second, 2 * Second, 8 * Second);
        var rig = new VirtualRig.VirtualRig(config, new SimulationOptions { Seed = seed, Phenotype = phenotype }, scenario);
        await using var link = new RigLink(rig.Engine, endpoint);
        await link.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var started = DateTime.UtcNow;
        long step = 50_000;
        for (long t = step; t <= durationUs && !cancellationToken.IsCancellationRequested; t += step)
        {
            rig.RunUntil(t);
            link.Pump();
            var due = started + TimeSpan.FromSeconds(t / 1e6 / speed);
            var wait = due - DateTime.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }

        link.Pump();
        await link.FlushAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
    }
}
