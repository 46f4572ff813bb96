namespace ClosedLoop.Engine.Tests.Support;

/// <summary>An output that records what the engine asked of it, and whether the pin would be high now.</summary>
public sealed class RecordingOutput(IClock clock) : IOutputChannel
{
    public List<(long TimeUs, long TotalUs, int Items)> Starts { get; } = [];

    /// <summary>How long a start keeps the caller waiting (a manual clock is moved on by it), as the board's SendData does.</summary>
    public long StartCostUs { get; set; }

    public int ForceLowCalls { get; private set; }

    /// <summary>Set by a test to play a driver that cannot take a train until then (RMT 3.0 after a cut train).</summary>
    public long BusyUntilUs { get; set; } = long.MinValue;

    private long _activeUntilUs = long.MinValue;

    /// <summary>True while a started train has not ended or been forced low.</summary>
    public bool IsDriving => clock.NowMicros < _activeUntilUs;

    public void Start(RmtPlan plan)
    {
        Starts.Add((clock.NowMicros, plan.TotalUs, plan.ItemCount));
        _activeUntilUs = clock.NowMicros + plan.TotalUs;
        if (StartCostUs > 0 && clock is ManualClock manual)
        {
            manual.Advance(StartCostUs);
        }
    }

    public void ForceLow()
    {
        ForceLowCalls++;
        _activeUntilUs = long.MinValue;
    }
}

/// <summary>LEDs that start when told, at the clock's now.</summary>
public sealed class FakeExcitation(IClock clock) : IExcitation
{
    public int Starts { get; private set; }

    public long Start(AcquisitionSettings settings)
    {
        Starts++;
        return clock.NowMicros;
    }

    public void Stop()
    {
    }
}
