namespace ClosedLoop.Firmware.Tests.Support;

/// <summary>
/// The rig board's LED current loop (pcb/closedloop_pcb/board.py, led_drivers) worked out from its circuit by
/// Kirchhoff's current law, independently of the firmware's LedCurrentLoop: the setpoint is half the DAC's output
/// (10 kΩ / 10 kΩ); the op-amp holds its inverting input at the setpoint and no current enters that input, so what
/// flows in from 3.3 V through 1 MΩ flows out through 1 kΩ to the 10 Ω sense resistor:
/// (3.3 - V) / 1 MΩ = (V - Vsense) / 1 kΩ. A sense voltage below zero is a MOSFET held off: no current.
/// </summary>
public static class RigBoardLedLoop
{
    public static double Milliamps(double dacVolts)
    {
        double setpoint = dacVolts / 2;
        double sense = setpoint - ((3.3 - setpoint) * 1_000 / 1_000_000);
        return Math.Max(0, sense / 10.0 * 1000);
    }
}
