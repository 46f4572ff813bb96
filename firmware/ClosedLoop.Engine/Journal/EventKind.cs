namespace ClosedLoop.Engine.Journal
{
    /// <summary>
    /// What happened. The meaning of a <see cref="JournalEvent"/>'s generic slots depends on the kind; the wire
    /// encoder (<see cref="Wire.EventJson"/>) gives each slot its proper name per kind.
    /// </summary>
    public enum EventKind
    {
        /// <summary>The engine started with outputs low. Ref1 = config hash bits.</summary>
        Boot = 1,

        /// <summary>A config was applied whole. Ref1 = its hash bits.</summary>
        ConfigApplied = 2,

        /// <summary>A config was refused and the previous one kept. Code = number of errors; Ref1 = the still-active hash bits.</summary>
        ConfigRejected = 3,

        /// <summary>Outputs may now be driven. Code = <see cref="ControlSource"/>.</summary>
        Armed = 4,

        /// <summary>Outputs forced low and no train may start. Code = <see cref="ControlSource"/>.</summary>
        Disarmed = 5,

        /// <summary>Emergency stop: outputs low at once, latched until re-armed. Code = <see cref="ControlSource"/>.</summary>
        EStop = 6,

        /// <summary>A session began: per-session limits and counters start from zero.</summary>
        SessionStarted = 7,

        /// <summary>The session ended. Ref1 = trains delivered, Ref2 = refusals, Value1 = opto dose, Value2 = dosing dose.</summary>
        SessionStopped = 8,

        /// <summary>An encounter was confirmed. Code = <see cref="ControlSource"/>; Ref1 = onset time (µs).</summary>
        EncounterOn = 9,

        /// <summary>An encounter ended. Ref1 = offset time (µs); Ref2 = its onset time.</summary>
        EncounterOff = 10,

        /// <summary>The detector decided. Code = <see cref="Detection.DecisionOutcome"/>; Flags = <see cref="Detection.DecisionFlags"/> (Early: before the window closed); Ref1 = onset time; Ref2 = latency (µs); Value1 = Δz (of the window so far when early); Value2 = pre-onset mean z.</summary>
        Decision = 11,

        /// <summary>A train started. Code = channel; Flags = <see cref="OutputFlags"/>; Ref1 = planned end (µs); Ref2 = pulses; Value1 = dose; Value2 = cumulative dose.</summary>
        OutputStarted = 12,

        /// <summary>A train ended. Code = channel; Flags = <see cref="OutputFlags"/> (Aborted when cut short); Ref1 = its start (µs).</summary>
        OutputStopped = 13,

        /// <summary>A limit refused a train. Code = channel; Flags = <see cref="Output.RefusalReason"/>; Value1 = the value; Value2 = the limit.</summary>
        OutputRefused = 14,

        /// <summary>Something went wrong; outputs were forced low and the gate disarmed. Code = <see cref="FaultCode"/>; Ref1 = detail.</summary>
        Fault = 15,

        /// <summary>Acquisition lost cycles or a cycle had too few readings. Ref1 = first cycle index; Ref2 = cycles affected.</summary>
        DataGap = 16,

        /// <summary>An Arm was refused. Code = <see cref="ControlSource"/>; Flags = <see cref="Output.RefusalReason"/>.</summary>
        ArmRefused = 17,

        /// <summary>The 1 Hz sync output started; its rising edges fall at this event's time + k x period. Ref1 = period (µs); Ref2 = pulse width (µs).</summary>
        SyncStarted = 18,

        /// <summary>A timing self-test ended. Code = <see cref="Output.SelfTestResult"/>; Ref1 = pulses sent; Ref2 = pulses measured; Value1 = worst width error (µs); Value2 = worst period error (µs).</summary>
        SelfTest = 19,

        /// <summary>Events the link never published were overwritten (RAM journal and flash both full). Ref1 = first lost sequence; Ref2 = how many.</summary>
        EventsLost = 20,

        /// <summary>The rig's answer to a command message. Code = <see cref="Wire.CommandKind"/>; Flags = <see cref="Output.RefusalReason"/> (None = accepted); Ref1 = the command's id; Ref2 = its sender (<see cref="Wire.SenderName"/>).</summary>
        Command = 21,

        /// <summary>A latched e-stop was reset on purpose; the rig stays disarmed. Code = <see cref="ControlSource"/>.</summary>
        EStopReset = 22,

        /// <summary>
        /// The rig's own measurement of a second of acquisition (the first after each start, each start or end of a miss of two seconds or more,
        /// and before a self-test result). Code = that second's verdict: 0 plan met, 1 not met, 2 nothing measured yet; Flags = min_readings; Ref1 = time per reading (µs);
        /// Ref2 = longest output start since boot (µs); Value1 = readings per lit phase per cycle; Value2 = share of
        /// cycles short of readings or missing.
        /// </summary>
        AcquisitionMeasured = 23,

        /// <summary>Sample frames a logger asked for again that the rig no longer holds: they are gone. Ref1 = first frame number; Ref2 = how many.</summary>
        FramesLost = 24,

        /// <summary>
        /// The post window of an encounter decided early closed (rule = early): the full window's verdict, to score the
        /// early decision against. Code = the full window's <see cref="Detection.DecisionOutcome"/>; Flags = the early
        /// outcome; Ref1 = onset time; Ref2 = the early decision's latency (µs); Value1 = the full window's Δz;
        /// Value2 = the boundary (z) the early decision crossed.
        /// </summary>
        DecisionScored = 25,
    }
}
