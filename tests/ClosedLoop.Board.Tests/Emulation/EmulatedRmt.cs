namespace ClosedLoop.Board.Tests.Emulation;

/// <summary>One sent item list, its halves as (ticks, level) up to the end marker, from when it was sent.</summary>
public sealed record RmtSend(long StartUs, IReadOnlyList<(int Ticks, bool High)> Halves, bool Looping)
{
    public long TotalTicks => Halves.Sum(h => (long)h.Ticks);
}

/// <summary>A transmit channel of either RMT line's emulated API, as the tests look at it.</summary>
public interface IEmulatedTransmitter
{
    int Pin { get; }

    /// <summary>The hardware channel it was installed on (chosen by the board on 2.x, by the driver on 3.0).</summary>
    int Channel { get; }

    long TickNs { get; }

    long CreatedUs { get; }

    bool Disposed { get; }

    IReadOnlyList<RmtSend> Sends { get; }
}

/// <summary>
/// The ESP32's RMT peripheral as the board's nanoFramework reaches it: nf-interpreter's glue
/// (targets/ESP32/_nanoCLR/nanoFramework.Hardware.Esp32.Rmt) over ESP-IDF's legacy driver (driver/rmt.c). What the
/// board depends on behaves as there:
/// <list type="bullet">
/// <item>Eight channels share eight memory blocks of 64 items; channel n with m blocks owns blocks n..n+m-1, and
/// nothing stops two channels owning one block: their items overwrite each other in the one RAM
/// (<see cref="Conflicts"/> records each overlap and write).</item>
/// <item>Channel -1 means the lowest channel without a driver, whatever its blocks.</item>
/// <item>A send of fewer items than the channel's blocks hold goes into RAM with a stop item after it and plays
/// from RAM (looping if enabled); a longer one turns looping off for good and is refilled from the driver's
/// buffer, playing once.</item>
/// <item>A send waits for the driver's previous transmission to end (forever, for a looping one), after
/// overwriting the buffer that transmission may still be refilled from.</item>
/// <item>Releasing a driver does not stop the hardware; a new driver on the channel does not either, until its
/// first send restarts the channel. <c>IsChannelIdle</c> reports whether idle output is enabled.</item>
/// </list>
/// </summary>
public sealed class EmulatedRmt(EmulatedBoard board)
{
    public const int ChannelCount = 8;

    public const int ItemsPerBlock = 64;

    private readonly object _sync = new();
    private readonly uint[] _ram = new uint[ChannelCount * ItemsPerBlock];
    private readonly Channel[] _channels = Enumerable.Range(0, ChannelCount).Select(i => new Channel(i)).ToArray();
    private readonly Dictionary<int, int> _routing = [];
    private readonly Dictionary<int, long> _longestReleaseByPin = [];
    private readonly List<string> _conflicts = [];

    /// <summary>Everything that went wrong inside the peripheral: shared memory blocks, overwritten buffers.</summary>
    public IReadOnlyList<string> Conflicts
    {
        get
        {
            lock (_sync)
            {
                return [.. _conflicts];
            }
        }
    }

    /// <summary>The longest a SendData call took, waits included (µs).</summary>
    public long LongestSendUs { get; private set; }

    /// <summary>Installs a driver (rmt_config + rmt_driver_install) and returns its channel number.</summary>
    internal int Install(int requested, int pin, int blocks, long tickNs, bool looping, bool idleOutput, bool idleLevel, bool transmit)
    {
        lock (_sync)
        {
            int number = requested >= 0 ? requested : Array.FindIndex(_channels, c => !c.Installed);
            if (number < 0)
            {
                throw new InvalidOperationException("no free RMT channel (CLR_E_DRIVER_NOT_REGISTERED)");
            }

            if (blocks < 1 || number + blocks > ChannelCount)
            {
                throw new InvalidOperationException($"RMT channel {number} with {blocks} blocks: RMT MEM BLOCK NUM ERR (CLR_E_DRIVER_NOT_REGISTERED)");
            }

            var channel = _channels[number];
            if (channel.Installed)
            {
                throw new InvalidOperationException($"RMT channel {number} already has a driver (ESP_ERR_INVALID_STATE)");
            }

            foreach (var other in _channels.Where(c => c.Installed && c.Number != number && Overlap(c, number, blocks)))
            {
                _conflicts.Add($"channel {number} (blocks {number}-{number + blocks - 1}) shares memory with channel {other.Number} (blocks {other.Number}-{other.Number + other.Blocks - 1})");
            }

            channel.Installed = true;
            channel.Transmit = transmit;
            channel.Blocks = blocks;
            channel.TickNs = tickNs;
            channel.Looping = looping;
            channel.IdleOutput = idleOutput;
            channel.IdleLevel = idleLevel;
            channel.DriverBusyUntilUs = long.MinValue;
            _routing[pin] = number;
            return number;
        }
    }

