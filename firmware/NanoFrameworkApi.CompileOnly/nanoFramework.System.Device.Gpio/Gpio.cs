// Compile-only declaration: nanoFramework.System.Device.Gpio 1.1.62 (nanoframework/System.Device.Gpio: GpioController.cs, GpioPin.cs, PinValue.cs, PinMode.cs, PinEventTypes.cs, PinValueChangedEventArgs.cs; enum members by name only).
// Signatures as in the public nanoFramework sources, no behaviour. Never deployed: the .nfproj uses the real package.

using System;

namespace System.Device.Gpio
{
    public class GpioController
    {
        public GpioController() => throw null;

        public GpioPin OpenPin(int pinNumber, PinMode mode) => throw null;
    }

    public class GpioPin
    {
        internal GpioPin() => throw null;

        public TimeSpan DebounceTimeout { get => throw null; set => throw null; }

        public event PinValueChangedEventHandler ValueChanged { add => throw null; remove => throw null; }

        public PinValue Read() => throw null;

        public void Write(PinValue value) => throw null;
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

    public readonly struct PinValue
    {
        public static PinValue High => throw null;

        public static PinValue Low => throw null;

        public static bool operator ==(PinValue a, PinValue b) => throw null;

        public static bool operator !=(PinValue a, PinValue b) => throw null;

        public override bool Equals(object obj) => throw null;

        public override int GetHashCode() => throw null;
    }

    public delegate void PinValueChangedEventHandler(object sender, PinValueChangedEventArgs pinValueChangedEventArgs);

    public class PinValueChangedEventArgs : EventArgs
    {
        internal PinValueChangedEventArgs() => throw null;

        public PinEventTypes ChangeType => throw null;
    }
}
