using ClosedLoop.Engine.Output;

namespace ClosedLoop.Engine.Wire
{
    /// <summary>
    /// The retained status of a rig, e.g.
    /// <code>{"v":1,"rig":"rig-01","online":true,"boot":7,"t_us":93000000,"config":"bf0e25556afdff88","armed":true,"estop":false,"session":true,"mode":"closed_loop","next_seq":412,"per_phase":4.2,"reading_us":640,"start_us":85,"full":4095,"light":"ok","sig":2100,"ctl":1650,"dark":80}</code>
    /// and its last-will twin <c>{"v":1,"rig":"rig-01","online":false,"boot":7}</c>, which the broker publishes
    /// when the rig drops off.
    /// </summary>
    public static class StatusJson
    {
        public const int Version = 1;
        public const int MaxBytes = 384;

        private static readonly string[] Modes = new string[] { "closed_loop", "open_loop", "sham", "yoked" };

        /// <summary>The words of <see cref="Acquisition.LightRange"/> on the wire, in its order.</summary>
        public static readonly string[] LightRanges = new string[] { "unknown", "ok", "near_rail", "near_floor" };

        /// <summary>
        /// Writes the online status with a writer the caller keeps (<see cref="StatusChanges"/>), so nothing is
        /// allocated. With <paramref name="measurements"/> it ends with the rig's own figures once it has measured a
        /// second of acquisition (readings per lit phase per cycle, time per reading, longest output start, µs; the
        /// converter's full scale, where the light sits in it and each phase's mean reading in counts, dark not
        /// subtracted, absent with one colour), and, with <paramref name="frames"/> at 0 or more, the number of the
        /// link's newest complete sample frame.
        /// </summary>
        internal static int WriteOnline(JsonWriter w, ClosedLoopEngine engine, long nowUs, byte[] buffer, int offset, bool measurements, long frames)
        {
            OutputGate gate = engine.Gate;
            w.Begin(buffer, offset);
            w.Integer("v", Version);
            w.Text("rig", engine.Journal.RigId);
            w.Boolean("online", true);
            w.Integer("boot", engine.Journal.BootId);
            w.Integer("t_us", nowUs);
            w.Hex("config", ClosedLoopEngine.HashBits(engine.Config.Hash));
            w.Boolean("armed", gate.IsArmed);
            w.Boolean("estop", gate.IsEStopLatched);
            w.Boolean("session", gate.InSession);
            w.Text("mode", Modes[(int)gate.Mode]);
            w.Integer("next_seq", engine.Journal.NextSequence);
            if (measurements && engine.UnjournaledRefusals > 0)
            {
                // Refused commands the journal did not take (a flood), counted here instead. It rides along with
                // changes and heartbeats and never causes a status of its own, or a flood would become one.
                w.Integer("refused", engine.UnjournaledRefusals);
            }

            if (measurements && frames >= 0)
            {
                w.Integer("frames", frames);
            }

            Acquisition.AcquisitionMeter meter = engine.Meter;
            if (measurements && meter.IsMeasured)
            {
                w.Number("per_phase", Tenths(meter.PerLitPhase));
                w.Integer("reading_us", (long)(meter.ReadingUs + 0.5));
                w.Integer("start_us", engine.LongestOutputStartUs);
                w.Integer("full", Round(meter.FullScale));
                w.Text("light", LightRanges[(int)meter.Range]);
                if (meter.Range != Acquisition.LightRange.Unknown)
                {
                    w.Integer("sig", Round(meter.SignalLevel));
                    if (!engine.Config.Acquisition.Continuous)
                    {
                        w.Integer("ctl", Round(meter.ControlLevel));
                        w.Integer("dark", Round(meter.DarkLevel));
                    }
                }
            }

            return w.End();
        }

        private static long Round(double value)
        {
            return value >= 0 ? (long)(value + 0.5) : -(long)(0.5 - value);
        }

        private static double Tenths(double value)
        {
            return (long)(value * 10 + 0.5) / 10.0;
        }

        public static int WriteOffline(string rigId, long bootId, byte[] buffer, int offset)
        {
            JsonWriter w = new JsonWriter();
            w.Begin(buffer, offset);
            w.Integer("v", Version);
            w.Text("rig", rigId);
            w.Boolean("online", false);
            w.Integer("boot", bootId);
            return w.End();
        }
    }
}
