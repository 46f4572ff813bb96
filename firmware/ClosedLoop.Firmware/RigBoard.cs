using System;
using System.Device.Gpio;
using System.Device.I2c;
using System.Device.Spi;
using ClosedLoop.Engine;
using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Journal;
using ClosedLoop.Firmware.Acquisition;
using ClosedLoop.Firmware.Board;
using ClosedLoop.Firmware.Inputs;
using ClosedLoop.Firmware.Link;
using ClosedLoop.Firmware.Output;
using nanoFramework.Hardware.Esp32;

namespace ClosedLoop.Firmware
{
    /// <summary>
    /// Puts the rig together at boot, in the order safety asks for: outputs disabled, configuration, engine (which
    /// drives both outputs low before anything else it does), inputs with the e-stop read first, sync, sampling,
    /// and only then the network, which the experiment never waits for.
    /// </summary>
    public sealed class RigBoard
    {
        private readonly object _engineLock = new object();
        private ClosedLoopEngine _engine;
        private Sampler _sampler;
        private BrokerLink _link;
        private RigInputs _inputs;

        /// <summary>The engine, once booted (for a debugger or a test bench).</summary>
        public ClosedLoopEngine Engine
        {
            get { return _engine; }
        }

        public void Boot()
        {
            byte[] configBytes = BoardStorage.ReadAll(BoardStorage.ConfigPath);
            ConfigLoadResult loaded = configBytes == null ? null : ConfigLoader.LoadSealedForRig(configBytes, configBytes.Length);
            RigConfig config = loaded != null && loaded.IsValid ? loaded.Config : RigConfig.Default();
            BoardSettings b = config.Board;

            GpioController gpio = new GpioController();
            BoardClock clock = new BoardClock();
            int maxItems = config.Output.RmtMaxItems;
            int blocks = config.Output.RmtMemoryBlocks;
            RmtOutputChannel opto = new RmtOutputChannel(gpio, clock, b.OptoChannel, b.OptoTtlPin, b.OptoEnablePin, maxItems, blocks);
            RmtOutputChannel dose = new RmtOutputChannel(gpio, clock, b.DoseChannel, b.DoseTtlPin, b.DoseEnablePin, maxItems, blocks);

            long bootId = BoardStorage.NextBootId();

            // Before the engine: its first excitation start sets the LED currents.
            Mcp4822LedCurrents ledCurrents = null;
            bool ledDacMissing = false;
            if (b.LedDacChipSelectPin >= 0)
            {
                try
                {
                    ledCurrents = OpenLedDac(b);
                }
                catch (Exception)
                {
                    ledDacMissing = true;
                }
            }

            RmtExcitation excitation = new RmtExcitation(clock, b.SignalChannel, b.SignalLedPin, b.ControlChannel, b.ControlLedPin, ledCurrents);
            ClosedLoopEngine engine = new ClosedLoopEngine(config, clock, bootId, excitation, opto, dose);
            if (ledDacMissing)
            {
                lock (_engineLock)
                {
                    engine.Fault(FaultCode.Board, BoardFault.NoLedDac);
                }
            }
            if (configBytes != null && (loaded == null || !loaded.IsValid))
            {
                lock (_engineLock)
                {
                    // Journals the rejection with its error count; the defaults stay in force (disarmed, no session).
                    engine.ApplyConfig(configBytes, configBytes.Length);
                }
            }

            ReportExcitation(engine, _engineLock, excitation);

            _inputs = new RigInputs(gpio, b.ArmInputPin, b.EStopInputPin, b.EncounterInputPin, b.InterlockInputPin, engine, _engineLock, clock);

            if (b.SyncEnabled)
            {
                SyncOutput sync = new SyncOutput(clock, b.SyncChannel, b.SyncPin, b.SyncPulseMs);
                long firstEdge = sync.Start();
                lock (_engineLock)
                {
                    engine.OnSyncStarted(firstEdge, b.SyncPulseMs * 1000);
                }
            }

            // A missing ADC or flash must not keep the rig off the network: the lab has to see why it is not sampling.
            IPhotodiode photodiode = null;
            try
            {
                photodiode = OpenPhotodiode(b);
            }
            catch (Exception)
            {
                // The input interrupts are live by now: they may be in the engine.
                lock (_engineLock)
                {
                    engine.Fault(FaultCode.Board, BoardFault.NoPhotodiode);
                }
            }

            SelfTestRunner selfTest = new SelfTestRunner(b.SelfTestChannel, b.SelfTestInputPin);
            byte[] ca = b.CaFile.Length == 0 ? null : BoardStorage.ReadAll(BoardStorage.Root + b.CaFile);
            long spillBytes = b.EventSpillBytes;
            FlashSpillStore spill = OpenSpill(engine, BoardStorage.SpillPath, spillBytes, BoardFault.NoSpillFile, BoardFault.PreviousEventsDiscarded);
            long frameSpillBytes = b.FrameSpillBytes;
            FlashSpillStore frameSpill = OpenSpill(engine, BoardStorage.FrameSpillPath, frameSpillBytes, BoardFault.NoFrameSpillFile, BoardFault.PreviousFramesDiscarded);

            BrokerLink link = new BrokerLink(engine, _engineLock, new LinkSettings(config.Values, ca), spill, spillBytes, frameSpill, frameSpillBytes, selfTest, excitation);
            lock (_engineLock)
            {
                engine.SetSampleSink(link);
            }

            _engine = engine;
            _link = link;
            if (photodiode != null)
            {
                _sampler = new Sampler(engine, _engineLock, photodiode, clock);
                _sampler.Start();
            }

            link.Start();
        }

