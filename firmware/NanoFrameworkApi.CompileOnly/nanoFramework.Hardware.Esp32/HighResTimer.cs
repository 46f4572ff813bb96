// Compile-only declaration: nanoFramework.Hardware.Esp32 1.6.40 (nanoframework/nanoFramework.Hardware.Esp32: HighResTimer.cs).
// Signatures as in the public nanoFramework sources, no behaviour. Never deployed: the .nfproj uses the real package.

namespace nanoFramework.Hardware.Esp32
{
    public class HighResTimer
    {
        internal HighResTimer() => throw null;

        public static ulong GetCurrent() => throw null;
    }
}
