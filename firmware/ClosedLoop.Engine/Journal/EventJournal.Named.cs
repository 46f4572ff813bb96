using ClosedLoop.Engine.Detection;
using ClosedLoop.Engine.Output;
using ClosedLoop.Engine.Wire;

namespace ClosedLoop.Engine.Journal
{
    /// <summary>
    /// One named append per event kind: the only way the engine journals, so that a call with a field missing or of
    /// the wrong type does not compile. Each parameter after the time is named as <see cref="EventJson"/> writes the
    /// field (camelCase of its JSON name, in the same order; a test holds the two together). Each returns the event's
    /// sequence number. Allocation-free like <see cref="Append"/>.
    /// </summary>
    public sealed partial class EventJournal
    {
        internal long Boot(long timeUs, long config)
        {
            return Append(EventKind.Boot, timeUs, 0, 0, config, 0, 0, 0);
        }

        internal long ConfigApplied(long timeUs, long config)
        {
            return Append(EventKind.ConfigApplied, timeUs, 0, 0, config, 0, 0, 0);
        }

        /// <summary>errors: how many errors the refused config had; config: the hash bits of the config still in force.</summary>
        internal long ConfigRejected(long timeUs, int errors, long config)
        {
            return Append(EventKind.ConfigRejected, timeUs, errors, 0, config, 0, 0, 0);
        }

        internal long Armed(long timeUs, ControlSource source)
        {
            return Append(EventKind.Armed, timeUs, (int)source, 0, 0, 0, 0, 0);
        }

        internal long Disarmed(long timeUs, ControlSource source)
        {
            return Append(EventKind.Disarmed, timeUs, (int)source, 0, 0, 0, 0, 0);
        }

        internal long EStop(long timeUs, ControlSource source)
        {
            return Append(EventKind.EStop, timeUs, (int)source, 0, 0, 0, 0, 0);
        }

        internal long EStopReset(long timeUs, ControlSource source)
        {
            return Append(EventKind.EStopReset, timeUs, (int)source, 0, 0, 0, 0, 0);
        }

        internal long ArmRefused(long timeUs, ControlSource source, RefusalReason reason)
        {
            return Append(EventKind.ArmRefused, timeUs, (int)source, (int)reason, 0, 0, 0, 0);
        }

        internal long SessionStarted(long timeUs)
        {
            return Append(EventKind.SessionStarted, timeUs, 0, 0, 0, 0, 0, 0);
        }

        internal long SessionStopped(long timeUs, long trains, long refusals, double optoDose, double doseDose)
        {
            return Append(EventKind.SessionStopped, timeUs, 0, 0, trains, refusals, optoDose, doseDose);
        }

        /// <summary>partner: packed by <see cref="SenderName"/>, 0 when the mark named none.</summary>
        internal long EncounterOn(long timeUs, ControlSource source, Encounters.Novelty novelty, long onsetUs, long partner)
        {
            return Append(EventKind.EncounterOn, timeUs, (int)source, (int)novelty, onsetUs, partner, 0, 0);
        }

        internal long EncounterOff(long timeUs, long offsetUs, long onsetUs)
        {
            return Append(EventKind.EncounterOff, timeUs, 0, 0, offsetUs, onsetUs, 0, 0);
        }

        /// <summary>early: decided by the early rule before the post window closed (<see cref="DecisionFlags.Early"/>); dz: Δz of the whole window, or of the window so far when early; preZ: the pre-onset mean z.</summary>
        internal long Decision(long timeUs, DecisionOutcome outcome, bool early, long onsetUs, long latencyUs, double dz, double preZ)
        {
            return Append(EventKind.Decision, timeUs, (int)outcome, early ? (int)DecisionFlags.Early : 0, onsetUs, latencyUs, dz, preZ);
        }

        internal long DecisionScored(long timeUs, DecisionOutcome outcome, DecisionOutcome earlyOutcome, long onsetUs, long earlyLatencyUs, double dz, double earlyBoundary)
        {
            return Append(EventKind.DecisionScored, timeUs, (int)outcome, (int)earlyOutcome, onsetUs, earlyLatencyUs, dz, earlyBoundary);
        }

        /// <summary>flags: <see cref="OutputFlags"/>.</summary>
        internal long OutputStarted(long timeUs, int channel, int flags, long endUs, long pulses, double dose, double cumulativeDose)
        {
            return Append(EventKind.OutputStarted, timeUs, channel, flags, endUs, pulses, dose, cumulativeDose);
        }

        /// <summary>flags: <see cref="OutputFlags"/> (Aborted when cut short).</summary>
        internal long OutputStopped(long timeUs, int channel, int flags, long startUs)
        {
            return Append(EventKind.OutputStopped, timeUs, channel, flags, startUs, 0, 0, 0);
        }

        internal long OutputRefused(long timeUs, int channel, RefusalReason reason, double value, double limit)
        {
            return Append(EventKind.OutputRefused, timeUs, channel, (int)reason, 0, 0, value, limit);
        }

        internal long Fault(long timeUs, FaultCode fault, long detail)
        {
            return Append(EventKind.Fault, timeUs, (int)fault, 0, detail, 0, 0, 0);
        }

        internal long DataGap(long timeUs, long firstCycle, long cycles)
        {
            return Append(EventKind.DataGap, timeUs, 0, 0, firstCycle, cycles, 0, 0);
        }

        internal long SyncStarted(long firstEdgeUs, long periodUs, long widthUs)
        {
            return Append(EventKind.SyncStarted, firstEdgeUs, 0, 0, periodUs, widthUs, 0, 0);
        }

        internal long SelfTest(long timeUs, SelfTestResult result, long pulsesSent, long pulsesMeasured, double maxWidthErrorUs, double maxPeriodErrorUs)
        {
            return Append(EventKind.SelfTest, timeUs, (int)result, 0, pulsesSent, pulsesMeasured, maxWidthErrorUs, maxPeriodErrorUs);
        }

        internal long EventsLost(long timeUs, long firstSeq, long count)
        {
            return Append(EventKind.EventsLost, timeUs, 0, 0, firstSeq, count, 0, 0);
        }

        internal long FramesLost(long timeUs, long firstFrame, long count)
        {
            return Append(EventKind.FramesLost, timeUs, 0, 0, firstFrame, count, 0, 0);
        }

        /// <summary>result: the refusal reason, None when accepted; from: the sender's name packed by <see cref="SenderName"/>.</summary>
        internal long Command(long timeUs, CommandKind cmd, RefusalReason result, long id, long @from)
        {
            return Append(EventKind.Command, timeUs, (int)cmd, (int)result, id, @from, 0, 0);
        }

        /// <summary>plan: 0 met, 1 not met, 2 nothing measured yet; readingsPerPhase: readings per lit phase per cycle.</summary>
        internal long AcquisitionMeasured(long timeUs, int plan, int minReadings, long readingUs, long longestStartUs, double readingsPerPhase, double shortShare)
        {
            return Append(EventKind.AcquisitionMeasured, timeUs, plan, minReadings, readingUs, longestStartUs, readingsPerPhase, shortShare);
        }
    }
}
