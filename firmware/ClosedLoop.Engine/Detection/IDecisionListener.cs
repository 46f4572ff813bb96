namespace ClosedLoop.Engine.Detection
{
    internal interface IDecisionListener
    {
        /// <summary>
        /// A decision at <paramref name="nowUs"/> about the encounter with onset <paramref name="onsetUs"/>.
        /// <paramref name="deltaZ"/> is the Δz so far (NaN when it cannot be computed); <paramref name="preMeanZ"/>
        /// the pre-onset mean.
        /// </summary>
        void OnDecision(DecisionOutcome outcome, long onsetUs, long nowUs, double deltaZ, double preMeanZ);
    }
}
