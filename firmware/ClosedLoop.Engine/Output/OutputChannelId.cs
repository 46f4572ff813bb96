namespace ClosedLoop.Engine.Output
{
    /// <summary>The two gated outputs, as numbered in events.</summary>
    internal static class OutputChannelId
    {
        public const int Opto = 0;
        public const int Dose = 1;
        public const int Count = 2;
    }
}
