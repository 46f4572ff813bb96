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
    /// <para>
    /// A looping channel never finishes, so its driver stays busy: a second SendData on it would wait forever,
    /// and disposing it leaves the hardware looping. Every new pattern (a restart, one colour steadily, dark)
    /// therefore goes to a fresh driver on the same channel number, which takes the hardware over.
    /// </para>
    /// </summary>
    public sealed class RmtExcitation : IExcitation
    {
        private readonly IClock _clock;
        private readonly int _signalChannelNumber;
        private readonly int _signalPin;
        private readonly int _controlChannelNumber;
        private readonly int _controlPin;
        private readonly RmtPlan _plan = new RmtPlan(ExcitationPattern.MaxItems);
        private readonly byte[] _items = new byte[ExcitationPattern.MaxItems * RmtItemEncoder.BytesPerItem];
        private TransmitterChannel _signal;
        private TransmitterChannel _control;

        public RmtExcitation(IClock clock, int signalChannel, int signalPin, int controlChannel, int controlPin)
        {
            _clock = clock;
            _signalChannelNumber = signalChannel;
            _signalPin = signalPin;
            _controlChannelNumber = controlChannel;
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
            if (settings.Continuous)
            {
                // One colour, always on: a steady pattern each (there is no other way to hold a looping channel's level).
                ExcitationPattern.PlanSteady(true, _plan);
                byte[] lit = Copy();
                ExcitationPattern.PlanSteady(false, _plan);
                byte[] dark = Copy();
                Replace(true, lit);
                Replace(false, dark);
                Aligned = true;
                WorstLateUs = 0;
                return _clock.NowMicros;
            }

            for (int attempt = 0; attempt < ExcitationPattern.MaxAttempts; attempt++)
            {
                Load(settings, false, 0);
                byte[] signalItems = Copy();
                Load(settings, true, lead);
                byte[] controlItems = Copy();
                Open(true);
                Open(false);

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

        /// <summary>Both LEDs dark: a steady-off pattern on each channel (disposing a channel would leave it looping).</summary>
        public void Stop()
        {
            ExcitationPattern.PlanSteady(false, _plan);
            byte[] dark = Copy();
            Replace(true, dark);
            Replace(false, dark);
        }

        /// <summary>A fresh driver on the LED's channel, then its new pattern.</summary>
        private void Replace(bool signal, byte[] items)
        {
            Open(signal);
            (signal ? _signal : _control).SendData(items, false);
        }

        /// <summary>Releases the LED's driver (the hardware keeps looping) and installs a new one on the same channel.</summary>
        private void Open(bool signal)
        {
            TransmitterChannel old = signal ? _signal : _control;
            if (old != null)
            {
                old.Dispose();
            }

            TransmitChannelSettings settings = new TransmitChannelSettings(signal ? _signalChannelNumber : _controlChannelNumber, signal ? _signalPin : _controlPin);
            settings.ClockDivider = 80;
            settings.EnableCarrierWave = false;
            settings.EnableLooping = true;
            settings.EnableIdleLevelOutput = true;
            settings.IdleLevel = false;
            settings.NumberOfMemoryBlocks = 1;
            TransmitterChannel channel = new TransmitterChannel(settings);
            if (signal)
            {
                _signal = channel;
            }
            else
            {
                _control = channel;
            }
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
