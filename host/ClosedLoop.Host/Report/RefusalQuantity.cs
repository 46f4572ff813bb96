namespace ClosedLoop.Host.Report;

/// <summary>
/// The value and limit of a refusal in the unit its reason measures (docs/safety.md): times in seconds, duty as a
/// fraction, trains and plan items as counts, dose in the channel's own dose units. The engine journals raw numbers
/// (µs for times) so the board need not format anything.
/// </summary>
public static class RefusalQuantity
{
    public static string Format(string reason, double value)
    {
        if (!double.IsFinite(value))
        {
            return "-";
        }

        string Number(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
        return reason switch
        {
            "busy" or "refractory" or "min_interval" or "max_train_length" => $"{Number(value / 1e6, "0.###")} s",
            "max_duty" => Number(value, "0.####"),
            "max_trains_per_hour" or "max_trains_per_session" => $"{Number(value, "0")} trains",
            "plan_too_large" => $"{Number(value, "0")} RMT items",
            "max_cumulative_dose" => $"{Number(value, "0.###")} (dose units)",
            "invalid_train" => $"{Number(value / 1e6, "0.######")} s",
            _ => Number(value, "G6"),
        };
    }
}
