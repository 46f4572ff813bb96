using ClosedLoop.Engine.Processing;

namespace ClosedLoop.VirtualRig;

/// <summary>Keeps every processed cycle (time, raw channels, dF/F, z) in growable arrays, for analysis and export.</summary>
public sealed class SampleRecorder : IProcessedSampleSink
{
    public List<long> TimeUs { get; } = [];

    public List<double> RawSignal { get; } = [];

    public List<double> RawControl { get; } = [];

    public List<double> Dff { get; } = [];

    public List<double> Z { get; } = [];

    public List<bool> Valid { get; } = [];

    public int Count => TimeUs.Count;

    public void OnProcessed(ProcessedSample sample)
    {
        TimeUs.Add(sample.TimeUs);
        RawSignal.Add(sample.RawSignal);
        RawControl.Add(sample.RawControl);
        Dff.Add(sample.Dff);
        Z.Add(sample.IsReady ? sample.Z : double.NaN);
        Valid.Add(sample.IsValid);
    }
}
