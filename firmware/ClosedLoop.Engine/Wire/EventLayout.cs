namespace ClosedLoop.Engine.Wire
{
    /// <summary>
    /// How one event kind's generic slots appear in JSON: a name per used slot, and for the code and flags slots
    /// whether they are words from a table, bit flags, or plain numbers. One table drives both encoding and
    /// decoding, so the two cannot drift apart.
    /// </summary>
    public sealed class EventLayout
    {
        public EventLayout(string kindName)
        {
            KindName = kindName;
        }

        public string KindName;

        /// <summary>JSON name of the Code slot, or null when unused.</summary>
        public string CodeName;

        /// <summary>Words for Code values (index = value); null writes the number.</summary>
        public string[] CodeWords;

        /// <summary>JSON name of the Flags slot when it holds a word (e.g. a refusal reason).</summary>
        public string FlagsName;

        public string[] FlagsWords;

        /// <summary>When set, Flags is a bit set and bit i is written as a boolean with this name.</summary>
        public string[] FlagBitNames;

        /// <summary>A flag bit missing from the JSON reads as false (bits added after logs were written: decision's early).</summary>
        public bool FlagBitsOptional;

        public string Ref1Name;

        /// <summary>Ref1 holds a config hash: written as 16 hex digits.</summary>
        public bool Ref1IsHash;

        public string Ref2Name;

        /// <summary>Ref2 holds a packed <see cref="SenderName"/>: written as text.</summary>
        public bool Ref2IsSender;
        public string Value1Name;
        public string Value2Name;
    }
}
