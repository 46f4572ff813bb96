// Compile-only declaration: nanoFramework.System.Device.Adc 1.1.24 (nanoframework/System.Device.Adc: AdcController.cs, AdcChannel.cs).
// Signatures as in the public nanoFramework sources, no behaviour. Never deployed: the .nfproj uses the real package.

namespace System.Device.Adc
{
    public class AdcController
    {
        public AdcController() => throw null;

        public AdcChannel OpenChannel(int channelNumber) => throw null;
    }

    public class AdcChannel
    {
        internal AdcChannel() => throw null;

        public int ReadValue() => throw null;
    }
}
