namespace ClosedLoop.Engine.Tests;

/// <summary>
/// Random configurations and random sequences of commands, inputs and requests: whatever happens, no output is
/// driven while disarmed or e-stopped, and no started train ever breaks a limit.
/// </summary>
public sealed class SafetyPropertyTests
{
    private enum Op
    {
        Arm,
        Disarm,
        EStop,
        EStopPress,
        EStopRelease,
        StartSession,
        StopSession,
        Request,
        Wait,
        Fault,
    }

    private static readonly Gen<RigConfig> Configs =
        from mode in Gen.Int[0, 2]
        from target in Gen.Int[0, 2]
        from width in Gen.Long[1, 20_000]
        from gap in Gen.Long[1, 60_000]
        from count in Gen.Int[1, 50]
        from maxDuty in Gen.Double[0.05, 1]
        from maxTrainMs in Gen.Long[1, 5_000]
        from perHour in Gen.Int[0, 10]
        from perSession in Gen.Int[0, 10]
        from minIntervalMs in Gen.Long[0, 60_000]
        from refractoryMs in Gen.Long[0, 30_000]
        from maxDose in Gen.Double[0, 200]
        select Build(mode, target, width, gap, count, maxDuty, maxTrainMs, perHour, perSession, minIntervalMs, refractoryMs, maxDose);

    private static RigConfig Build(int mode, int target, long width, long gap, int count, double maxDuty, long maxTrainMs, int perHour, int perSession, long minIntervalMs, long refractoryMs, double maxDose)
    {
        // Settings are set directly, past the validator, so that the gate's own checks are what is tested.
        var config = RigConfig.Default();
        config.Output.Mode = (OutputMode)mode;
        config.Output.Target = (OutputTarget)target;
        config.Output.RefractoryUs = refractoryMs * 1000;
        foreach (var train in new[] { config.Output.Opto, config.Output.Dose })
        {
            train.WidthUs = width;
            train.PeriodUs = width + gap;
            train.Count = count;
            train.MaxDuty = maxDuty;
            train.MaxTrainUs = maxTrainMs * 1000;
            train.MaxPerHour = perHour;
            train.MaxPerSession = perSession;
            train.MinIntervalUs = minIntervalMs * 1000;
            train.DosePerPulse = 1;
            train.MaxCumulativeDose = maxDose;
        }

        return config;
    }

    private static readonly Gen<(Op Op, long WaitUs)[]> Scripts =
        Gen.Select(Gen.Enum<Op>(), Gen.OneOf(Gen.Long[0, 2_000_000], Gen.Long[0, 900_000_000])).Array[1, 80];

    [Fact]
    public void No_sequence_drives_a_disarmed_or_estopped_output_or_breaks_a_limit() =>
        Gen.Select(Configs, Scripts).Sample((config, script) => Check(config, script), iter: 400);

    private static bool Check(RigConfig config, (Op Op, long WaitUs)[] script)
    {
        var clock = new ManualClock(0);
        var opto = new RecordingOutput(clock);
        var dose = new RecordingOutput(clock);
        var journal = new EventJournal(100_000, "rig", 1);
        var gate = new OutputGate(config.Output, journal, opto, dose);
        var outputs = new[] { opto, dose };
        var starts = new[] { new List<long>(), new List<long>() };
        var ends = new[] { new List<long>(), new List<long>() };
        var sessionStarts = new[] { 0, 0 };
        var sessionDose = new[] { 0.0, 0.0 };
        if (opto.IsDriving || dose.IsDriving)
        {
            return false;
        }

        foreach (var (op, wait) in script)
        {
            long now = clock.NowMicros;
            var before = new[] { opto.Starts.Count, dose.Starts.Count };
            switch (op)
            {
                case Op.Arm: gate.Arm(now, ControlSource.Command); break;
                case Op.Disarm: gate.Disarm(now, ControlSource.Command); break;
                case Op.EStop: gate.EStop(now, ControlSource.Command); break;
                case Op.EStopPress: gate.SetEStopInput(true, now); break;
                case Op.EStopRelease: gate.SetEStopInput(false, now); break;
                case Op.StartSession:
                    gate.StartSession(now);
                    sessionStarts = [0, 0];
                    sessionDose = [0, 0];
                    break;
                case Op.StopSession: gate.StopSession(now); break;
                case Op.Request: gate.RequestFromDecision(now); break;
                case Op.Fault: gate.Fault(FaultCode.Board, 0, now); break;
                case Op.Wait:
                    // Poll finely enough that no scheduled train is skipped over.
                    long until = now + wait;
                    for (long t = now; t < until; t += 1_000_000)
                    {
                        clock.AdvanceTo(t);
                        gate.Poll(t);
                    }

                    clock.AdvanceTo(until);
                    gate.Poll(until);
                    break;
            }

            now = clock.NowMicros;
            if ((!gate.IsArmed || gate.IsEStopLatched || !gate.InSession) && (opto.IsDriving || dose.IsDriving))
            {
                return false;
            }

            for (int c = 0; c < 2; c++)
            {
                var recorded = outputs[c].Starts;
                for (int i = before[c]; i < recorded.Count; i++)
                {
                    var train = gate.Channel(c).Train;
                    long t = recorded[i].TimeUs;
                    if (config.Output.Mode == OutputMode.Sham
                        || (double)train.WidthUs / train.PeriodUs > train.MaxDuty
                        || recorded[i].TotalUs > train.MaxTrainUs
                        || starts[c].Count(s => t - s < ChannelGate.HourUs) >= train.MaxPerHour
                        || sessionStarts[c] >= train.MaxPerSession
                        || sessionDose[c] + train.Count * train.DosePerPulse > train.MaxCumulativeDose
                        || (starts[c].Count > 0 && t - starts[c][^1] < train.MinIntervalUs)
                        || (ends[c].Count > 0 && t < ends[c][^1] + config.Output.RefractoryUs))
                    {
                        return false;
                    }

                    starts[c].Add(t);
                    ends[c].Add(t + recorded[i].TotalUs);
                    sessionStarts[c]++;
                    sessionDose[c] += train.Count * train.DosePerPulse;
                }

                // A train cut short ends when it was cut: the refractory period counts from then.
                if (ends[c].Count > 0 && !gate.Channel(c).IsRunning && gate.Channel(c).LastEndUs < ends[c][^1])
                {
                    ends[c][^1] = gate.Channel(c).LastEndUs;
                }
            }
        }

        return true;
    }
}
