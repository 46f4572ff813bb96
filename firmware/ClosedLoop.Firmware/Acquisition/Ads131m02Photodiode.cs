using System;
using System.Device.Spi;
using ClosedLoop.Engine.Acquisition;

namespace ClosedLoop.Firmware.Acquisition
{
    /// <summary>
    /// The rig board's ADS131M02, a two-channel simultaneous-sampling 24-bit delta-sigma converter on SPI (TI
    /// datasheet SBAS950), driven by its frame protocol rather than a binding. Every SPI frame is four 24-bit words:
    /// a command and, in the answer, the response to the previous frame's command (the STATUS word after a NULL),
    /// channel 0, channel 1 and the output CRC. The chip converts continuously at the configured rate; a read
    /// sends NULL frames until STATUS says the channel has a conversion not yet read, so each reading is a new
    /// conversion and none is returned twice. The buffers are allocated once: a read allocates nothing.
    /// <para>
    /// Every answer's CRC is checked (CRC-16-CCITT, polynomial 0x1021, seed 0xFFFF, over the STATUS and channel
    /// words; the datasheet's output CRC with MODE.CRC_TYPE at its reset value 0, as Linux's ti-ads131m02 driver
    /// checks it too): the SPI traces run 87-123 mm on the rig board, and a flipped bit would otherwise become a
    /// full-scale spike in the signal. A frame that fails is dropped (neither its STATUS nor its data is used) and
    /// counted; <see cref="FailingRun"/> bad frames in a row mark the link as failing, which the board reports.
    /// </para>
    /// <para>
    /// The same source compiles against nanoFramework's SpiDevice (SpanByte) and dotnet/iot's (spans of byte): a byte
    /// array converts to either.
    /// </para>
    /// </summary>
    public sealed class Ads131m02Photodiode : IPhotodiode
    {
        public const int WordBytes = 3;
        public const int FrameBytes = 4 * WordBytes;

        public const int NullCommand = 0x0000;
        public const int ResetCommand = 0x0011;

        /// <summary>The answer to RESET in the next frame: FF2n with n the channel count.</summary>
        public const int ResetAcknowledged = 0xFF22;

        public const int IdRegister = 0x00;
        public const int ModeRegister = 0x02;
        public const int ClockRegister = 0x03;
        public const int GainRegister = 0x04;

        /// <summary>ID[15:8]: 0x22 on the two-channel part (ID[11:8] = channel count).</summary>
        public const int IdHighByte = 0x22;

        /// <summary>CLOCK: both channels on (CH1_EN, CH0_EN), OSR in bits 4:2, PWR = 10 (high resolution); GAIN holds one gain per channel.</summary>
        private const int BothChannels = 0x0300;
        private const int HighResolution = 0x0002;

        /// <summary>MODE with its RESET flag cleared: 24-bit words, SPI timeout on, DRDY as a level (the reset default otherwise).</summary>
        public const int Mode = 0x0110;

        /// <summary>NULL frames a read may send before it gives up on a new conversion: far more than a period needs.</summary>
        public const int MaxPolls = 2000;

        /// <summary>
        /// Corrupt frames in a row that mean the link itself is failing (a loose or noisy SPI line), not a stray hit:
        /// at the board's 8 MHz a frame takes about 20 µs, so this is well under a millisecond of nothing but errors.
        /// </summary>
        public const int FailingRun = 16;

        /// <summary>The output CRC (CCITT) covers the STATUS word and both channel words.</summary>
        private const int CrcCoveredBytes = 3 * WordBytes;

        private static readonly ushort[] CrcTable = MakeCrcTable();

        private readonly SpiDevice _device;
        private readonly int _channel;
        private readonly int _rate;
        private readonly byte[] _nullFrame = new byte[FrameBytes];
        private readonly byte[] _answer = new byte[FrameBytes];
        private readonly byte[] _command = new byte[FrameBytes];

        /// <param name="device">The SPI device (mode 1, 8-bit, chip select handled by the bus).</param>
        /// <param name="input">Index into nf.config's ads131m02_input choices (ain0, ain1).</param>
        /// <param name="gain">Index into nf.config's ads131m02_gain choices, which is the PGAGAIN code.</param>
        /// <param name="rate">Index into nf.config's ads131m02_rate_sps choices.</param>
        /// <exception cref="InvalidOperationException">No ADS131M02 answered, or it did not convert.</exception>
        public Ads131m02Photodiode(SpiDevice device, int input, int gain, int rate)
        {
            if (input < 0 || input > 1)
            {
                throw new ArgumentOutOfRangeException(nameof(input));
            }

            if (gain < 0 || gain > 7)
            {
                throw new ArgumentOutOfRangeException(nameof(gain));
            }

            if (rate < 0 || rate >= Ads131m02Timing.Oversampling.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(rate));
            }

            _device = device;
            _channel = input;
            _rate = rate;
            int clock = BothChannels | (Ads131m02Timing.OversamplingCode[rate] << 2) | HighResolution;
            int gains = (gain << 4) | gain;

            // A missing chip answers all ones or all zeros: each step must come back as the datasheet says.
            Send(ResetCommand);
            if (Send(NullCommand) != ResetAcknowledged)
            {
                throw new InvalidOperationException("no ADS131M02 answered (reset not acknowledged)");
            }

