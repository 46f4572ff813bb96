using ClosedLoop.Engine.Core;
using nanoFramework.Hardware.Esp32;

namespace ClosedLoop.Firmware.Board
{
    /// <summary>The rig clock: µs since boot from the ESP32's esp_timer, the one time base every stamp uses.</summary>
    public sealed class BoardClock : IClock
    {
        public long NowMicros
        {
            get { return (long)HighResTimer.GetCurrent(); }
        }
    }
}
