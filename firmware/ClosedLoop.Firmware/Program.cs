using System.Threading;

namespace ClosedLoop.Firmware
{
    /// <summary>The rig board's entry point: boot the rig, then leave the work to its threads.</summary>
    public static class Program
    {
        public static void Main()
        {
            new RigBoard().Boot();
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