            if ((ReadRegister(IdRegister) >> 8) != IdHighByte)
            {
                throw new InvalidOperationException("the SPI device is not an ADS131M02 (ID register)");
            }

            WriteRegister(ModeRegister, Mode);
            WriteRegister(GainRegister, gains);
            WriteRegister(ClockRegister, clock);
            if (ReadRegister(ClockRegister) != clock || ReadRegister(GainRegister) != gains)
            {
                throw new InvalidOperationException("the ADS131M02 did not keep its settings");
            }

            // Conversions restart with the new settings; one must arrive, or the chip has no clock.
            if (!WaitForConversion())
            {
                throw new InvalidOperationException("the ADS131M02 does not convert: check its 8.192 MHz clock");
            }
        }

        /// <summary>Reads that found no new conversion within <see cref="MaxPolls"/> frames and returned nothing.</summary>
        public int Stalls { get; private set; }

        /// <summary>Frames dropped because their CRC did not match.</summary>
        public int CrcErrors { get; private set; }

        /// <summary>Corrupt frames since the last good one.</summary>
        public int BadRun { get; private set; }

        public bool IsFailing
        {
            get { return BadRun >= FailingRun; }
        }

        /// <summary>The sinc3 filter's three periods and the period a finished conversion may wait to be read.</summary>
        public long LookbackUs
        {
            get { return Ads131m02Timing.LookbackUs(_rate); }
        }

        /// <summary>
        /// The next conversion of the configured channel, as a signed 24-bit code (full scale ±1.2 V / gain); false
        /// when no intact frame brought one within <see cref="MaxPolls"/> frames.
        /// </summary>
        public bool TryRead(out int value)
        {
            if (!WaitForConversion())
            {
                Stalls++;
                value = 0;
                return false;
            }

            value = Sample(_answer, 1 + _channel);
            return true;
        }

        /// <summary>
        /// Sends NULL frames until an intact one's STATUS flags a new conversion of the channel (DRDY0 is bit 0,
        /// DRDY1 bit 1). A corrupt frame may carry the flag and lose the conversion with it: the next is then a period
        /// away, and the reading simply comes later.
        /// </summary>
        private bool WaitForConversion()
        {
            int ready = 1 << _channel;
            for (int i = 0; i < MaxPolls; i++)
            {
                _device.TransferFullDuplex(_nullFrame, _answer);
                if (!Intact(_answer))
                {
                    CrcErrors++;
                    BadRun++;
                    continue;
                }

                BadRun = 0;
                if (((Word(_answer, 0) >> 8) & ready) != 0)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>True when the frame's last word holds, in its top 16 bits, the CRC of the words before it.</summary>
        public static bool Intact(byte[] frame)
        {
            int received = (frame[CrcCoveredBytes] << 8) | frame[CrcCoveredBytes + 1];
            return received == Crc(frame, CrcCoveredBytes);
        }

        /// <summary>CRC-16-CCITT (x^16 + x^12 + x^5 + 1, seed 0xFFFF, most significant bit first, no final XOR) of the first <paramref name="count"/> bytes.</summary>
        public static int Crc(byte[] data, int count)
        {
            int crc = 0xFFFF;
            for (int i = 0; i < count; i++)
            {
                crc = ((crc << 8) & 0xFFFF) ^ CrcTable[((crc >> 8) ^ data[i]) & 0xFF];
            }

            return crc;
        }

        private static ushort[] MakeCrcTable()
        {
            ushort[] table = new ushort[256];
            for (int b = 0; b < 256; b++)
            {
                int crc = b << 8;
                for (int bit = 0; bit < 8; bit++)
                {
                    crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
                }

                table[b] = (ushort)(crc & 0xFFFF);
            }

            return table;
        }

        /// <summary>Sends one command frame and returns the first word of the answer (the previous command's response).</summary>
        private int Send(int command)
        {
            return Send(command, 0);
        }

        /// <summary>Sends a command frame whose second word is <paramref name="data"/> (a register value for WREG).</summary>
        private int Send(int command, int data)
        {
            Array.Clear(_command, 0, FrameBytes);
            PutWord(_command, 0, command);
            PutWord(_command, 1, data);
            _device.TransferFullDuplex(_command, _answer);
            return Word(_answer, 0) >> 8;
        }

        /// <summary>RREG of one register (101a aaaa annn nnnn, n = count - 1); its value answers in the next frame.</summary>
        private int ReadRegister(int address)
        {
            Send(0xA000 | (address << 7));
            return Send(NullCommand);
        }

        /// <summary>WREG of one register (011a aaaa annn nnnn) with its value in the next word.</summary>
        private void WriteRegister(int address, int value)
        {
            Send(0x6000 | (address << 7), value);
        }

        /// <summary>Puts a 16-bit command or register value in the top of a 24-bit word (MSB first, low byte zero).</summary>
        private static void PutWord(byte[] frame, int word, int value)
        {
            int p = word * WordBytes;
            frame[p] = (byte)(value >> 8);
            frame[p + 1] = (byte)value;
            frame[p + 2] = 0;
        }

        private static int Word(byte[] frame, int word)
        {
            int p = word * WordBytes;
            return (frame[p] << 16) | (frame[p + 1] << 8) | frame[p + 2];
        }

        /// <summary>A data word as a signed 24-bit two's complement code.</summary>
        private static int Sample(byte[] frame, int word)
        {
            return (Word(frame, word) << 8) >> 8;
        }
    }
}
