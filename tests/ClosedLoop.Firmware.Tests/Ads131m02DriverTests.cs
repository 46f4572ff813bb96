namespace ClosedLoop.Firmware.Tests;

/// <summary>
/// The rig board's ADS131M02 driver, compiled for .NET over dotnet/iot's SpiDevice exactly as written for the board,
/// against an emulated chip that follows the datasheet's frame protocol.
/// </summary>
public class Ads131m02DriverTests
{
    [Theory]
    [InlineData("ain0", "1", "4000", 0, 1, 1024)]
    [InlineData("ain1", "8", "1000", 1, 8, 4096)]
    [InlineData("ain0", "128", "8000", 0, 128, 512)]
    public void The_driver_sets_both_channels_the_gain_and_the_rate_from_the_config(string input, string gain, string rate, int channel, int expectedGain, int osr)
    {
        var chip = new EmulatedAds131m02((_, _) => 0);
        // Windows long enough for the slowest rate's look-back.
        var board = TestConfig.With("acquisition.adc=ads131m02", "acquisition.rate_hz=60", "acquisition.signal_on_us=6000", "acquisition.control_on_us=6000", $"acquisition.ads131m02_input={input}", $"acquisition.ads131m02_gain={gain}", $"acquisition.ads131m02_rate_sps={rate}").Board;

        var photodiode = new Ads131m02Photodiode(chip, board.Ads131m02Input, board.Ads131m02Gain, board.Ads131m02Rate);

        Assert.Equal((true, true), (chip.Enabled(0), chip.Enabled(1)));
        Assert.Equal((expectedGain, expectedGain), (chip.GainOf(0), chip.GainOf(1)));
        Assert.Equal(osr, chip.Oversampling);
        Assert.Equal(2, chip.ClockRegister & 3);
        Assert.Equal(0, chip.Mode & 0x0400);
        Assert.Equal(Ads131m02Timing.LookbackPeriods * Ads131m02Timing.PeriodUs(board.Ads131m02Rate), photodiode.LookbackUs);
        Assert.Equal(channel, board.Ads131m02Input);
    }

    [Theory]
    [InlineData(0, 0.6, 4194304)]
    [InlineData(0, -0.3, -2097152)]
    [InlineData(0, 1.5, 8388607)]
    [InlineData(3, 0.1, 5592405)]
    [InlineData(3, -1.0, -8388608)]
    public void Readings_are_the_configured_inputs_voltage_in_codes_of_its_gain_and_clip_at_full_scale(int gain, double inputVolts, int expected)
    {
        var chip = new EmulatedAds131m02((channel, _) => channel == 1 ? inputVolts : 0.9);
        var photodiode = new Ads131m02Photodiode(chip, 1, gain, 2);

        Assert.Equal(expected, Read(photodiode));
    }

    [Theory]
    [InlineData(0, 1000)]
    [InlineData(2, 4000)]
    [InlineData(3, 8000)]
    public void Each_read_returns_a_new_conversion_so_a_second_of_reads_is_the_data_rate(int rate, int perSecond)
    {
        var chip = new EmulatedAds131m02((_, t) => t);
        var photodiode = new Ads131m02Photodiode(chip, 0, 0, rate);
        double start = chip.Now;

        var values = new List<int>();
        while (chip.Now < start + 1.0)
        {
            values.Add(Read(photodiode));
        }

        Assert.InRange(values.Count, perSecond - 1, perSecond + 1);
        Assert.Equal(values.Count, values.Distinct().Count());
        Assert.Equal(0, photodiode.Stalls);
    }

    [Fact]
    public void The_light_behind_a_reading_lies_within_its_lookback_before_the_read_began()
    {
        // A brief flash; every reading either saw none of it or began (less its look-back) before the flash ended.
        // The sampler handles a batch between reads, so a conversion may finish before the read that returns it.
        const double flashStart = 0.0503, flashEnd = 0.0504;
        var chip = new EmulatedAds131m02((_, t) => t >= flashStart && t < flashEnd ? 1.0 : 0.0);
        var photodiode = new Ads131m02Photodiode(chip, 0, 0, 2);
        double lookback = photodiode.LookbackUs / 1e6;

        int lit = 0;
        while (chip.Now < 0.06)
        {
            double before = chip.Now;
            int value = Read(photodiode);
            double after = chip.Now;
            chip.Advance(0.9 * chip.PeriodSeconds);
            if (value != 0)
            {
                lit++;
                Assert.True(before - lookback <= flashStart && after >= flashEnd, $"a reading from {before:F6} to {after:F6} s saw light from {flashStart} s");
            }
        }

        Assert.InRange(lit, 3, 4);
    }

