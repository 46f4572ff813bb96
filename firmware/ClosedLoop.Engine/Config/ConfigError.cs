namespace ClosedLoop.Engine.Config
{
    /// <summary>One thing wrong with a configuration: where (a field such as <c>detector.pre_ms</c>, or a line), what it held, and what was expected.</summary>
    public sealed class ConfigError
    {
        public ConfigError(string field, string value, string expected)
        {
            Field = field;
            Value = value;
            Expected = expected;
        }

        /// <summary>The field (<c>section.key</c>) or, for a syntax error, <c>line N</c>.</summary>
        public string Field { get; private set; }

        /// <summary>The offending text as given (may be empty).</summary>
        public string Value { get; private set; }

        /// <summary>What would have been accepted, with the allowed range where there is one.</summary>
        public string Expected { get; private set; }

        public override string ToString()
        {
            return Field + " = '" + Value + "': " + Expected;
        }
    }
}
