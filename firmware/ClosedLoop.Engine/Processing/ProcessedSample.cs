namespace ClosedLoop.Engine.Processing
{
    /// <summary>The processed values of one cycle. Reused from cycle to cycle: copy what you need to keep.</summary>
    public sealed class ProcessedSample
    {
        public long CycleIndex;

        /// <summary>The cycle's start time (µs).</summary>
        public long TimeUs;

        /// <summary>The cycle's signal mean minus its dark mean, before any filtering (ADC counts): what GuPPy calls the raw signal.</summary>
        public double RawSignal;

        /// <summary>The cycle's control mean minus its dark mean, before any filtering (ADC counts; 0 in continuous mode).</summary>
        public double RawControl;

        /// <summary>Dark-subtracted, low-passed signal channel (ADC counts).</summary>
        public double Signal;

        /// <summary>Dark-subtracted, low-passed control channel (ADC counts; 0 in continuous mode).</summary>
        public double Control;

        /// <summary>Ŝ: the signal the control predicts (or, in continuous mode, the slow baseline).</summary>
        public double Fitted;

        /// <summary>dF/F = (S - Ŝ) / Ŝ.</summary>
        public double Dff;

        /// <summary>Robust z of dF/F.</summary>
        public double Z;

        /// <summary>False when the cycle lacked readings; Dff and Z are then NaN.</summary>
        public bool IsValid;

        /// <summary>True once the z baseline has warmed up.</summary>
        public bool IsReady;

        /// <summary>
        /// How long after its cycle ended the engine processed it (µs): a cycle is over when its last reading is in,
        /// and is processed when the sampler hands the next ones over. Whether an encounter or a train still counted
        /// at that moment decided what the baselines learnt, so a replay of a log processes each cycle this late too.
        /// </summary>
        public long ProcessedAfterUs;
    }
}
