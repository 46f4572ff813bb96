using ClosedLoop.Board.Tests.Emulation;

namespace System.Device.Gpio
{
    public class GpioController
    {
        /// <summary>
        /// As System.Device.Gpio v1.1.62 (GpioController.OpenPin then GpioPin.SetPinMode, whose native half throws
        /// ArgumentException for a mode the pin lacks) on nf-interpreter's ESP32 (cpu_gpio.cpp,
        /// CPU_GPIO_DriveModeSupported): GPIO34-39 are input only and take no output mode; pull modes they accept
        /// (the chip has no pull resistors there, so nothing pulls: nf.config's pin rules refuse them).
        /// </summary>
        public GpioPin OpenPin(int pinNumber, PinMode mode)
        {
            if (pinNumber is >= 34 and <= 39 && mode == PinMode.Output)
            {
                throw new ArgumentException($"GPIO{pinNumber} is input only", nameof(mode));
            }

            var pin = EmulatedBoard.Current.Pin(pinNumber);
            pin.Mode = mode;
            return new GpioPin(pin);
        }
    }

    /// <summary>Edges reach the firmware in order on the board's event thread, as nanoFramework delivers them.</summary>
    public class GpioPin
    {
        private readonly EmulatedPin _pin;

        internal GpioPin(EmulatedPin pin)
        {
            _pin = pin;
            _pin.Changed += high => EmulatedBoard.Current.Dispatch(() =>
                ValueChanged?.Invoke(this, new PinValueChangedEventArgs(high ? PinEventTypes.Rising : PinEventTypes.Falling)));
        }

        public TimeSpan DebounceTimeout { get; set; }

        public event PinValueChangedEventHandler? ValueChanged;

        public PinValue Read() => _pin.High ? PinValue.High : PinValue.Low;

        public void Write(PinValue value) => _pin.Write(value == PinValue.High);
    }

    public enum PinMode
    {
        Input,
        Output,
        InputPullDown,
        InputPullUp,
    }

    [Flags]
    public enum PinEventTypes
    {
        None = 0,
        Rising = 1,
        Falling = 2,
    }

    public readonly struct PinValue(bool high) : IEquatable<PinValue>
    {
        private readonly bool _high = high;

        public static PinValue High => new(true);

        public static PinValue Low => new(false);

        public static bool operator ==(PinValue a, PinValue b) => a._high == b._high;

        public static bool operator !=(PinValue a, PinValue b) => a._high != b._high;

        public bool Equals(PinValue other) => _high == other._high;

        public override bool Equals(object? obj) => obj is PinValue other && Equals(other);

        public override int GetHashCode() => _high.GetHashCode();
    }

    public delegate void PinValueChangedEventHandler(object sender, PinValueChangedEventArgs pinValueChangedEventArgs);

    public class PinValueChangedEventArgs(PinEventTypes changeType) : EventArgs
    {
        public PinEventTypes ChangeType { get; } = changeType;
    }
}
