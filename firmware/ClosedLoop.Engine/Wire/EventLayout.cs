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

        public string KindName { get; private set; }

        /// <summary>JSON name of the Code slot, or null when unused.</summary>
        public string CodeName { get; private set; }

        /// <summary>Words for Code values (index = value); null writes the number.</summary>
        public string[] CodeWords { get; private set; }

        /// <summary>JSON name of the Flags slot when it holds a number or a word (e.g. a refusal reason).</summary>
        public string FlagsName { get; private set; }

        /// <summary>Words for Flags values (index = value); null writes the number.</summary>
        public string[] FlagsWords { get; private set; }

        /// <summary>When set, Flags is a bit set and bit i is written as a boolean with this name.</summary>
        public string[] FlagBitNames { get; private set; }

        /// <summary>A flag bit missing from the JSON reads as false (bits added after logs were written: decision's early).</summary>
        public bool FlagBitsOptional { get; private set; }

        public string Ref1Name { get; private set; }

        /// <summary>Ref1 holds a config hash: written as 16 hex digits.</summary>
        public bool Ref1IsHash { get; private set; }

        public string Ref2Name { get; private set; }

        /// <summary>Ref2 holds a packed <see cref="SenderName"/>: written as text.</summary>
        public bool Ref2IsSender { get; private set; }

        /// <summary>Flags and Ref2 were added after logs were written (encounter_on's novelty and partner): missing, they read as 0.</summary>
        public bool FlagsAndRef2AddedLater { get; private set; }

        public string Value1Name { get; private set; }

        public string Value2Name { get; private set; }

        // The setters below return the layout, so that each kind's layout reads as one statement in EventJson's table.

        /// <summary>The Code slot's name and its words (null: written as a number).</summary>
        public EventLayout Code(string name, string[] words)
        {
            CodeName = name;
            CodeWords = words;
            return this;
        }

        /// <summary>The Flags slot's name and its words (null: written as a number).</summary>
        public EventLayout Flags(string name, string[] words)
        {
            FlagsName = name;
            FlagsWords = words;
            return this;
        }

        /// <summary>Flags as a bit set, each bit a boolean of its own name.</summary>
        public EventLayout FlagBits(string[] names, bool optional)
        {
            FlagBitNames = names;
            FlagBitsOptional = optional;
            return this;
        }

        /// <summary>The two long slots' names (null for one left unused).</summary>
        public EventLayout Refs(string ref1, string ref2)
        {
            Ref1Name = ref1;
            Ref2Name = ref2;
            return this;
        }

        /// <summary>Ref1 as a config hash of this name.</summary>
        public EventLayout HashRef1(string name)
        {
            Ref1Name = name;
            Ref1IsHash = true;
            return this;
        }

        /// <summary>Ref2 as a packed sender of this name.</summary>
        public EventLayout SenderRef2(string name)
        {
            Ref2Name = name;
            Ref2IsSender = true;
            return this;
        }

        /// <summary>Marks Flags and Ref2 as added after logs were written: a reader takes them as 0 when missing.</summary>
        public EventLayout AddedLater()
        {
            FlagsAndRef2AddedLater = true;
            return this;
        }

        /// <summary>The two double slots' names (null for one left unused).</summary>
        public EventLayout Values(string value1, string value2)
        {
            Value1Name = value1;
            Value2Name = value2;
            return this;
        }
    }
}
