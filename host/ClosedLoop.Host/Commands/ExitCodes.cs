namespace ClosedLoop.Host.Commands;

/// <summary>The one table of exit codes every `closedloop` command uses (README, "Exit codes").</summary>
public static class ExitCodes
{
    /// <summary>Done, or accepted by the rig.</summary>
    public const int Ok = 0;

    /// <summary>Refused: an invalid config or input file, or a rig that refused a command or config (the reason is printed).</summary>
    public const int Refused = 1;

    /// <summary>A usage error: an option, argument or file named on the command line is wrong.</summary>
    public const int Usage = 2;

    /// <summary>The broker cannot be reached.</summary>
    public const int Unreachable = 3;

    /// <summary>The rig did not answer in time, is offline, or has never been seen on the broker.</summary>
    public const int NoAnswer = 4;

    /// <summary>An external tool (nanoff) ran and failed.</summary>
    public const int ToolFailed = 5;

    /// <summary>The broker refused the login.</summary>
    public const int NotAuthorized = 6;

    /// <summary>An external tool (nanoff) is not installed.</summary>
    public const int ToolMissing = 7;
}
