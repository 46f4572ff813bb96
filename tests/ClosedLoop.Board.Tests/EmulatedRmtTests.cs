using ClosedLoop.Board.Tests.Emulation;
using nanoFramework.Hardware.Esp32.Rmt;

namespace ClosedLoop.Board.Tests;

/// <summary>
/// The emulated RMT keeps the real driver's behaviour that the board must cope with (facts from nf-interpreter's
/// nanoFramework.Hardware.Esp32.Rmt glue and ESP-IDF's legacy driver/rmt.c; EmulatedRmt lists them), so that
/// board code written against a kinder imitation fails here.
/// </summary>
[Collection("one emulated board at a time")]
public sealed class EmulatedRmtTests
{
    private readonly EmulatedBoard _board = EmulatedBoard.PowerOn();

    [Fact]
    public void An_input_only_gpio_refuses_an_output_mode_and_reads_what_the_wiring_drives()
    {
        var gpio = new System.Device.Gpio.GpioController();

        Assert.Throws<ArgumentException>(() => gpio.OpenPin(34, System.Device.Gpio.PinMode.Output));
        var chain = gpio.OpenPin(34, System.Device.Gpio.PinMode.Input);
        _board.ArmChainBridged = true;

        Assert.Equal(System.Device.Gpio.PinValue.High, chain.Read());
    }

    [Fact]
    public void A_bus_pin_that_must_drive_refuses_an_input_only_gpio_as_the_native_mapping_does()
    {
        // The rig board's MISO is GPIO39 (SENSOR_VN): allowed, as it only listens; a clock there is refused.
        nanoFramework.Hardware.Esp32.Configuration.SetPinFunction(39, nanoFramework.Hardware.Esp32.DeviceFunction.SPI1_MISO);

        Assert.Throws<ArgumentException>(() => nanoFramework.Hardware.Esp32.Configuration.SetPinFunction(39, nanoFramework.Hardware.Esp32.DeviceFunction.SPI1_CLOCK));
        Assert.Throws<ArgumentException>(() => nanoFramework.Hardware.Esp32.Configuration.SetPinFunction(36, nanoFramework.Hardware.Esp32.DeviceFunction.I2C1_DATA));
    }

    private static TransmitterChannel Open(int channel, int pin, byte blocks, bool looping = false)
    {
        var settings = new TransmitChannelSettings(channel, pin) { EnableCarrierWave = false, EnableLooping = looping, NumberOfMemoryBlocks = blocks };
        return new TransmitterChannel(settings);
    }

    /// <summary>Items of (high, low) halves of the given µs each, without an end marker.</summary>
    private static byte[] Pulses(int items, ushort highUs, ushort lowUs)
    {
        var data = new byte[items * 4];
        for (int i = 0; i < items; i++)
        {
            BitConverter.GetBytes((uint)(highUs | 0x8000) | ((uint)lowUs << 16)).CopyTo(data, i * 4);
        }

        return data;
    }

    [Fact]
    public void Channel_minus_one_takes_the_lowest_free_channel_whatever_its_memory_blocks()
    {
        var first = Open(-1, 27, 2);
        var second = Open(-1, 14, 2);

        Assert.Equal((0, 1), (first.Channel, second.Channel));
        Assert.Contains(_board.Rmt.Conflicts, c => c.Contains("shares memory", StringComparison.Ordinal));
    }

    [Fact]
    public void A_looping_pattern_that_fills_its_block_plays_once_and_one_item_shorter_loops()
    {
        var full = Open(0, 25, 1, looping: true);
        full.SendData(Pulses(64, 10, 10), false);
        var shorter = Open(1, 26, 1, looping: true);
        shorter.SendData(Pulses(63, 10, 10), false);
        long start = _board.NowUs;
        _board.SpinUntil(start + 3_000);

        Assert.False(_board.Level(25, start + 2_500));
        Assert.Contains(Enumerable.Range(0, 40), i => _board.Level(26, start + 2_500 + i));
    }

    [Fact]
    public void Is_channel_idle_reports_idle_output_enabled_even_mid_train()
    {
        var channel = Open(0, 27, 1);
        channel.SendData(Pulses(10, 50_000, 50_000), false);

        Assert.True(channel.IsChannelIdle);
    }

    [Fact]
    public void Releasing_a_channel_does_not_stop_its_train_and_a_send_on_a_busy_one_waits_for_its_end()
    {
        var channel = Open(0, 27, 1);
        channel.SendData(Pulses(3, 20_000, 20_000), false);
        long firstStart = channel.Sends[0].StartUs;
        channel.SendData(Pulses(1, 10, 10), false);

        // On the board's clock, not the test's: the second send returned only once the first train's 120 ms had run.
        long returned = _board.NowUs;
        Assert.True(returned >= firstStart + 120_000, $"the second send returned {returned - firstStart} µs after the first train started");

        var looping = Open(1, 25, 1, looping: true);
        looping.SendData(Pulses(2, 100, 100), false);
        looping.Dispose();
        long released = _board.NowUs;
        _board.SpinUntil(released + 1_000);
        Assert.Contains(Enumerable.Range(0, 400), i => _board.Level(25, released + 500 + i));
    }

    [Fact]
    public void A_send_on_a_looping_channel_never_returns()
    {
        var looping = Open(0, 25, 1, looping: true);
        looping.SendData(Pulses(2, 100, 100), false);

        Assert.Throws<InvalidOperationException>(() => looping.SendData(Pulses(2, 100, 100), false));
    }
}
