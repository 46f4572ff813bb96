// Compile-only declaration: nanoFramework.System.Device.Adc 1.1.24 (nanoframework/System.Device.Adc at v1.1.24: System.Device.Adc/AdcController.cs, AdcControllerBase.cs, AdcChannel.cs, AdcChannelBase.cs).
// Signatures, type kinds, base types and enum values as in those sources; no behaviour. Never deployed: the .nfproj uses the real package.

namespace System.Device.Adc
{
    public abstract class AdcControllerBase
    {
        public abstract AdcChannel OpenChannel(int channelNumber);
    }

    public class AdcController : AdcControllerBase
    {
        public AdcController() => throw null;

        public override AdcChannel OpenChannel(int channelNumber) => throw null;
    }

    public abstract class AdcChannelBase
    {
        public abstract int ReadValue();
    }

    public class AdcChannel : AdcChannelBase, IDisposable
    {
        internal AdcChannel() => throw null;

        public override int ReadValue() => throw null;

        public void Dispose() => throw null;
    }
}
