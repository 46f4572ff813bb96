using System.Collections.Concurrent;
using System.Diagnostics;

namespace ClosedLoop.Board.Tests.Emulation;

/// <summary>
/// The emulated ESP32 the board application runs on in these tests: a µs clock since "power-on", GPIO pins whose
/// levels the test can drive, RMT transmitters whose patterns are played out in time (so the photodiode sees the
/// LEDs the firmware's RMT channels switch), an RMT receiver wired back to a transmitter pin, and the analog
/// front end. Its flash drive I: is the test's working folder. One board at a time. The peripherals behave as the
/// real sources say, each written down where it is modelled: GPIO as System.Device.Gpio 1.1.62 over nf-interpreter's
/// cpu_gpio.cpp (input-only GPIO34-39), RMT in <see cref="EmulatedRmt"/>, the ADS131M02 as its datasheet (frame, CRC).
/// </summary>
public sealed class EmulatedBoard
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentDictionary<int, EmulatedPin> _pins = new();
    private readonly List<IEmulatedTransmitter> _transmitters = [];
    private readonly List<IEmulatedTransmitter> _everyTransmitter = [];

    private readonly System.Collections.Concurrent.BlockingCollection<Action> _events = [];

    private EmulatedBoard()
    {
        Rmt = new EmulatedRmt(this);

        // nanoFramework delivers GPIO events one after another on its event thread; so does the emulation.
        new Thread(() =>
        {
            foreach (var handler in _events.GetConsumingEnumerable())
            {
                handler();
            }
        }) { IsBackground = true, Name = "emulated GPIO events" }.Start();
    }

    internal void Dispatch(Action handler) => _events.Add(handler);

    public static EmulatedBoard Current { get; private set; } = new();

    public static EmulatedBoard PowerOn() => Current = new EmulatedBoard();

    public long NowUs => _clock.Elapsed.Ticks / 10;

    /// <summary>The RMT peripheral: channels, memory blocks and what each pin is driven with.</summary>
    public EmulatedRmt Rmt { get; }

    public int SignalLedPin { get; set; } = 25;

    public int ControlLedPin { get; set; } = 26;

    /// <summary>Loopback jumpers: receiver pin to the transmitter pin it listens to.</summary>
    public Dictionary<int, int> Loopback { get; } = [];

    /// <summary>Added to every high phase the loopback carries (a slow or broken output, for the self-test).</summary>
    public int LoopbackWidthErrorUs { get; set; }

    public bool WifiAvailable { get; set; } = true;

    /// <summary>How long a TransmitterChannel.SendData call takes (the RMT starts in its middle).</summary>
    public long SendDataCostUs { get; set; } = 60;

    /// <summary>ADC counts for a reading at a time with the signal and control LEDs on or off.</summary>
    public Func<long, bool, bool, int> Photodiode { get; set; } = (_, signal, control) => 100 + (signal ? 2000 : 0) + (control ? 1000 : 0);

    public long Readings;

    public EmulatedPin Pin(int number) => _pins.GetOrAdd(number, n => new EmulatedPin(this, n));

    /// <summary>Drives an input pin as wiring would; the firmware hears of it through its ValueChanged handler.</summary>
    public void SetInput(int number, bool high)
    {
        Pin(number).Drive(high);
        UpdateArmChain();
    }

    /// <summary>
    /// The rig board's hardware arm chain (pcb/closedloop_pcb/board.py, block "arm"): 3.3 V through the e-stop's second
    /// pole and the arm key's second pole to ARM_OK, read back on <see cref="ArmChainReadbackPin"/> through 10 kΩ. Each
    /// switch's two poles move together, so the chain is closed exactly when the key's sensed pole reads on
    /// (<see cref="ArmKeyPin"/> high) and the e-stop's reads released (<see cref="EStopPin"/> low), unless something
    /// bridges the chain (<see cref="ArmChainBridged"/>: a jumper or a short across a chain pole) or cuts it.
    /// </summary>
    public int ArmChainReadbackPin { get; set; } = 34;

    public int ArmKeyPin { get; set; } = 32;

    public int EStopPin { get; set; } = 33;

    public bool ArmChainBridged
    {
        get => _armChainBridged;
        set
        {
            _armChainBridged = value;
            UpdateArmChain();
        }
    }

    public bool ArmChainCut
    {
        get => _armChainCut;
        set
        {
            _armChainCut = value;
            UpdateArmChain();
        }
    }

    private bool _armChainBridged;
    private bool _armChainCut;

    private void UpdateArmChain() =>
        Pin(ArmChainReadbackPin).Drive(!_armChainCut && (_armChainBridged || (Pin(ArmKeyPin).High && !Pin(EStopPin).High)));

    internal void Register(IEmulatedTransmitter channel)
    {
        lock (_transmitters)
        {
            _transmitters.Add(channel);
            _everyTransmitter.Add(channel);
        }
    }

    internal void Unregister(IEmulatedTransmitter channel)
    {
        lock (_transmitters)
        {
            _transmitters.Remove(channel);
        }
    }

    public IReadOnlyList<IEmulatedTransmitter> Transmitters(int pin)
    {
        lock (_transmitters)
        {
            return _transmitters.Where(t => t.Pin == pin).ToList();
        }
    }

    /// <summary>Every transmit driver ever made for a pin, released ones included.</summary>
    public IReadOnlyList<IEmulatedTransmitter> EveryTransmitter(int pin)
    {
        lock (_transmitters)
        {
            return _everyTransmitter.Where(t => t.Pin == pin).ToList();
        }
    }

    public bool Level(int pin, long timeUs) => Rmt.Level(pin, timeUs);

    /// <summary>
    /// What an RMT receiver on <paramref name="pin"/> hands over: the last send, since <paramref name="sinceUs"/>, of the
    /// transmitter jumpered to it (<see cref="Loopback"/>), as 1 µs items (<see cref="EmulatedRmt.Capture"/>), once the
    /// line has been idle for <paramref name="idleUs"/> after it; null before then or without a jumper.
    /// </summary>
    internal List<(ushort Duration0, bool Level0, ushort Duration1, bool Level1)>? Received(int pin, long sinceUs, long idleUs)
    {
        if (!Loopback.TryGetValue(pin, out int source))
        {
            return null;
        }

        var sent = EveryTransmitter(source).SelectMany(t => t.Sends.Select(s => (Channel: t, Send: s))).LastOrDefault(x => x.Send.StartUs >= sinceUs);
        if (sent.Send is null || NowUs < sent.Send.StartUs + (sent.Send.TotalTicks * sent.Channel.TickNs / 1000) + idleUs)
        {
            return null;
        }

        return EmulatedRmt.Capture(sent.Send, sent.Channel.TickNs, LoopbackWidthErrorUs);
    }

    /// <summary>Busy-waits (the firmware's thread is held, as on the chip).</summary>
    internal void Spin(long us) => SpinUntil(NowUs + us);

    internal void SpinUntil(long timeUs)
    {
        while (NowUs < timeUs)
        {
            if (timeUs - NowUs > 2000)
            {
                Thread.Sleep(1);
            }
            else
            {
                Thread.SpinWait(20);
            }
        }
    }

    /// <summary>Volts at the rig board's ADS131M02 per count of <see cref="Photodiode"/> (its BNC IN1, channel 0).</summary>
    public const double ConverterVoltsPerCount = 1e-4;

    /// <summary>The SPI devices the firmware opened for the rig board's converter.</summary>
    public List<(System.Device.Spi.SpiConnectionSettings Settings, ClosedLoop.Firmware.Tests.Support.EmulatedAds131m02 Chip)> SpiDevices { get; } = [];

    /// <summary>The chip select of the rig board's LED DAC (pins.led_dac_cs on the rig board); every other chip select is the converter's.</summary>
    public int LedDacChipSelect { get; set; } = 16;

    /// <summary>The LED DAC, once the firmware opened it: then each LED's light scales with its current (<see cref="PhotodiodeAt"/>).</summary>
    public ClosedLoop.Firmware.Tests.Support.EmulatedMcp4822? LedDac { get; private set; }

    /// <summary>The LED current that gives the light <see cref="Photodiode"/> describes, on a board with an LED DAC (the firmware's default).</summary>
    public const double NominalLedMilliamps = 10;

    /// <summary>
    /// What the photodiode reads at <paramref name="us"/>: <see cref="Photodiode"/> of the LEDs' levels, and with an LED
    /// DAC each LED's share of the light scaled by its current over <see cref="NominalLedMilliamps"/> (light is linear
    /// in current over photometry's range), the current following the LED loop's circuit from the DAC's output.
    /// </summary>
    internal int PhotodiodeAt(long us)
    {
        bool signal = Level(SignalLedPin, us);
        bool control = Level(ControlLedPin, us);
        if (LedDac is not { } dac)
        {
            return Photodiode(us, signal, control);
        }

        int dark = Photodiode(us, false, false);
        double light = dark;
        if (signal)
        {
            light += (Photodiode(us, true, false) - dark) * ClosedLoop.Firmware.Tests.Support.RigBoardLedLoop.Milliamps(dac.OutputVolts(0)) / NominalLedMilliamps;
        }

        if (control)
        {
            light += (Photodiode(us, false, true) - dark) * ClosedLoop.Firmware.Tests.Support.RigBoardLedLoop.Milliamps(dac.OutputVolts(1)) / NominalLedMilliamps;
        }

        return (int)Math.Round(light);
    }

    /// <summary>The GPIO each device function was given (Configuration.SetPinFunction).</summary>
    internal Dictionary<nanoFramework.Hardware.Esp32.DeviceFunction, int> MappedPins { get; } = [];

    private bool _spiBusUp;
    private int _spiDevicesOpen;

    /// <summary>nf-interpreter's MAX_SPI_DEVICES for ESP32 targets (targets/ESP32/_include/TargetHAL_Spi.h).</summary>
    private const int MaxSpiDevicesPerBus = 3;

    /// <summary>
    /// The rig board's SPI bus: the LED DAC at <see cref="LedDacChipSelect"/>, otherwise the ADS131M02, whose channel 0
    /// sees the photodiode, channel 1 nothing. The first device brings the bus up with the pins mapped so far, as
    /// nf-interpreter's CPU_SPI_Initialize (targets/ESP32/_nanoCLR/System.Device.Spi/cpu_spi.cpp) does: a full-duplex
    /// device needs clock, MISO and MOSI mapped, a half-duplex one clock and MOSI; otherwise the native init fails
    /// (CLR_E_INVALID_PARAMETER, an ArgumentException in managed code). A bus takes at most three devices
    /// (nanoHAL_Spi.cpp: CLR_E_INDEX_OUT_OF_RANGE beyond MAX_SPI_DEVICES).
    /// </summary>
    internal System.Device.Spi.SpiDevice OpenSpi(System.Device.Spi.SpiConnectionSettings settings)
    {
        if (!_spiBusUp)
        {
            bool Mapped(nanoFramework.Hardware.Esp32.DeviceFunction f) => MappedPins.ContainsKey(f);
            bool full = settings.Configuration == System.Device.Spi.SpiBusConfiguration.FullDuplex;
            if (!Mapped(nanoFramework.Hardware.Esp32.DeviceFunction.SPI1_CLOCK) || !Mapped(nanoFramework.Hardware.Esp32.DeviceFunction.SPI1_MOSI)
                || (full && !Mapped(nanoFramework.Hardware.Esp32.DeviceFunction.SPI1_MISO)))
            {
                throw new ArgumentException($"SPI1 pins not configured for a {settings.Configuration} device");
            }

            _spiBusUp = true;
        }

        if (++_spiDevicesOpen > MaxSpiDevicesPerBus)
        {
            throw new IndexOutOfRangeException($"SPI1 already has {MaxSpiDevicesPerBus} devices");
        }

        if (settings.ChipSelectLine == LedDacChipSelect)
        {
            LedDac = new ClosedLoop.Firmware.Tests.Support.EmulatedMcp4822(settings);
            return LedDac;
        }

        var chip = new ClosedLoop.Firmware.Tests.Support.EmulatedAds131m02(
            (channel, t) => channel == 0 ? PhotodiodeAt((long)(t * 1e6)) * ConverterVoltsPerCount : 0,
            () => NowUs / 1e6,
            seconds => SpinUntil(NowUs + (long)Math.Ceiling(seconds * 1e6)));
        SpiDevices.Add((settings, chip));
        return chip;
    }

    /// <summary>How long one ADC read takes (tens of µs on the ESP32's own converter).</summary>
    public long AdcReadUs { get; set; } = 40;

    /// <summary>One ADC conversion, taking <see cref="AdcReadUs"/>.</summary>
    internal int ReadAdc()
    {
        SpinUntil(NowUs + AdcReadUs);

        Interlocked.Increment(ref Readings);
        long t = NowUs;
        return PhotodiodeAt(t);
    }
}

/// <summary>One GPIO pin: its level over time, what the firmware wrote to it, and the input edges the test drives.</summary>
public sealed class EmulatedPin(EmulatedBoard board, int number)
{
    private readonly List<(long TimeUs, bool High)> _writes = [];

    public int Number { get; } = number;

    public bool High { get; private set; }

    public System.Device.Gpio.PinMode Mode { get; set; }

    public IReadOnlyList<(long TimeUs, bool High)> Writes
    {
        get
        {
            lock (_writes)
            {
                return [.. _writes];
            }
        }
    }

    internal event Action<bool>? Changed;

    internal void Write(bool high)
    {
        lock (_writes)
        {
            _writes.Add((board.NowUs, high));
        }

        High = high;
    }

    internal void Drive(bool high)
    {
        if (High == high)
        {
            return;
        }

        High = high;
        Changed?.Invoke(high);
    }
}
