using ClosedLoop.Engine.Config;

namespace ClosedLoop.Engine.Acquisition
{
    /// <summary>
    /// The excitation LEDs (on the board: two RMT channels started together, carrier off). The engine tells them
    /// the pattern; they report the µs at which the pattern's first cycle began, which anchors phase tagging.
    /// </summary>
    public interface IExcitation
    {
        /// <summary>(Re)starts the LED pattern and returns its epoch (µs, on the rig clock).</summary>
        long Start(AcquisitionSettings settings);

        /// <summary>Both LEDs off.</summary>
        void Stop();
    }
}
