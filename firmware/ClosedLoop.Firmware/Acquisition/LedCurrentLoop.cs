namespace ClosedLoop.Firmware.Acquisition
{
    /// <summary>
    /// The rig board's LED current loop (pcb/closedloop_pcb/board.py, led_drivers), as numbers: an MCP4822 channel
    /// (12 bits over its internal 2.048 V reference, gain 1) feeds, through the excitation switch, a divider that
    /// halves it into the op-amp's setpoint; the op-amp holds its feedback node at the setpoint, and that node sits a
    /// bias above the sense resistor's voltage (1 kΩ from the sense resistor, 1 MΩ from 3.3 V), so that a zero
    /// setpoint turns the LED fully off whatever the op-amp's offset. A test holds these values equal to the netlist's.
    /// </summary>
    public static class LedCurrentLoop
    {
        public const double DacReferenceVolts = 2.048;
        public const int DacCodes = 4096;
        public const double DividerTopOhms = 10000;
        public const double DividerBottomOhms = 10000;
        public const double SenseOhms = 10;
        public const double FeedbackOhms = 1000;
        public const double BiasOhms = 1000000;
        public const double BiasVolts = 3.3;

        /// <summary>The share of the feedback node's voltage that comes from the bias (the rest from the sense resistor).</summary>
        private const double BiasShare = FeedbackOhms / (FeedbackOhms + BiasOhms);

        private const double SetpointPerDacVolt = DividerBottomOhms / (DividerTopOhms + DividerBottomOhms);

        /// <summary>The DAC code that makes <paramref name="milliamps"/> flow in a lit LED; 0 (dark) at or below zero, the top code beyond the loop's range.</summary>
        public static int CodeFor(double milliamps)
        {
            // Feedback node = sense x (1 - share) + bias x share = setpoint; sense = I x R.
            double setpoint = (milliamps / 1000.0 * SenseOhms * (1 - BiasShare)) + (BiasVolts * BiasShare);
            double code = setpoint / SetpointPerDacVolt / DacReferenceVolts * DacCodes;
            if (milliamps <= 0 || code < 0.5)
            {
                return 0;
            }

            return code >= DacCodes - 1 ? DacCodes - 1 : (int)(code + 0.5);
        }

        /// <summary>What flows in a lit LED at <paramref name="code"/> (mA): none while the setpoint is below the bias.</summary>
        public static double MilliampsAt(int code)
        {
            double setpoint = (double)code / DacCodes * DacReferenceVolts * SetpointPerDacVolt;
            double sense = (setpoint - (BiasVolts * BiasShare)) / (1 - BiasShare);
            return sense <= 0 ? 0 : sense / SenseOhms * 1000.0;
        }
    }
}
