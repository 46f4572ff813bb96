namespace ClosedLoop.Engine.Detection
{
    internal interface IDecisionListener
    {
        /// <summary>
        /// A decision at <paramref name="nowUs"/> about the encounter with onset <paramref name="onsetUs"/>.
        /// <paramref name="deltaZ"/> is the Δz so far (NaN when it cannot be computed); <paramref name="preMeanZ"/>
        /// the pre-onset mean.
        /// </summary>
        void OnDecision(DecisionOutcome outcome, long onsetUs, long nowUs, double deltaZ, double preMeanZ, bool early);

        /// <summary>
        /// The post window of an encounter decided early has closed: <paramref name="outcome"/> and
        /// <paramref name="deltaZ"/> are what the full window says, to score the early decision against.
        /// </summary>
        void OnScored(DecisionOutcome outcome, long onsetUs, long nowUs, double deltaZ, DecisionOutcome earlyOutcome, long earlyLatencyUs, double earlyBoundary);
    }
}
