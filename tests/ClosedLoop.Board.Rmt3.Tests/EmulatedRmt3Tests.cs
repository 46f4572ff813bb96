using ClosedLoop.Board.Tests.Emulation;
using nanoFramework.Hardware.Esp32.Rmt;

namespace ClosedLoop.Board.Tests;

/// <summary>
/// The emulated RMT 3.0 keeps what the real driver does differently from 2.x (nf-interpreter #3510's natives over
/// ESP-IDF 5 on the base ESP32; Emulation/Rmt3.cs and EmulatedRmt list the sources), so that board code that still
/// assumed 2.x fails here: each test below would pass on the 2.x driver's behaviour only if it were wrong.
/// </summary>
[Collection("one emulated board at a time")]
public sealed class EmulatedRmt3Tests
{
    private readonly EmulatedBoard _board = EmulatedBoard.PowerOn();

    private static TransmitterChannel Open(int pin, byte blocks = 1, bool looping = false) =>
        new(new TransmitChannelSettings(pin) { NumberOfMemoryBlocks = blocks, EnableLooping = looping });

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
    public void The_driver_allocates_channels_by_free_memory_and_fails_when_none_is_left()
    {
        var first = Open(27, blocks: 2);
        var second = Open(14, blocks: 2);
        var third = Open(25, blocks: 3);

        Assert.Equal((0, 2, 4), (first.Channel, second.Channel, third.Channel));
        var full = Assert.Throws<InvalidOperationException>(() => Open(26, blocks: 2));
        Assert.Contains("CLR_E_DRIVER_NOT_REGISTERED", full.Message, StringComparison.Ordinal);

        first.Dispose();
        Assert.Equal(0, Open(26, blocks: 2).Channel);
    }

    [Fact]
    public void Looping_is_ignored_on_the_base_esp32_and_an_encoder_step_repeats_instead()
    {
        var once = Open(27, looping: true);
        once.SendData(Pulses(1, 100, 100), false);
        long start = once.Sends[0].StartUs;
        _board.SpinUntil(start + 500);

        Assert.True(_board.Level(27, start + 50));
        Assert.False(_board.Level(27, start + 250), "EnableLooping made the pattern play again");

        var looping = new TransmitterEncodedChannel(new TransmitChannelSettings(14), [new CopyEncoderSettings()]);
        looping.SendWithEncoders([new EncoderData(Pulses(1, 100, 100), 3)], false);
        long from = looping.Sends[0].StartUs;
        Assert.True(_board.Level(14, from + 450), "the third repeat is missing");
        Assert.False(_board.Level(14, from + 650), "it played a fourth time");

        // A step that has items keeps them: a second send replays the first items.
        looping.SendWithEncoders([new EncoderData(Pulses(1, 10, 10), 3)], false);
        Assert.Contains(_board.Rmt.Conflicts, c => c.Contains("keeps the first ones", StringComparison.Ordinal));
    }

    [Fact]
    public void A_send_waits_for_the_previous_train_and_a_release_holds_its_caller_until_the_train_ends()
    {
        var channel = Open(27);
        channel.SendData(Pulses(10, 1000, 1000), false); // 20 ms
        long start = channel.Sends[0].StartUs;

        channel.SendData(Pulses(1, 100, 100), false);
        Assert.True(channel.Sends[1].StartUs >= start + 20_000, "the second send did not wait");

        channel.SendData(Pulses(10, 1000, 1000), false);
        long before = _board.NowUs;
        channel.Dispose();
        Assert.True(_board.NowUs >= channel.Sends[2].StartUs + 20_000, $"released {_board.NowUs - before} us after asking, before the train's end");
        Assert.True(_board.Rmt.LongestReleaseUs > 15_000);
    }

    [Fact]
    public void Releasing_a_channel_turns_its_pins_output_off_even_for_another_channel_on_that_pin()
    {
        var old = Open(27);
        var replacement = Open(27);
        replacement.SendData(Pulses(1, 30_000, 100), false);
        long start = replacement.Sends[0].StartUs;

        old.Dispose();

        Assert.False(_board.Level(27, start + 10_000), "the pin still carried the replacement's pulse");
        Assert.Contains(_board.Rmt.Conflicts, c => c.Contains("turned off the output of pin 27", StringComparison.Ordinal));
    }

    [Fact]
    public void Starting_channels_together_is_not_supported_on_the_base_esp32()
    {
        // So the LEDs start one after the other on 3.0 as on 2.x, the control pattern planned for the lead between
        // them (ExcitationPattern), rather than through a TransmitSyncManager.
        Assert.Throws<NotSupportedException>(() => new TransmitSyncManager([Open(25), Open(26)]));
    }

    [Fact]
    public void The_receiver_refuses_demodulation_and_takes_its_thresholds_in_nanoseconds()
    {
        Assert.Throws<NotSupportedException>(() => new ReceiverChannel(new ReceiverChannelSettings(4)));

        // 32 ms meant, 32,000 given as 2.x's ticks: now 32 µs, so a reception ends at the first low longer than that.
        var wrong = new ReceiverChannel(new ReceiverChannelSettings(4) { EnableDemodulation = false, IdleThreshold = 32_000 });
        var transmitter = Open(27);
        _board.Loopback[4] = 27;
        wrong.Start();
        transmitter.SendData(Pulses(3, 1000, 1000), false);
        _board.SpinUntil(transmitter.Sends[0].StartUs + 7_000);
        var symbols = wrong.TryGetReceivedSymbols();
        Assert.NotNull(symbols);
        Assert.Equal(1, symbols.Count);

        // And what the 16-bit idle register cannot hold is refused when reception starts.
        var tooLong = new ReceiverChannel(new ReceiverChannelSettings(4) { EnableDemodulation = false, IdleThreshold = 70_000_000 });
        Assert.Throws<ArgumentException>(tooLong.Start);
    }
}
