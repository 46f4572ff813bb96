using ClosedLoop.Engine.Config;
using ClosedLoop.VirtualRig;

namespace ClosedLoop.Host.Tests;

/// <summary>A virtual rig connected to a broker through a <see cref="RigLink"/>, run in virtual time.</summary>
public sealed class LinkedRig : IAsyncDisposable
{
    private const long Second = 1_000_000;

    private LinkedRig(VirtualRig.VirtualRig rig, RigLink link)
    {
        Rig = rig;
        Link = link;
    }

    public VirtualRig.VirtualRig Rig { get; }

    public RigLink Link { get; }

    public string RigId => Rig.Engine.Journal.RigId;

    public long BootId => Rig.Engine.Journal.BootId;

    /// <summary>Sequences the rig has journaled so far: 1 .. LastSequence.</summary>
    public long LastSequence => Rig.Engine.Journal.NextSequence - 1;

    public static async Task<LinkedRig> StartAsync(BrokerEndpoint endpoint, string rigId = "rig-t", long bootId = 1, ulong seed = 1, bool armed = true, bool publishSamples = false, int? frameCapacity = null, string[]? settings = null, IReadOnlyList<LightFault>? lightFaults = null)
    {
        var document = new ConfigDocument();
        document.Set("rig", "id", rigId);
        document.Set("processing", "warmup_s", "5");
        foreach (string setting in settings ?? [])
        {
            Assert.True(document.TrySet(setting, new ConfigErrorList()), setting);
        }

        if (frameCapacity is int capacity)
        {
            document.Set("journal", "frame_capacity", capacity.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var config = ConfigLoader.FromDocument(document, new ConfigErrorList()).Config;

        // Encounters every 5-10 s keep the event stream busy.
        var scenario = Scenario.Random(seed, 2000, 10 * Second, 3 * Second, 8 * Second, Second, 3 * Second);
        var rig = new VirtualRig.VirtualRig(config, new SimulationOptions { Seed = seed, Phenotype = Phenotype.IsolationReared, ReadingIntervalUs = 500, LightFaults = lightFaults ?? [] }, scenario, bootId);
        var link = new RigLink(rig.Engine, endpoint, publishSamples);
        await link.ConnectAsync(CancellationToken.None);
        if (armed)
        {
            rig.Engine.Arm();
            rig.Engine.StartSession();
        }

        link.Pump();
        return new LinkedRig(rig, link);
    }

    /// <summary>Runs <paramref name="seconds"/> of rig time, applying commands and configs every simulated second.</summary>
    public void Run(int seconds)
    {
        for (int i = 0; i < seconds; i++)
        {
            Rig.RunFor(Second);
            Link.Pump();
        }
    }

    /// <summary>Pumps the link in the background (a rig idling between readings) until disposed.</summary>
    public IAsyncDisposable PumpInBackground()
    {
        var stop = new CancellationTokenSource();
        var task = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                lock (this)
                {
                    Link.Pump();
                }

                await Task.Delay(10);
            }
        });
        return new Stopper(stop, task);
    }

    /// <summary>The rig's journaled events of one kind, oldest first.</summary>
    public List<ClosedLoop.Engine.Journal.JournalEvent> Events(ClosedLoop.Engine.Journal.EventKind kind)
    {
        lock (this)
        {
            var journal = Rig.Engine.Journal;
            var found = new List<ClosedLoop.Engine.Journal.JournalEvent>();
            for (long s = journal.OldestSequence; s < journal.NextSequence; s++)
            {
                var e = new ClosedLoop.Engine.Journal.JournalEvent();
                if (journal.TryGet(s, e) == ClosedLoop.Engine.Journal.ReplayStatus.Ok && e.Kind == kind)
                {
                    found.Add(e);
                }
            }

            return found;
        }
    }

    public ValueTask DisposeAsync() => Link.DisposeAsync();

    private sealed class Stopper(CancellationTokenSource stop, Task task) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await task;
            stop.Dispose();
        }
    }
}
