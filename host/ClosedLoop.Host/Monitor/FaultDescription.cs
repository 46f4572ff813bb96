using ClosedLoop.Engine.Wire;

namespace ClosedLoop.Host.Monitor;

/// <summary>A fault event's code and detail in the words docs/protocol.md gives them, for people reading a summary.</summary>
public static class FaultDescription
{
    private static readonly string[] SignalLost =
    [
        "",
        "signal floor: the signal channel fell below processing.min_level",
        "control floor: the control channel fell below processing.min_level",
        "rail: a phase read at the converter's rail",
        "fit diverged: dF/F beyond processing.max_abs_dff or below minus processing.max_dff_drop",
        "light step: a channel's light moved by more than processing.max_light_step within processing.light_step_ms",
    ];

    private static readonly string[] Board =
    [
        "",
        "no photodiode converter",
        "no event spill file",
        "no frame spill file",
        "the previous boot's spilled events discarded",
        "the previous boot's spilled frames discarded",
        "the converter's frames keep failing their CRC",
        "the LED DAC could not be opened",
    ];

    private static readonly string[] Interlock =
    [
        "",
        "the arm chain closed while the e-stop is pressed or the key off",
        "the arm chain open while both inputs say run",
    ];

    /// <summary>E.g. "signal_lost (fit diverged: ...)", or the fault's name and its detail as a number where it has no words.</summary>
    public static string Of(int code, long detail)
    {
        string name = code >= 0 && code < EventJson.Faults.Length ? EventJson.Faults[code] : $"fault {code}";
        string? words = name switch
        {
            "signal_lost" => Pick(SignalLost, detail),
            "board" => Pick(Board, detail),
            "interlock" => Pick(Interlock, detail),
            "excitation_timing" => $"an LED edge up to {detail} us late",
            _ => null,
        };
        return words is null ? (detail == 0 ? name : $"{name} (detail {detail})") : $"{name} ({words})";
    }

    private static string? Pick(string[] words, long detail) =>
        detail > 0 && detail < words.Length ? words[detail] : null;
}