        /// <summary>Stops the rig in order: sampling and the arm chain's readback, then the engine's outputs (disarmed, low), then the link, which says offline.</summary>
        public void Stop()
        {
            if (_sampler != null)
            {
                _sampler.Stop();
            }

            _inputs.Stop();

            lock (_engineLock)
            {
                _engine.Disarm();
            }

            _link.Stop();
        }

        /// <summary>The flash file events or frames wait in while the broker is away; null when none is configured or it cannot be opened (then a board fault).</summary>
        private FlashSpillStore OpenSpill(ClosedLoopEngine engine, string path, long bytes, long fault, long discardedFault)
        {
            if (BoardStorage.LengthOf(path) > 0)
            {
                // What the previous boot spilled and never published is dropped when the store starts afresh:
                // never silently.
                lock (_engineLock)
                {
                    engine.Fault(FaultCode.Board, discardedFault);
                }
            }

            try
            {
                return bytes > 0 ? new FlashSpillStore(path) : null;
            }
            catch (Exception)
            {
                // The input interrupts are live by now: they may be in the engine.
                lock (_engineLock)
                {
                    engine.Fault(FaultCode.Board, fault);
                }

                return null;
            }
        }

        /// <summary>A rig whose LED edges may fall outside the settle guards mixes phases: say so as a fault (outputs low, disarmed).</summary>
        public static void ReportExcitation(ClosedLoopEngine engine, object engineLock, RmtExcitation excitation)
        {
            if (!excitation.Aligned)
            {
                lock (engineLock)
                {
                    engine.Fault(FaultCode.ExcitationTiming, excitation.WorstLateUs);
                }
            }
        }

        /// <summary>
        /// The SPI bus the ADS131M02 and the LED DAC share (each with its own chip select and mode), mapped by whichever
        /// device opens first: mapping a function again to the same GPIO changes nothing, and a GPIO refused here fails
        /// that device's opening, which the board reports, instead of the boot.
        /// </summary>
        private static void ConfigureSpiBus(BoardSettings b)
        {
            Configuration.SetPinFunction(b.SpiClockPin, DeviceFunction.SPI1_CLOCK);
            Configuration.SetPinFunction(b.SpiMosiPin, DeviceFunction.SPI1_MOSI);
            if (b.Adc == AdcBackend.Ads131m02)
            {
                Configuration.SetPinFunction(b.SpiMisoPin, DeviceFunction.SPI1_MISO);
            }
        }

        /// <summary>
        /// The MCP4822: SPI mode 0 (it also takes mode 3), 8 MHz of its 20 MHz, a 16-bit word per write. Half duplex,
        /// as it only listens: the first device on a bus brings it up, and nf-interpreter's CPU_SPI_Initialize asks a
        /// full-duplex one for a MISO pin, which a board without the ADS131M02 has not mapped.
        /// </summary>
        private static Mcp4822LedCurrents OpenLedDac(BoardSettings b)
        {
            ConfigureSpiBus(b);
            SpiConnectionSettings spi = new SpiConnectionSettings(1, b.LedDacChipSelectPin);
            spi.Configuration = SpiBusConfiguration.HalfDuplex;
            spi.Mode = SpiMode.Mode0;
            spi.DataBitLength = 8;
            spi.ClockFrequency = 8000000;
            return new Mcp4822LedCurrents(SpiDevice.Create(spi));
        }

        private static IPhotodiode OpenPhotodiode(BoardSettings b)
        {
            if (b.Adc == AdcBackend.Esp32)
            {
                return new Esp32Photodiode(b.PhotodiodeAdcChannel);
            }

            if (b.Adc == AdcBackend.Ads131m02)
            {
                // SPI mode 1 (data clocked out on the rising edge, sampled on the falling), 8 MHz: a frame in 12 µs.
                ConfigureSpiBus(b);
                SpiConnectionSettings spi = new SpiConnectionSettings(1, b.AdcChipSelectPin);
                spi.Mode = SpiMode.Mode1;
                spi.DataBitLength = 8;
                spi.ClockFrequency = 8000000;
                return new Ads131m02Photodiode(SpiDevice.Create(spi), b.Ads131m02Input, b.Ads131m02Gain, b.Ads131m02Rate);
            }

            Configuration.SetPinFunction(b.I2cDataPin, DeviceFunction.I2C1_DATA);
            Configuration.SetPinFunction(b.I2cClockPin, DeviceFunction.I2C1_CLOCK);
            I2cConnectionSettings settings = new I2cConnectionSettings(1, b.Ads1115Address, I2cBusSpeed.FastMode);
            return new Ads1115Photodiode(I2cDevice.Create(settings), b.Ads1115Input, b.Ads1115Range);
        }
    }
}
