using ClosedLoop.Host.Report;

namespace ClosedLoop.Host.Tests;

public sealed class RefusalQuantityTests
{
    [Theory]
    [InlineData("min_interval", 2238080, "2.238 s")]
    [InlineData("min_interval", 10000000, "10 s")]
    [InlineData("max_duty", 0.55, "0.55")]
    [InlineData("max_trains_per_hour", 31, "31 trains")]
    [InlineData("plan_too_large", 2049, "2049 RMT items")]
    [InlineData("max_cumulative_dose", 20100, "20100 (dose units)")]
    public void A_refusal_is_shown_in_the_unit_its_limit_is_set_in(string reason, double value, string shown) =>
        Assert.Equal(shown, RefusalQuantity.Format(reason, value));
}
