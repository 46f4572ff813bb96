using ClosedLoop.Engine.Acquisition;
using ClosedLoop.Engine.Config;

namespace ClosedLoop.Engine.NanoTests
{
    /// <summary>LEDs whose pattern always starts at 0 µs: cycle n starts at n periods.</summary>
    internal sealed class FixedExcitation : IExcitation
    {
        public long Start(AcquisitionSettings settings)
        {
            return 0;
        }

        public void Stop()
        {
        }
    }
}