    /// <summary>rmt_driver_uninstall: the driver goes, the hardware keeps whatever it was doing.</summary>
    internal void Uninstall(int number)
    {
        lock (_sync)
        {
            var channel = _channels[number];
            if (!channel.Installed)
            {
                throw new ObjectDisposedException($"RMT channel {number}");
            }

            channel.Installed = false;
            if (channel.Halves is not null && board.NowUs < channel.EndUs)
            {
                // Nobody refills the blocks any more: the hardware wraps around what they hold, indefinitely.
                channel.Halves = null;
                channel.StartUs = board.NowUs;
                channel.FromRamLooping = true;
            }
        }
    }

    internal bool IdleOutputEnabled(int number)
    {
        lock (_sync)
        {
            if (!_channels[number].Installed)
            {
                throw new ObjectDisposedException($"RMT channel {number}");
            }

            return _channels[number].IdleOutput;
        }
    }

    /// <summary>NativeTxWriteItems → rmt_write_items; returns the µs at which the channel started.</summary>
    internal long Write(int number, byte[] data)
    {
        long called = board.NowUs;
        var channel = _channels[number];
        long waitUntil;
        lock (_sync)
        {
            if (!channel.Installed)
            {
                throw new ObjectDisposedException($"RMT channel {number}");
            }

            if (data.Length % 4 != 0)
            {
                throw new InvalidOperationException("CLR_E_SERIALIZATION_VIOLATION: not whole RMT items");
            }

            waitUntil = channel.DriverBusyUntilUs;
            if (channel.Halves is not null && board.NowUs < channel.EndUs)
            {
                _conflicts.Add($"channel {number}: SendData overwrote the buffer of a train still being refilled from it");
            }
        }

        if (waitUntil == long.MaxValue)
        {
            lock (_sync)
            {
                _conflicts.Add($"channel {number}: SendData while its looping pattern plays never returns");
            }

            throw new InvalidOperationException($"RMT channel {number}: SendData on a channel whose looping transmission never ends (on the ESP32 this call never returns)");
        }

        // xSemaphoreTake(tx_sem): the previous transmission must end first.
        board.SpinUntil(waitUntil);

        // nanoFramework's interpreter spends some time in the call; the RMT starts somewhere inside it.
        board.Spin(board.SendDataCostUs / 2);
        long startUs;
        lock (_sync)
        {
            startUs = board.NowUs;
            int items = data.Length / 4;
            int blockItems = channel.Blocks * ItemsPerBlock;
            int ramBase = number * ItemsPerBlock;
            int writtenBlocks = (Math.Min(items + 1, blockItems) + ItemsPerBlock - 1) / ItemsPerBlock;
            foreach (var other in _channels.Where(c => c.Number != number && (c.Installed || c.FromRamLooping) && Overlap(c, number, writtenBlocks)))
            {
                _conflicts.Add($"channel {number} wrote RMT memory that channel {other.Number} owns");
            }

            for (int i = 0; i < Math.Min(items, blockItems); i++)
            {
                _ram[ramBase + i] = BitConverter.ToUInt32(data, i * 4);
            }

            channel.StartUs = startUs;
            if (items >= blockItems)
            {
                // rmt_write_items: the first blocks' worth now, the rest by interrupt; looping off from here on.
                channel.Looping = false;
                channel.FromRamLooping = false;
                channel.Halves = Decode(data, items);
                channel.EndUs = startUs + (channel.Halves.Sum(h => (long)h.Ticks) * channel.TickNs / 1000);
                channel.DriverBusyUntilUs = channel.EndUs;
            }
            else
            {
                _ram[ramBase + items] = channel.IdleLevel ? 0x8000u : 0u;
                channel.Halves = null;
                channel.FromRamLooping = channel.Looping;
                long total = RamHalves(channel).Sum(h => (long)h.Ticks) * channel.TickNs / 1000;
                channel.EndUs = channel.Looping ? long.MaxValue : startUs + total;
                channel.DriverBusyUntilUs = channel.EndUs;
            }
        }

        board.Spin(board.SendDataCostUs - (board.SendDataCostUs / 2));
        LongestSendUs = Math.Max(LongestSendUs, board.NowUs - called);
        return startUs;
    }

