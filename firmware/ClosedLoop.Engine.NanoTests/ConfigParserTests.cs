using ClosedLoop.Engine.Config;
using nanoFramework.TestFramework;

namespace ClosedLoop.Engine.NanoTests
{
    /// <summary>nf.config as the board reads it from flash: every error named, nothing half applied.</summary>
    [TestClass]
    public class ConfigParserTests
    {
        [TestMethod]
        public static void An_empty_file_takes_every_default()
        {
            ConfigLoadResult result = ConfigLoader.Load(string.Empty);

            Assert.IsTrue(result.IsValid);
            Assert.AreEqual("rig-01", result.Config.RigId);
            Assert.AreEqual(7692L, result.Config.Acquisition.PeriodUs);
        }

        [TestMethod]
        public static void Sections_keys_and_comments_are_read()
        {
            ConfigLoadResult result = ConfigLoader.Load("# a rig\n[rig]\nid = rig-07 # inline comment\n\n; another comment\n[detector]\npre_ms = 2000\n");

            Assert.IsTrue(result.IsValid);
            Assert.AreEqual("rig-07", result.Config.RigId);
            Assert.AreEqual(2000000L, result.Config.Detector.PreUs);
        }

        [TestMethod]
        public static void A_value_out_of_range_names_the_field_the_value_and_what_is_allowed()
        {
            ConfigLoadResult result = ConfigLoader.Load("[opto]\npulse_width_us = 0\n");

            Assert.IsFalse(result.IsValid);
            Assert.AreEqual("opto.pulse_width_us", result.Errors[0].Field);
            Assert.AreEqual("0", result.Errors[0].Value);
            Assert.IsTrue(result.Errors[0].Expected.Length > 0);
        }

        [TestMethod]
        public static void Every_bad_field_is_reported_at_once_and_an_unknown_key_too()
        {
            ConfigLoadResult result = ConfigLoader.Load("[opto]\npulse_width_us = -1\nperiod_us = x\n[detector]\nthreshold = 1\n");

            Assert.IsFalse(result.IsValid);
            Assert.AreEqual(3, result.Errors.Length);
        }

        [TestMethod]
        public static void A_rig_refuses_a_file_that_leaves_a_safety_limit_to_its_default()
        {
            ConfigLoadResult result = ConfigLoader.LoadForRig("[rig]\nid = rig-07\n");

            Assert.IsFalse(result.IsValid);
            Assert.AreEqual("output.mode", result.Errors[0].Field);
        }

        [TestMethod]
        public static void The_hash_ignores_comments_and_order_but_not_values()
        {
            string a = ConfigLoader.Load("[detector]\npre_ms = 2000\npost_ms = 2500\n").Config.Hash;
            string b = ConfigLoader.Load("# reordered\n[detector]\npost_ms = 2500\npre_ms = 2000\n").Config.Hash;
            string c = ConfigLoader.Load("[detector]\npre_ms = 2000\npost_ms = 2600\n").Config.Hash;

            Assert.AreEqual(a, b);
            Assert.IsFalse(a == c);
        }
    }
}
