using System.Device.Adc;

namespace ClosedLoop.Firmware.Acquisition
{
    /// <summary>The ESP32's 12-bit ADC1: a conversion takes a few tens of µs and happens inside the read.</summary>
    public sealed class Esp32Photodiode : IPhotodiode
    {
        private readonly AdcChannel _channel;

        public Esp32Photodiode(int adcChannel)
        {
            AdcController controller = new AdcController();
            _channel = controller.OpenChannel(adcChannel);
        }

        public long LookbackUs
        {
            get { return 0; }
        }

        /// <summary>Never: a conversion inside the read has no link that could fail between the chip and the code.</summary>
        public bool IsFailing
        {
            get { return false; }
        }

        public bool TryRead(out int value)
        {
            value = _channel.ReadValue();
            return true;
        }
    }
}