    // ---- RMT 3.0: nf-interpreter #3510's glue (TransmiterEncodedChannel and ReceiverChannel natives, RmtChannel's
    // registry) over ESP-IDF 5's rmt_tx/rmt_rx on the base ESP32 (no loop count, no asynchronous stop, no RX
    // demodulation; 64 symbols a block). ----

    /// <summary>The longest a 3.0 channel's release held its caller (rmt_disable's wait for the transmitter to stop), µs.</summary>
    public long LongestReleaseUs { get; private set; }

    /// <summary>The longest pass of a channel's memory (start of the memory to the next) that a release waited in.</summary>
    public long LongestReleasePassUs { get; private set; }

    /// <summary>The longest a release of a 3.0 channel on <paramref name="pin"/> held its caller (µs); 0 if none waited.</summary>
    public long LongestReleaseUsOn(int pin)
    {
        lock (_sync)
        {
            return _longestReleaseByPin.GetValueOrDefault(pin);
        }
    }

    /// <summary>
    /// rmt_new_tx_channel / rmt_new_rx_channel: the lowest channel whose memory blocks (it and the next blocks - 1)
    /// no installed channel owns; the pin routed to it. No such channel: CLR_E_DRIVER_NOT_REGISTERED (TX) or
    /// CLR_E_NOT_FOUND (RX). A resolution the 80 MHz clock cannot divide to (1 to 256) is refused.
    /// </summary>
    internal int Allocate(int pin, int blocks, int resolutionHz, bool idleOutput, bool idleLevel, bool transmit)
    {
        lock (_sync)
        {
            int divider = resolutionHz > 0 ? (int)Math.Round(80_000_000.0 / resolutionHz) : 0;
            if (divider < 1 || divider > 256)
            {
                throw new InvalidOperationException($"pin {pin}: resolution {resolutionHz} Hz is no divider (1-256) of the 80 MHz clock (CLR_E_DRIVER_NOT_REGISTERED)");
            }

            int number = Enumerable.Range(0, ChannelCount - blocks + 1)
                .FirstOrDefault(n => !_channels.Any(c => c.Installed && Overlap(c, n, blocks)), -1);
            if (number < 0)
            {
                throw new InvalidOperationException($"pin {pin}: no free RMT channel with {blocks} memory block(s) ({(transmit ? "CLR_E_DRIVER_NOT_REGISTERED" : "CLR_E_NOT_FOUND")})");
            }

            var channel = _channels[number];
            channel.Installed = true;
            channel.Line3 = true;
            channel.Pin = pin;
            channel.Transmit = transmit;
            channel.Blocks = blocks;
            channel.TickNs = 1_000_000_000L / resolutionHz;
            channel.Looping = false;
            channel.IdleOutput = idleOutput;
            channel.IdleLevel = idleLevel;
            channel.DriverBusyUntilUs = long.MinValue;
            channel.StartUs = long.MinValue;
            channel.EndUs = long.MinValue;
            channel.Halves = null;
            channel.Repeats = 1;
            channel.StepItems = null;
            if (transmit)
            {
                _routing[pin] = number;
            }

            return number;
        }
    }

    /// <summary>
    /// NativeTxWriteSymbolItems (SendData): whole symbols or CLR_E_SERIALIZATION_VIOLATION; rmt_tx_wait_all_done for
    /// the previous transmission (forever, for an endless one); the items copied to the driver's own buffer; played once.
    /// </summary>
    internal long SendOnce(int number, byte[] data) => Transmit(number, data, 1, copyStep: false);

