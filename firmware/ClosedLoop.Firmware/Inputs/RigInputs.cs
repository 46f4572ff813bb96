using System;
using System.Device.Gpio;
using System.Threading;
using ClosedLoop.Engine;
using ClosedLoop.Engine.Core;

namespace ClosedLoop.Firmware.Inputs
{
    /// <summary>
    /// The arm key switch, the e-stop button and the encounter TTL, as GPIO edges handed to the engine, which
    /// decides what they mean. The e-stop is wired normally-closed to ground with a pull-up, so a pressed button
    /// and a cut wire both read high = stop. The arm key must be turned after boot: a rig never arms itself.
    /// Where the hardware arm chain is read back (pins.interlock_input), the three levels are read together every
    /// <see cref="InterlockPollMs"/> and the engine compares them.
    /// </summary>
    public sealed class RigInputs
    {
        private readonly ClosedLoopEngine _engine;
        private readonly object _engineLock;
        private readonly IClock _clock;
        private readonly GpioPin _arm;
        private readonly GpioPin _estop;
        private readonly GpioPin _encounter;
        private readonly GpioPin _chain;
        private readonly Timer _interlockPoll;

        /// <summary>How often the arm chain is read back: a fifth of the engine's 50 ms debounce.</summary>
        public const int InterlockPollMs = 10;

        public RigInputs(GpioController gpio, int armPin, int estopPin, int encounterPin, int interlockPin, ClosedLoopEngine engine, object engineLock, IClock clock)
        {
            _engine = engine;
            _engineLock = engineLock;
            _clock = clock;

            _estop = gpio.OpenPin(estopPin, PinMode.InputPullUp);
            _estop.DebounceTimeout = TimeSpan.FromMilliseconds(2);
            _arm = gpio.OpenPin(armPin, PinMode.InputPullDown);
            _arm.DebounceTimeout = TimeSpan.FromMilliseconds(20);
            _encounter = gpio.OpenPin(encounterPin, PinMode.Input);

            lock (_engineLock)
            {
                if (_estop.Read() == PinValue.High)
                {
                    _engine.OnEStopInput(true);
                }

                _engine.OnEncounterInput(_encounter.Read() == PinValue.High, _clock.NowMicros);
            }

            _estop.ValueChanged += OnEStopChanged;
            _arm.ValueChanged += OnArmChanged;
            _encounter.ValueChanged += OnEncounterChanged;

            if (interlockPin >= 0)
            {
                // No pull: the board's 10 kΩ on the chain holds it low when the chain is open.
                _chain = gpio.OpenPin(interlockPin, PinMode.Input);
                _interlockPoll = new Timer(state => PollInterlock(), null, InterlockPollMs, InterlockPollMs);
            }
        }

        /// <summary>Stops reading the arm chain back (the edge handlers stay: the e-stop must always reach the engine).</summary>
        public void Stop()
        {
            if (_interlockPoll != null)
            {
                _interlockPoll.Dispose();
            }
        }

        private void PollInterlock()
        {
            bool keyOn = _arm.Read() == PinValue.High;
            bool estopPressed = _estop.Read() == PinValue.High;
            bool chainClosed = _chain.Read() == PinValue.High;
            lock (_engineLock)
            {
                _engine.OnInterlockReadback(keyOn, estopPressed, chainClosed);
            }
        }

        private void OnEStopChanged(object sender, PinValueChangedEventArgs e)
        {
            lock (_engineLock)
            {
                _engine.OnEStopInput(e.ChangeType == PinEventTypes.Rising);
            }
        }

        private void OnArmChanged(object sender, PinValueChangedEventArgs e)
        {
            lock (_engineLock)
            {
                _engine.OnArmInput(e.ChangeType == PinEventTypes.Rising);
            }
        }

        private void OnEncounterChanged(object sender, PinValueChangedEventArgs e)
        {
            // Stamped when the event reaches managed code (ms-scale latency); the engine's debounce is 20 ms.
            long now = _clock.NowMicros;
            lock (_engineLock)
            {
                _engine.OnEncounterInput(e.ChangeType == PinEventTypes.Rising, now);
            }
        }
    }
}
