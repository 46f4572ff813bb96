using ClosedLoop.Engine.Output;

namespace ClosedLoop.VirtualRig;

/// <summary>An output channel of the virtual board: records every train the engine starts and says when light is on.</summary>
public sealed class SimulatedOutput(IClock clock) : IOutputChannel
{
    private long _onFromUs = long.MaxValue;
    private long _onUntilUs = long.MinValue;

    /// <summary>Every train: when it was started and how long it lasts (µs).</summary>
    public List<(long StartUs, long DurationUs)> Trains { get; } = [];

    public int ForceLowCalls { get; private set; }

    /// <summary>Like the board on RMT 2.x, the simulated output can always start a train at once.</summary>
    public long BusyUntilUs => long.MinValue;

    public void Start(RmtPlan plan)
    {
        long now = clock.NowMicros;
        Trains.Add((now, plan.TotalUs));

        _onFromUs = now + FirstRisingEdge(plan);
        _onUntilUs = now + plan.TotalUs;
    }

    public void ForceLow()
    {
        ForceLowCalls++;
        _onUntilUs = Math.Min(_onUntilUs, clock.NowMicros);
    }

    private static long FirstRisingEdge(RmtPlan plan)
    {
        long t = 0;
        for (int i = 0; i < plan.ItemCount; i++)
        {
            if (plan.Level0[i])
            {
                return t;
            }

            t += plan.Duration0[i];
            if (plan.Level1[i])
            {
                return t;
            }

            t += plan.Duration1[i];
        }

        return t;
    }

    /// <summary>True while a train is between its first pulse and its end.</summary>
    public bool IsOn(long timeUs) => timeUs >= _onFromUs && timeUs < _onUntilUs;
}