    /// <summary>
    /// NativeTxWriteEncoder (SendWithEncoders) with one copy step that needs items: the step takes the items and loop
    /// count only the first time (a step that has items is skipped, so later sends replay the first items), and the
    /// transaction starts at once (no wait: it queues behind one still running).
    /// </summary>
    internal long SendLoop(int number, byte[] data, int loop) => Transmit(number, data, loop, copyStep: true);

    private long Transmit(int number, byte[] data, int repeats, bool copyStep)
    {
        long called = board.NowUs;
        var channel = _channels[number];
        long waitUntil;
        lock (_sync)
        {
            if (!channel.Installed)
            {
                throw new ObjectDisposedException($"RMT channel {number} (CLR_E_OBJECT_DISPOSED)");
            }

            if (data.Length % 4 != 0)
            {
                throw new InvalidOperationException("CLR_E_SERIALIZATION_VIOLATION: not whole RMT symbols");
            }

            if (copyStep && channel.StepItems is not null && !channel.StepItems.AsSpan().SequenceEqual(data))
            {
                _conflicts.Add($"channel {number}: SendWithEncoders's new items were ignored; its copy step keeps the first ones");
            }

            waitUntil = copyStep ? long.MinValue : channel.DriverBusyUntilUs;
        }

        if (waitUntil == long.MaxValue)
        {
            lock (_sync)
            {
                _conflicts.Add($"channel {number}: SendData behind an endless transmission never returns");
            }

            throw new InvalidOperationException($"RMT channel {number}: SendData waits for an endless transmission (on the ESP32 this call never returns)");
        }

        board.SpinUntil(waitUntil);
        board.Spin(board.SendDataCostUs / 2);
        long startUs;
        lock (_sync)
        {
            startUs = board.NowUs;
            if (copyStep)
            {
                channel.StepItems ??= [.. data];
                data = channel.StepItems;
            }

            channel.Halves = Decode(data, data.Length / 4);
            if (copyStep)
            {
                channel.StepRepeats ??= repeats;
                channel.Repeats = channel.StepRepeats.Value;
            }
            else
            {
                channel.Repeats = 1;
            }

            channel.StartUs = startUs;
            long unit = channel.Halves.Sum(h => (long)h.Ticks) * channel.TickNs / 1000;
            channel.EndUs = channel.Repeats >= int.MaxValue / 2 || unit > long.MaxValue / Math.Max(1, channel.Repeats) ? long.MaxValue : startUs + (unit * channel.Repeats);
            channel.DriverBusyUntilUs = channel.EndUs;
        }

        board.Spin(board.SendDataCostUs - (board.SendDataCostUs / 2));
        LongestSendUs = Math.Max(LongestSendUs, board.NowUs - called);
        return startUs;
    }

    /// <summary>
    /// NativeTxDispose / NativeRxDispose → rmt_disable, rmt_del_channel. A transmission in progress stops where the
    /// transmitter next reaches the start of the channel's memory: ESP-IDF's rmt_tx_disable (components/esp_driver_rmt,
    /// rmt_tx.c), on a chip without SOC_RMT_SUPPORT_TX_ASYNC_STOP such as the ESP32, turns looping off, writes an end
    /// marker into the memory's first symbol and spins until TX_DONE under the group's spinlock: for a train that fits
    /// the memory, its own end; for a looping one, the end of the memory pass it is in. The caller is held until then.
    /// Then rmt_tx_destroy turns the pin's output off, whichever channel drives it now.
    /// </summary>
    internal void Release(int number)
    {
        long stopUs;
        long passStartUs = long.MinValue;
        int pin;
        lock (_sync)
        {
            var channel = _channels[number];
            if (!channel.Installed)
            {
                return;
            }

            pin = channel.Pin;
            stopUs = channel.Transmit ? StopTime(channel, board.NowUs, out passStartUs) : long.MinValue;
        }

        long called = board.NowUs;
        board.SpinUntil(stopUs);
        lock (_sync)
        {
            var channel = _channels[number];
            channel.EndUs = Math.Min(channel.EndUs, board.NowUs);
            channel.Installed = false;
            if (channel.Transmit && _routing.TryGetValue(pin, out int routed))
            {
                if (routed != number && _channels[routed].Installed)
                {
                    _conflicts.Add($"releasing channel {number} turned off the output of pin {pin}, which channel {routed} drives");
                }

                _routing.Remove(pin);
            }
        }

        // The hold the driver imposes (to the transmitter's stop), not the caller's wall time: a test machine's
        // scheduler adds its own delays on top, which a real ESP32 with interrupts off does not.
        long held = stopUs == long.MinValue ? 0 : Math.Max(0, stopUs - called);
        lock (_sync)
        {
            LongestReleaseUs = Math.Max(LongestReleaseUs, held);
            if (passStartUs != long.MinValue && stopUs != long.MinValue)
            {
                LongestReleasePassUs = Math.Max(LongestReleasePassUs, stopUs - passStartUs);
            }

            _longestReleaseByPin[pin] = Math.Max(_longestReleaseByPin.GetValueOrDefault(pin), held);
        }
    }

