namespace ClosedLoop.Engine.Wire
{
    public enum JsonValueKind
    {
        Invalid,
        String,
        Number,
        True,
        False,
        Null,
    }
}