    [Fact]
    public void A_chip_that_does_not_answer_is_refused_at_start()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new Ads131m02Photodiode(new SilentBus(), 0, 0, 2));
        Assert.Contains("no ADS131M02 answered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_chip_without_its_clock_is_refused_at_start_not_read_as_a_flat_signal()
    {
        var chip = new EmulatedAds131m02((_, _) => 0.5) { Clocked = false };

        var error = Assert.Throws<InvalidOperationException>(() => new Ads131m02Photodiode(chip, 0, 0, 2));
        Assert.Contains("8.192 MHz clock", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_clock_lost_while_running_is_counted_as_a_stall_and_the_read_gives_nothing()
    {
        var chip = new EmulatedAds131m02((_, _) => 0.5);
        var photodiode = new Ads131m02Photodiode(chip, 0, 0, 2);
        Assert.True(photodiode.TryRead(out _));

        chip.Clocked = false;

        Assert.False(photodiode.TryRead(out _));
        Assert.Equal(1, photodiode.Stalls);
    }

    [Fact]
    public void The_crc_is_ccitt_with_seed_ffff_as_the_datasheet_defines_it()
    {
        // The standard check value of CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final XOR).
        byte[] check = System.Text.Encoding.ASCII.GetBytes("123456789");

        Assert.Equal(0x29B1, Ads131m02Photodiode.Crc(check, check.Length));
        Assert.Equal(0x29B1, EmulatedAds131m02.Crc(check));
    }

    [Fact]
    public void A_frame_with_a_flipped_bit_is_dropped_and_counted_and_never_becomes_a_spike()
    {
        var chip = new EmulatedAds131m02((_, _) => 0.3);
        var photodiode = new Ads131m02Photodiode(chip, 0, 0, 2);
        Assert.True(photodiode.TryRead(out int good));

        var readings = new List<int>();
        for (int i = 0; i < 50; i++)
        {
            chip.CorruptFrames = i % 5 == 0 ? 1 : 0;
            if (photodiode.TryRead(out int value))
            {
                readings.Add(value);
            }
        }

        Assert.Equal(10, chip.CorruptedFrames);
        Assert.Equal(10, photodiode.CrcErrors);
        Assert.All(readings, v => Assert.Equal(good, v));
        Assert.False(photodiode.IsFailing);
    }

    [Fact]
    public void A_run_of_corrupt_frames_marks_the_link_failing_until_a_good_frame_arrives()
    {
        var chip = new EmulatedAds131m02((_, _) => 0.3);
        var photodiode = new Ads131m02Photodiode(chip, 0, 0, 2);

        chip.CorruptFrames = Ads131m02Photodiode.MaxPolls;
        Assert.False(photodiode.TryRead(out _));
        Assert.True(photodiode.IsFailing);
        Assert.Equal(Ads131m02Photodiode.MaxPolls, photodiode.CrcErrors);

        chip.CorruptFrames = 0;
        Assert.True(photodiode.TryRead(out _));
        Assert.False(photodiode.IsFailing);
    }

    [Theory]
    [InlineData(-1, 0, 0)]
    [InlineData(2, 0, 0)]
    [InlineData(0, 8, 0)]
    [InlineData(0, 0, 4)]
    public void An_input_gain_or_rate_outside_the_chips_is_refused(int input, int gain, int rate)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Ads131m02Photodiode(new EmulatedAds131m02((_, _) => 0), input, gain, rate));
    }

    [Fact]
    public void Reading_allocates_nothing()
    {
        var chip = new EmulatedAds131m02((_, t) => t);
        var photodiode = new Ads131m02Photodiode(chip, 1, 0, 3);
        Read(photodiode);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 2_000; i++)
        {
            Read(photodiode);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>An SPI bus with nothing on it: the data line floats high and every answer is all ones.</summary>
    private sealed class SilentBus : System.Device.Spi.SpiDevice
    {
        public override System.Device.Spi.SpiConnectionSettings ConnectionSettings { get; } = new(1, 23);

        public override byte ReadByte() => 0xFF;

        public override void Read(Span<byte> buffer) => buffer.Fill(0xFF);

        public override void WriteByte(byte value)
        {
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
        }

        public override void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer) => readBuffer.Fill(0xFF);
    }

    private static int Read(Ads131m02Photodiode photodiode)
    {
        Assert.True(photodiode.TryRead(out int value), "no conversion");
        return value;
    }
}