    private static long StopTime(Channel channel, long nowUs) => StopTime(channel, nowUs, out _);

    /// <summary>As <see cref="StopTime(Channel, long)"/>, with the start of the pass of the memory the transmitter is in.</summary>
    private static long StopTime(Channel channel, long nowUs, out long passStartUs)
    {
        passStartUs = long.MinValue;
        if (channel.Halves is null || nowUs >= channel.EndUs)
        {
            return long.MinValue;
        }

        int unitSymbols = (channel.Halves.Count + 1) / 2;
        int memory = channel.Blocks * ItemsPerBlock;
        if (channel.Repeats == 1 && unitSymbols < memory)
        {
            return channel.EndUs;
        }

        // Walk the symbols from the start to the first one at a multiple of the memory at or after now.
        long t = channel.StartUs;
        for (long symbol = 0; t < channel.EndUs; symbol++)
        {
            if (symbol % memory == 0 && t >= nowUs)
            {
                return t;
            }

            if (symbol % memory == 0)
            {
                passStartUs = t;
            }

            int first = (int)(symbol % unitSymbols) * 2;
            for (int h = first; h < Math.Min(first + 2, channel.Halves.Count); h++)
            {
                t += channel.Halves[h].Ticks * channel.TickNs / 1000;
            }
        }

        return channel.EndUs;
    }

    /// <summary>The level the RMT drives on a pin at a time (low where no channel is routed).</summary>
    public bool Level(int pin, long timeUs)
    {
        lock (_sync)
        {
            if (!_routing.TryGetValue(pin, out int number))
            {
                return false;
            }

            var channel = _channels[number];
            bool idle = channel.IdleOutput && channel.IdleLevel;
            if (!channel.Transmit || channel.StartUs == long.MinValue || timeUs < channel.StartUs)
            {
                return idle;
            }

            var halves = channel.Halves ?? RamHalves(channel);
            long total = halves.Sum(h => (long)h.Ticks);
            if (total == 0)
            {
                return idle;
            }

            if (channel.Line3 && timeUs >= channel.EndUs)
            {
                return idle;
            }

            long elapsed = (timeUs - channel.StartUs) * 1000 / channel.TickNs;
            if ((channel.Halves is null && channel.FromRamLooping) || (channel.Line3 && channel.Repeats > 1))
            {
                elapsed %= total;
            }
            else if (elapsed >= total)
            {
                return idle;
            }

            foreach (var (ticks, high) in halves)
            {
                if (elapsed < ticks)
                {
                    return high;
                }

                elapsed -= ticks;
            }

            return idle;
        }
    }

    /// <summary>The channel routed to a pin, for tests: its number, blocks and whether its driver is installed.</summary>
    public (int Number, int Blocks, bool Installed)? RoutedTo(int pin)
    {
        lock (_sync)
        {
            return _routing.TryGetValue(pin, out int n) ? (n, _channels[n].Blocks, _channels[n].Installed) : null;
        }
    }

    /// <summary>The channel's items as the hardware reads them from RAM: up to a zero duration, or around its blocks.</summary>
    private List<(int Ticks, bool High)> RamHalves(Channel channel)
    {
        int ramBase = channel.Number * ItemsPerBlock;
        return Halves(i => _ram[ramBase + i], channel.Blocks * ItemsPerBlock);
    }

