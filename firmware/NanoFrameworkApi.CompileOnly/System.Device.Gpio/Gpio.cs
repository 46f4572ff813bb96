// Compile-only declaration: nanoFramework.System.Device.Gpio 1.1.62 (nanoframework/System.Device.Gpio at v1.1.62: System.Device.Gpio/GpioController.cs, GpioPin.cs, PinMode.cs, PinValue.cs, PinEventTypes.cs, PinValueChangedEventArgs.cs).
// Signatures, type kinds, base types and enum values as in those sources; no behaviour. Never deployed: the .nfproj uses the real package.

using nanoFramework.Runtime.Events;

namespace System.Device.Gpio
{
    public sealed class GpioController : IDisposable
    {
        public GpioController() => throw null;

        public GpioPin OpenPin(int pinNumber, PinMode mode) => throw null;

        public void Dispose() => throw null;
    }

    public delegate void PinValueChangedEventHandler(object sender, PinValueChangedEventArgs e);

    public sealed class GpioPin : IDisposable
    {
        internal GpioPin() => throw null;

        public TimeSpan DebounceTimeout { get => throw null; set => throw null; }

        public event PinValueChangedEventHandler ValueChanged { add => throw null; remove => throw null; }

        public PinValue Read() => throw null;

        public void Write(PinValue value) => throw null;

        public void Dispose() => throw null;
    }

    public enum PinMode
    {
        Input = 0,
        InputPullDown = 1,
        InputPullUp = 2,
        Output = 3,
        OutputOpenDrain = 4,
        OutputOpenDrainPullUp = 5,
        OutputOpenSource = 6,
        OutputOpenSourcePullDown = 7,
    }

    [Flags]
    public enum PinEventTypes
    {
        None = 0,
        Rising = 1,
        Falling = 2,
    }

    public readonly struct PinValue
    {
        public static PinValue High => throw null;

        public static PinValue Low => throw null;

        public static bool operator ==(PinValue a, PinValue b) => throw null;

        public static bool operator !=(PinValue a, PinValue b) => throw null;
    }

    public class PinValueChangedEventArgs : BaseEvent
    {
        public PinValueChangedEventArgs(PinEventTypes changeType, int pinNumber) => throw null;

        public PinEventTypes ChangeType => throw null;
    }
}
