using System;
using System.Device.Gpio;
using System.Device.I2c;
using ClosedLoop.Engine;
using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Journal;
using ClosedLoop.Engine.Output;
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

        /// <summary>The engine, once booted (for a debugger or a test bench).</summary>
        public ClosedLoopEngine Engine
        {
            get { return _engine; }
        }

        public void Boot()
        {
            byte[] configBytes = BoardStorage.ReadAll(BoardStorage.ConfigPath);
            ConfigLoadResult loaded = configBytes == null ? null : ConfigLoader.LoadForRig(configBytes, configBytes.Length);
            RigConfig config = loaded != null && loaded.IsValid ? loaded.Config : RigConfig.Default();
            ConfigValues v = config.Values;

            GpioController gpio = new GpioController();
            BoardClock clock = new BoardClock();
            int maxItems = config.Output.RmtMaxItems;
            int blocks = config.Output.RmtMemoryBlocks;
            RmtOutputChannel opto = new RmtOutputChannel(gpio, clock, Channel(v, RmtChannelMap.Opto), Pin(v, "opto_ttl"), Pin(v, "opto_enable"), maxItems, blocks);
            RmtOutputChannel dose = new RmtOutputChannel(gpio, clock, Channel(v, RmtChannelMap.Dose), Pin(v, "dose_ttl"), Pin(v, "dose_enable"), maxItems, blocks);

            long bootId = BoardStorage.NextBootId();
            RmtExcitation excitation = new RmtExcitation(clock, Channel(v, RmtChannelMap.Signal), Pin(v, "signal_led"), Channel(v, RmtChannelMap.Control), Pin(v, "control_led"));
            ClosedLoopEngine engine = new ClosedLoopEngine(config, clock, bootId, excitation, opto, dose);
            if (configBytes != null && (loaded == null || !loaded.IsValid))
            {
                // Journals the rejection with its error count; the defaults stay in force (disarmed, no session).
                engine.ApplyConfig(configBytes, configBytes.Length);
            }

            ReportExcitation(engine, excitation);

            new RigInputs(gpio, Pin(v, "arm_input"), Pin(v, "estop_input"), Pin(v, "encounter_input"), engine, _engineLock, clock);

            if (v.GetBoolean("sync", "enabled"))
            {
                SyncOutput sync = new SyncOutput(clock, Channel(v, RmtChannelMap.Sync), Pin(v, "sync_out"), v.GetInteger("sync", "pulse_ms"));
                long firstEdge = sync.Start();
                lock (_engineLock)
                {
                    engine.OnSyncStarted(firstEdge, v.GetInteger("sync", "pulse_ms") * 1000);
                }
            }

            // A missing ADC or flash must not keep the rig off the network: the lab has to see why it is not sampling.
            IPhotodiode photodiode = null;
            try
            {
                photodiode = OpenPhotodiode(v);
            }
            catch (Exception)
            {
                engine.Fault(FaultCode.Board, BoardFault.NoPhotodiode);
            }

            SelfTestRunner selfTest = new SelfTestRunner(Channel(v, RmtChannelMap.SelfTest), Pin(v, "selftest_input"));
            string caFile = v.GetText("link", "ca_file");
            byte[] ca = caFile.Length == 0 ? null : BoardStorage.ReadAll(BoardStorage.Root + caFile);
            long spillBytes = v.GetInteger("journal", "spill_kb") * 1024;
            FlashSpillStore spill = null;
            try
            {
                spill = spillBytes > 0 ? new FlashSpillStore(BoardStorage.SpillPath) : null;
            }
            catch (Exception)
            {
                engine.Fault(FaultCode.Board, BoardFault.NoSpillFile);
            }

            long frameSpillBytes = v.GetInteger("journal", "frame_spill_kb") * 1024;
            FlashSpillStore frameSpill = null;
            try
            {
                frameSpill = frameSpillBytes > 0 ? new FlashSpillStore(BoardStorage.FrameSpillPath) : null;
            }
            catch (Exception)
            {
                engine.Fault(FaultCode.Board, BoardFault.NoFrameSpillFile);
            }

            BrokerLink link = new BrokerLink(engine, _engineLock, new LinkSettings(v, ca), spill, spillBytes, frameSpill, frameSpillBytes, selfTest, excitation);
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

        /// <summary>Stops the rig in order: sampling, then the engine's outputs (disarmed, low), then the link, which says offline.</summary>
        public void Stop()
        {
            if (_sampler != null)
            {
                _sampler.Stop();
            }

            lock (_engineLock)
            {
                _engine.Disarm();
            }

            _link.Stop();
        }

        /// <summary>A rig whose LED edges may fall outside the settle guards mixes phases: say so as a fault (outputs low, disarmed).</summary>
        public static void ReportExcitation(ClosedLoopEngine engine, RmtExcitation excitation)
        {
            if (!excitation.Aligned)
            {
                engine.Fault(FaultCode.ExcitationTiming, excitation.WorstLateUs);
            }
        }

        private static IPhotodiode OpenPhotodiode(ConfigValues v)
        {
            if (v.GetChoice("acquisition", "adc") == 0)
            {
                return new Esp32Photodiode((int)v.GetInteger("pins", "photodiode_adc_channel"));
            }

            Configuration.SetPinFunction(Pin(v, "i2c_sda"), DeviceFunction.I2C1_DATA);
            Configuration.SetPinFunction(Pin(v, "i2c_scl"), DeviceFunction.I2C1_CLOCK);
            I2cConnectionSettings settings = new I2cConnectionSettings(1, (int)v.GetInteger("acquisition", "ads1115_address"), I2cBusSpeed.FastMode);
            return new Ads1115Photodiode(I2cDevice.Create(settings), v.GetChoice("acquisition", "ads1115_input"), v.GetChoice("acquisition", "ads1115_range_mv"));
        }

        /// <summary>The RMT channel nf.config gives a source (validated against shared memory blocks).</summary>
        private static int Channel(ConfigValues v, int source)
        {
            return RmtChannelMap.ChannelOf(v, source);
        }

        private static int Pin(ConfigValues v, string name)
        {
            return (int)v.GetInteger("pins", name);
        }
    }
}
