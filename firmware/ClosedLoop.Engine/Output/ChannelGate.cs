using ClosedLoop.Engine.Config;

namespace ClosedLoop.Engine.Output
{
    /// <summary>
    /// One output's train, plan buffer, running state and the counters its limits need. <see cref="Check"/>
    /// decides whether a train may start now; <see cref="Start"/> records it. The decision and the start happen
    /// in the same call of <see cref="OutputGate"/>, so a limit always holds at the moment of output.
    /// </summary>
    internal sealed class ChannelGate
    {
        public const long HourUs = 3600L * 1000000L;

        private readonly TrainSettings _train;
        private readonly long _refractoryUs;
        private readonly RmtPlan _plan;
        private readonly long[] _recentStartsUs;
        private int _recentNext;
        private int _recentCount;

        public ChannelGate(int channel, TrainSettings train, long refractoryUs, int maxItems, IOutputChannel driver)
        {
            Channel = channel;
            Driver = driver;
            _train = train;
            _refractoryUs = refractoryUs;
            _plan = new RmtPlan(maxItems);
            _recentStartsUs = new long[train.MaxPerHour > 0 ? train.MaxPerHour : 1];
            LastStartUs = long.MinValue;
            LastEndUs = long.MinValue;
        }

        public int Channel { get; private set; }

        public IOutputChannel Driver { get; private set; }

        public TrainSettings Train => _train;

        public RmtPlan Plan => _plan;

        public bool IsRunning => Running;

        /// <summary>
        /// <see cref="IsRunning"/> as a field, for the gate and the pipeline, which read it several times a cycle
        /// (on the interpreter a property read is a call). Only this class writes it.
        /// </summary>
        internal bool Running;

        public long LastStartUs { get; private set; }

        /// <summary>When the running (or last) train ends or ended.</summary>
        public long LastEndUs { get; private set; }

        public int SessionTrains { get; private set; }

        public double SessionDose { get; private set; }

        /// <summary>The value and limit behind the last refusal, for the journal.</summary>
        public double RefusedValue { get; private set; }

        public double RefusedLimit { get; private set; }

        public void StartSession()
        {
            SessionTrains = 0;
            SessionDose = 0;
        }

        /// <summary>Every limit of this channel against a train starting at <paramref name="nowUs"/>.</summary>
        public RefusalReason Check(long nowUs)
        {
            if (Running)
            {
                return Refuse(RefusalReason.Busy, LastEndUs - nowUs, 0);
            }

            if (LastEndUs != long.MinValue && nowUs - LastEndUs < _refractoryUs)
            {
                return Refuse(RefusalReason.Refractory, nowUs - LastEndUs, _refractoryUs);
            }

            if (LastStartUs != long.MinValue && nowUs - LastStartUs < _train.MinIntervalUs)
            {
                return Refuse(RefusalReason.MinInterval, nowUs - LastStartUs, _train.MinIntervalUs);
            }

            if (_train.WidthUs < 1 || _train.PeriodUs <= _train.WidthUs || _train.Count < 1 || _train.DelayUs < 0)
            {
                return Refuse(RefusalReason.InvalidTrain, _train.WidthUs, _train.PeriodUs);
            }

            double duty = (double)_train.WidthUs / _train.PeriodUs;
            if (duty > _train.MaxDuty)
            {
                return Refuse(RefusalReason.MaxDuty, duty, _train.MaxDuty);
            }

            if (_train.TrainUs > _train.MaxTrainUs)
            {
                return Refuse(RefusalReason.MaxTrainLength, _train.TrainUs, _train.MaxTrainUs);
            }

            int lastHour = StartsWithinHour(nowUs);
            if (lastHour >= _train.MaxPerHour)
            {
                return Refuse(RefusalReason.MaxTrainsPerHour, lastHour, _train.MaxPerHour);
            }

            if (SessionTrains >= _train.MaxPerSession)
            {
                return Refuse(RefusalReason.MaxTrainsPerSession, SessionTrains, _train.MaxPerSession);
            }

            double dose = TrainDose;
            if (SessionDose + dose > _train.MaxCumulativeDose)
            {
                return Refuse(RefusalReason.MaxCumulativeDose, SessionDose + dose, _train.MaxCumulativeDose);
            }

            PlanStatus status = RmtPlanner.Plan(_train.DelayUs, _train.WidthUs, _train.PeriodUs, _train.Count, _plan);
            if (status != PlanStatus.Ok)
            {
                int needed = RmtPlanner.CountItems(_train.DelayUs, _train.WidthUs, _train.PeriodUs, _train.Count);
                return Refuse(status == PlanStatus.TooManyItems ? RefusalReason.PlanTooLarge : RefusalReason.InvalidTrain, needed, _plan.Capacity);
            }

            return RefusalReason.None;
        }

        /// <summary>The dose one train delivers: pulses × dose per pulse.</summary>
        public double TrainDose => _train.Count * _train.DosePerPulse;

        /// <summary>Records a started train (the caller has checked it and, unless sham, driven the output).</summary>
        public void Start(long nowUs)
        {
            Running = true;
            LastStartUs = nowUs;
            LastEndUs = nowUs + _plan.TotalUs;
            SessionTrains++;
            SessionDose += TrainDose;
            _recentStartsUs[_recentNext] = nowUs;
            _recentNext = (_recentNext + 1) % _recentStartsUs.Length;
            if (_recentCount < _recentStartsUs.Length)
            {
                _recentCount++;
            }
        }

        /// <summary>Marks the train finished (at its planned end, or cut short at <paramref name="nowUs"/>).</summary>
        public void Stop(long nowUs)
        {
            Running = false;
            if (nowUs < LastEndUs)
            {
                LastEndUs = nowUs;
            }
        }

        private int StartsWithinHour(long nowUs)
        {
            int count = 0;
            for (int i = 0; i < _recentCount; i++)
            {
                if (nowUs - _recentStartsUs[i] < HourUs)
                {
                    count++;
                }
            }

            return count;
        }

        private RefusalReason Refuse(RefusalReason reason, double value, double limit)
        {
            RefusedValue = value;
            RefusedLimit = limit;
            return reason;
        }
    }
}
