// Compile-only declaration: nanoFramework.Runtime.Events 1.11.37 (nanoframework/nanoFramework.Runtime.Events at v1.11.37: nanoFramework.Runtime.Events/BaseEvent.cs).
// Signatures, type kinds, base types and enum values as in those sources; no behaviour. Never deployed: the .nfproj uses the real package.

namespace nanoFramework.Runtime.Events
{
    public class BaseEvent
    {
        public ushort Source;

        public byte Message;
    }
}
