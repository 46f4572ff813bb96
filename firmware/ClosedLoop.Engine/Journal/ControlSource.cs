namespace ClosedLoop.Engine.Journal
{
    /// <summary>Who asked for a state change.</summary>
    internal enum ControlSource
    {
        /// <summary>A command message (host, operator).</summary>
        Command = 0,

        /// <summary>A hardware input (arm switch, e-stop button, encounter TTL).</summary>
        Input = 1,

        /// <summary>The engine itself (start-up, a fault, a config change).</summary>
        Engine = 2,
    }
}
