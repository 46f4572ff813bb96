namespace ClosedLoop.Engine.Config
{
    /// <summary>What a configuration value must look like.</summary>
    public enum ConfigKind
    {
        /// <summary>A whole number within [Min, Max].</summary>
        Integer,

        /// <summary>A decimal number within [Min, Max].</summary>
        Number,

        /// <summary><c>true</c> or <c>false</c>.</summary>
        Boolean,

        /// <summary>One of a fixed list of words.</summary>
        Choice,

        /// <summary>Free text up to a maximum length (an identifier when so marked).</summary>
        Text,
    }
}
