namespace ClosedLoop.Data;

/// <summary>Something done to a rig while it recorded that decides whether it may drive its outputs.</summary>
public enum RigAction
{
    Arm,
    Disarm,
    EStop,
    ResetEStop,
    StartSession,
    StopSession,
}
