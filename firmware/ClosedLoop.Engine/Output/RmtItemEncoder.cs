using ClosedLoop.Engine.Wire;

namespace ClosedLoop.Engine.Output
{
    /// <summary>
    /// Writes planned items in the ESP32's native <c>rmt_item32_t</c> layout, the bytes
    /// <c>TransmitterChannel.SendData</c> takes: per item a little-endian 32-bit word with duration0 in bits 0-14,
    /// level0 in bit 15, duration1 in bits 16-30 and level1 in bit 31. Sending prepared bytes this way lets the
    /// board start a train without building command objects.
    /// </summary>
    public static class RmtItemEncoder
    {
        public const int BytesPerItem = 4;

        /// <summary>Encodes items [first, first + count) of <paramref name="plan"/>; returns the bytes written.</summary>
        public static int Encode(RmtPlan plan, int first, int count, byte[] into, int offset)
        {
            int o = offset;
            for (int i = first; i < first + count; i++)
            {
                int low = (plan.Duration0[i] & 0x7FFF) | (plan.Level0[i] ? 0x8000 : 0);
                int high = (plan.Duration1[i] & 0x7FFF) | (plan.Level1[i] ? 0x8000 : 0);
                o = LittleEndian.WriteInt32(into, o, low | (high << 16));
            }

            return o - offset;
        }
    }
}
