namespace ClosedLoop.Engine.Acquisition
{
    /// <summary>Receives each completed cycle.</summary>
    public interface ICycleSink
    {
        void OnCycle(CycleSample cycle);

        /// <summary>Cycles <paramref name="firstCycle"/> .. firstCycle+count-1 received no reading at all.</summary>
        void OnMissingCycles(long firstCycle, long count);
    }
}