    /// <summary>
    /// What a receiver jumpered to a transmitter hands over for one send, as items of 1 µs: phases of equal level
    /// merged, the low before the first rise dropped, each high lengthened by the loopback's width error (and the
    /// low after it shortened), the idle low that ends the capture coming back as the end marker.
    /// </summary>
    internal static List<(ushort Duration0, bool Level0, ushort Duration1, bool Level1)> Capture(RmtSend send, long tickNs, int widthErrorUs)
    {
        var phases = new List<(long Us, bool High)>();
        foreach (var (ticks, high) in send.Halves)
        {
            long us = ticks * tickNs / 1000;
            if (phases.Count > 0 && phases[^1].High == high)
            {
                phases[^1] = (phases[^1].Us + us, high);
            }
            else if (phases.Count > 0 || high)
            {
                phases.Add((us, high));
            }
        }

        for (int i = 0; i < phases.Count; i++)
        {
            if (phases[i].High)
            {
                phases[i] = (phases[i].Us + widthErrorUs, true);
                if (i + 1 < phases.Count)
                {
                    phases[i + 1] = (phases[i + 1].Us - widthErrorUs, false);
                }
            }
        }

        if (phases.Count > 0 && !phases[^1].High)
        {
            phases[^1] = (0, false);
        }
        else
        {
            phases.Add((0, false));
        }

        var items = new List<(ushort, bool, ushort, bool)>();
        for (int i = 0; i < phases.Count; i += 2)
        {
            var second = i + 1 < phases.Count ? phases[i + 1] : (0, false);
            items.Add(((ushort)phases[i].Us, phases[i].High, (ushort)second.Item1, second.Item2));
        }

        return items;
    }

    /// <summary>SendData's bytes as (ticks, level) halves, up to the first zero duration.</summary>
    internal static List<(int Ticks, bool High)> Decode(byte[] data, int items) => Halves(i => BitConverter.ToUInt32(data, i * 4), items);

    /// <summary>rmt_item32_t words as halves: duration in bits 0-14, level in bit 15, twice; a zero duration ends them.</summary>
    private static List<(int Ticks, bool High)> Halves(Func<int, uint> word, int items)
    {
        var halves = new List<(int, bool)>();
        for (int i = 0; i < items; i++)
        {
            uint w = word(i);
            foreach (uint half in new[] { w & 0xFFFF, w >> 16 })
            {
                int ticks = (int)(half & 0x7FFF);
                if (ticks == 0)
                {
                    return halves;
                }

                halves.Add((ticks, (half & 0x8000) != 0));
            }
        }

        return halves;
    }

    private static bool Overlap(Channel other, int number, int blocks) =>
        number <= other.Number + other.Blocks - 1 && other.Number <= number + blocks - 1;

    private sealed class Channel(int number)
    {
        public int Number { get; } = number;

        public bool Installed { get; set; }

        public bool Transmit { get; set; }

        public int Blocks { get; set; } = 1;

        public long TickNs { get; set; } = 1000;

        public bool Looping { get; set; }

        public bool IdleOutput { get; set; } = true;

        public bool IdleLevel { get; set; }

        public long DriverBusyUntilUs { get; set; } = long.MinValue;

        public long StartUs { get; set; } = long.MinValue;

        public long EndUs { get; set; } = long.MinValue;

        /// <summary>A refilled train's items (played once); null while the hardware plays from its RAM blocks.</summary>
        public List<(int Ticks, bool High)>? Halves { get; set; }

        public bool FromRamLooping { get; set; }

        /// <summary>A 3.0 channel (allocated by the driver, copied items, stopped on release).</summary>
        public bool Line3 { get; set; }

        public int Pin { get; set; } = -1;

        /// <summary>How often a 3.0 transmission plays its items back to back.</summary>
        public int Repeats { get; set; } = 1;

        /// <summary>The items a 3.0 encoder's copy step took at its first send, and its loop count.</summary>
        public byte[]? StepItems { get; set; }

        public int? StepRepeats { get; set; }
    }
}
