using Iot.Device.Ads1115;

namespace ClosedLoop.Firmware.Tests;

/// <summary>
/// The board's own ADS1115 driver, on .NET over dotnet/iot's I2cDevice, against an emulated chip; dotnet/iot's
/// Ads1115 binding reads the same chip as a reference.
/// </summary>
public class Ads1115DriverTests
{
    [Theory]
    [InlineData("ain0", "6144", 4, 0)]
    [InlineData("ain2", "2048", 6, 2)]
    [InlineData("ain3", "256", 7, 5)]
    public void The_driver_sets_the_chip_to_continuous_860_per_second_on_the_configured_input_and_range(string input, string range, int mux, int pga)
    {
        var chip = new EmulatedAds1115((_, _) => 0);
        var config = TestConfig.With($"acquisition.ads1115_input={input}", $"acquisition.ads1115_range_mv={range}");

        _ = new Ads1115Photodiode(chip, config.Values.GetChoice("acquisition", "ads1115_input"), config.Values.GetChoice("acquisition", "ads1115_range_mv"));

        Assert.Equal((mux, pga, false, 860), (chip.Mux, chip.Pga, chip.SingleShot, chip.DataRate));
    }

    [Theory]
    [InlineData(0, 1.0, 5333)]
    [InlineData(1, 1.0, 8000)]
    [InlineData(2, 1.0, 16000)]
    [InlineData(3, 1.0, 32000)]
    [InlineData(4, 1.0, 32767)]
    [InlineData(5, -1.0, -32768)]
    public void Readings_are_the_input_in_codes_of_the_chosen_range_and_clip_at_full_scale(int range, double volts, int expected)
    {
        var chip = new EmulatedAds1115((input, _) => input == 1 ? volts : 0);
        var photodiode = new Ads1115Photodiode(chip, 1, range);
        chip.Advance(0.01);

        Assert.Equal(expected, Read(photodiode));
    }

    [Fact]
    public void A_reading_reports_the_last_finished_conversion_so_its_light_reaches_back_two_conversions()
    {
        double stepAt = double.NaN;
        var chip = new EmulatedAds1115((_, t) => t >= stepAt ? 2.0 : 0.5);
        var photodiode = new Ads1115Photodiode(chip, 0, 1);
        chip.Advance(0.01);
        stepAt = chip.Now;
        double period = 1.0 / 860;

        chip.Advance(period * 0.5);
        int halfway = Read(photodiode);
        chip.Advance(2 * period);
        int after = Read(photodiode);

        // Half a conversion after the step the chip can only report a conversion that began before it.
        Assert.InRange(halfway, 4000, 15999);
        Assert.Equal(16000, after);
        Assert.Equal(2 * Ads1115Timing.ConversionUs, photodiode.LookbackUs);
        Assert.InRange(period * 1e6, Ads1115Timing.ConversionUs - 1, Ads1115Timing.ConversionUs);
    }

    [Fact]
    public void In_continuous_mode_the_chip_converts_at_the_data_rate_and_reads_do_not_start_conversions()
    {
        var chip = new EmulatedAds1115((_, t) => t);
        var photodiode = new Ads1115Photodiode(chip, 0, 0);
        int before = chip.Conversions;
        double start = chip.Now;

        var values = new List<int>();
        while (chip.Now < start + 1.0)
        {
            values.Add(Read(photodiode));
        }

        Assert.InRange(chip.Conversions - before, 859, 861);
        Assert.True(values.Count > 3 * 860, "reads are faster than conversions, so values repeat");
        Assert.InRange(values.Distinct().Count(), 850, 861);
    }

    [Theory]
    [InlineData(DataRate.SPS008, 8)]
    [InlineData(DataRate.SPS128, 128)]
    [InlineData(DataRate.SPS860, 860)]
    public void In_single_shot_mode_each_read_waits_for_one_fresh_conversion(DataRate rate, int perSecond)
    {
        var chip = new EmulatedAds1115((_, t) => t);
        using var adc = new Ads1115(chip, InputMultiplexer.AIN0, MeasuringRange.FS4096, rate, DeviceMode.PowerDown);
        Assert.True(chip.SingleShot);

        double before = chip.Now;
        int conversions = chip.Conversions;
        short first = adc.ReadRaw();
        double took = chip.Now - before;
        short second = adc.ReadRaw();

        Assert.Equal(conversions + 1, chip.Conversions - 1);
        Assert.InRange(took, 1.0 / perSecond, 1.0 / perSecond + 0.005);
        Assert.True(second > first, "the second read converted later input");
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(4, 0)]
    [InlineData(0, 6)]
    public void An_input_outside_ain0_to_ain3_or_a_range_outside_the_six_is_refused(int input, int range)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Ads1115Photodiode.ConfigFor(input, range));
    }

    [Fact]
    public void A_chip_that_does_not_answer_is_refused_at_start_not_read_as_zeros()
    {
        Assert.Throws<InvalidOperationException>(() => new Ads1115Photodiode(new SilentBus(), 0, 1));
    }

    [Fact]
    public void Reading_allocates_nothing_and_takes_one_bus_transaction()
    {
        var chip = new EmulatedAds1115((_, t) => t);
        var photodiode = new Ads1115Photodiode(chip, 0, 1);
        Read(photodiode);
        int transactions = chip.Transactions;

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            Read(photodiode);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(10_000, chip.Transactions - transactions);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(2, 3)]
    [InlineData(3, 5)]
    public void It_reads_what_dotnet_iots_binding_reads_from_the_same_chip(int input, int range)
    {
        // A level per input, steady, so that both read the same code whichever conversion each catches.
        var chip = new EmulatedAds1115((channel, _) => (channel + 1) * 0.047);
        var photodiode = new Ads1115Photodiode(chip, input, range);
        using var reference = new Ads1115(chip, (InputMultiplexer)(4 + input), (MeasuringRange)range, DataRate.SPS860, DeviceMode.Continuous);

        for (int i = 0; i < 20; i++)
        {
            chip.Advance(0.003);
            short expected = reference.ReadRaw();
            Assert.Equal(expected, Read(photodiode));
        }
    }

    /// <summary>An I2C bus with nothing at the address: writes vanish and reads leave the buffer as it was.</summary>
    private sealed class SilentBus : System.Device.I2c.I2cDevice
    {
        public override System.Device.I2c.I2cConnectionSettings ConnectionSettings { get; } = new(1, 0x48);

        public override byte ReadByte() => 0xFF;

        public override void Read(Span<byte> buffer)
        {
        }

        public override void WriteByte(byte value)
        {
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
        }

        public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
        {
        }
    }

    private static int Read(Ads1115Photodiode photodiode)
    {
        Assert.True(photodiode.TryRead(out int value), "no conversion");
        return value;
    }
}
