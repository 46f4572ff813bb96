namespace ClosedLoop.Board.Tests.Emulation;

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

            long elapsed = (timeUs - channel.StartUs) * 1000 / channel.TickNs;
            if (channel.Halves is null && channel.FromRamLooping)
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
    }
}
