using ClosedLoop.Engine.Acquisition;
using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Core;
using ClosedLoop.Engine.Output;
using ClosedLoop.Firmware.Rmt;

namespace ClosedLoop.Firmware.Acquisition
{
    /// <summary>
    /// The excitation LEDs as two looping RMT channels (carrier off, idle low): the hardware repeats one cycle's
    /// pattern forever, so every LED window is timed by the RMT, never by managed code. The engine plans the
    /// patterns; this class only loads and starts them and reports when the signal channel started.
    /// <para>
    /// A looping channel never finishes, so its driver stays busy: a second send on it would wait forever. Every
    /// new pattern (a restart, one colour steadily, dark) therefore goes to a fresh channel: on RMT 2.x a driver on
    /// the same channel number, which takes the hardware over; on 3.0 a new channel, the old one stopped first.
    /// </para>
    /// <para>
    /// On a board whose LED currents are set in software (the rig board's DAC), each start sets them first, from the
    /// acquisition settings, and <see cref="Stop"/> shuts the DAC's outputs down as well as darkening the patterns.
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
        private readonly Mcp4822LedCurrents _ledCurrents;
        private RmtTransmitter _signal;
        private RmtTransmitter _control;

        /// <param name="ledCurrents">The DAC setting the LEDs' currents, or null where the board sets them in hardware.</param>
        public RmtExcitation(IClock clock, int signalChannel, int signalPin, int controlChannel, int controlPin, Mcp4822LedCurrents ledCurrents)
        {
            _clock = clock;
            _ledCurrents = ledCurrents;
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
            if (_ledCurrents != null)
            {
                _ledCurrents.Set(settings.SignalLedMa, settings.ControlLedMa);
            }

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
                _signal.Loop(signalItems);
                long afterSignal = _clock.NowMicros;
                _control.Loop(controlItems);
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
            if (_ledCurrents != null)
            {
                _ledCurrents.Off();
            }
        }

        /// <summary>A fresh driver on the LED's channel, then its new pattern.</summary>
        private void Replace(bool signal, byte[] items)
        {
            Open(signal);
            (signal ? _signal : _control).Loop(items);
        }

        /// <summary>Releases the LED's channel and opens a new one for its next pattern.</summary>
        private void Open(bool signal)
        {
            RmtTransmitter old = signal ? _signal : _control;
            if (old != null)
            {
                old.Dispose();
            }

            RmtTransmitter channel = new RmtTransmitter(signal ? _signalChannelNumber : _controlChannelNumber, signal ? _signalPin : _controlPin, 1000, 1, true);
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
            byte[] items = RmtTransmitter.LoopItems(_plan);
            if (items == null)
            {
                throw new System.InvalidOperationException("excitation pattern cannot be looped by this RMT driver");
            }

            return items;
        }
    }
}
