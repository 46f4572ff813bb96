using ClosedLoop.Engine.Acquisition;
using ClosedLoop.Engine.Output;

namespace ClosedLoop.VirtualRig.Replay;

/// <summary>An output with nothing attached: replays and benchmarks decide, but drive nothing.</summary>
public sealed class DisconnectedOutput : IOutputChannel
{
    public int Starts { get; private set; }

    public long BusyUntilUs => long.MinValue;

    public void Start(RmtPlan plan) => Starts++;

    public void ForceLow()
    {
    }
}

/// <summary>LEDs that are not there: a recording was excited elsewhere, so the pattern's epoch is simply zero.</summary>
public sealed class RecordedExcitation : IExcitation
{
    public long Start(AcquisitionSettings settings) => 0;

    public void Stop()
    {
    }
}
