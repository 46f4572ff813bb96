namespace ClosedLoop.Engine.Processing
{
    /// <summary>Receives each processed cycle (live views, sample frames). The instance is reused: copy what you keep.</summary>
    public interface IProcessedSampleSink
    {
        void OnProcessed(ProcessedSample sample);
    }
}
