using ClosedLoop.Engine.Acquisition;
using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Core;
using ClosedLoop.Engine.Output;
using nanoFramework.Hardware.Esp32.Rmt;

namespace ClosedLoop.Firmware.Acquisition
{
    /// <summary>
    /// The excitation LEDs as two looping RMT channels (carrier off, idle low): the hardware repeats one cycle's
    /// pattern forever, so every LED window is timed by the RMT, never by managed code. The engine plans the
    /// patterns; this class only loads and starts them and reports when the signal channel started.
    /// </summary>
    public sealed class RmtExcitation : IExcitation
    {
        private readonly IClock _clock;
        private readonly int _signalPin;
        private readonly int _controlPin;
        private readonly RmtPlan _plan = new RmtPlan(ExcitationPattern.MaxItems);
        private readonly byte[] _items = new byte[ExcitationPattern.MaxItems * RmtItemEncoder.BytesPerItem];
        private TransmitterChannel _signal;
        private TransmitterChannel _control;

        public RmtExcitation(IClock clock, int signalPin, int controlPin)
        {
            _clock = clock;
            _signalPin = signalPin;
            _controlPin = controlPin;
        }

        /// <summary>The lag between the two channels' starts that the control pattern was last planned for (µs).</summary>
        public long LastLeadUs { get; private set; }

        /// <summary>False when, after every allowed restart, an LED edge could still fall outside the settle guards.</summary>
        public bool Aligned { get; private set; }

        /// <summary>How late (or, for the control LED, early) an LED edge may be against the schedule, from the last start (µs).</summary>
        public long WorstLateUs { get; private set; }

        public long Start(AcquisitionSettings settings)
        {
            long lead = LastLeadUs;
            long epoch = 0;
            for (int attempt = 0; attempt < ExcitationPattern.MaxAttempts; attempt++)
            {
                Stop();
                _signal = Open(_signalPin, settings.Continuous);
                _control = Open(_controlPin, false);
                if (settings.Continuous)
                {
                    // One colour, always on: the idle level holds the signal LED high without any pattern.
                    Aligned = true;
                    WorstLateUs = 0;
                    return _clock.NowMicros;
                }

                Load(settings, false, 0);
                byte[] signalItems = Copy();
                Load(settings, true, lead);
                byte[] controlItems = Copy();

                // Each channel starts somewhere inside its SendData call: the epoch is taken before the first call,
                // so that every LED edge comes at or after the schedule's (ExcitationPattern explains why).
                long beforeSignal = _clock.NowMicros;
                _signal.SendData(signalItems, false);
                long afterSignal = _clock.NowMicros;
                _control.SendData(controlItems, false);
                long afterControl = _clock.NowMicros;
                epoch = beforeSignal;
                long signalCall = afterSignal - beforeSignal;
                long bothCalls = afterControl - beforeSignal;
                WorstLateUs = ExcitationPattern.WorstLateUs(lead, signalCall, bothCalls);
                Aligned = ExcitationPattern.ControlAligned(settings, lead, signalCall, bothCalls);
                if (Aligned)
                {
                    break;
                }

                // The engine decides the next plan; the LEDs restart with it.
                lead = ExcitationPattern.NextLead(settings, signalCall);
            }

            LastLeadUs = lead;
            return epoch;
        }

        public void Stop()
        {
            if (_signal != null)
            {
                _signal.Dispose();
                _signal = null;
            }

            if (_control != null)
            {
                _control.Dispose();
                _control = null;
            }
        }

        private static TransmitterChannel Open(int pin, bool idleHigh)
        {
            TransmitChannelSettings settings = new TransmitChannelSettings(-1, pin);
            settings.ClockDivider = 80;
            settings.EnableCarrierWave = false;
            settings.EnableLooping = true;
            settings.EnableIdleLevelOutput = true;
            settings.IdleLevel = idleHigh;
            settings.NumberOfMemoryBlocks = 1;
            return new TransmitterChannel(settings);
        }

        private void Load(AcquisitionSettings settings, bool control, long leadUs)
        {
            if (ExcitationPattern.Plan(settings, control, leadUs, _plan) != PlanStatus.Ok)
            {
                throw new System.InvalidOperationException("excitation pattern does not fit one RMT block");
            }
        }

        private byte[] Copy()
        {
            int length = RmtItemEncoder.Encode(_plan, 0, _plan.ItemCount, _items, 0);
            byte[] items = new byte[length];
            System.Array.Copy(_items, items, length);
            return items;
        }
    }
}
