using ClosedLoop.Host.Studies;

namespace ClosedLoop.Host.Tests.Studies;

/// <summary>The statistics of the study report, against values worked by hand.</summary>
public sealed class GroupComparisonTests
{
    [Fact]
    public void The_difference_and_hedges_g_come_with_their_95_percent_intervals()
    {
        // A = 1, 2, 3 and B = 2, 3, 4: both variances 1, so Welch's df = 4 and t(0.975, 4) = 2.776445; SE = sqrt(2/3).
        // Pooled SD 1, d = 1, J = 1 - 3/15 = 0.8, g = 0.8, SE(g) = sqrt(6/9 + 0.64/12) = sqrt(0.72).
        var comparison = GroupComparison.Of("a", [1, 2, 3], "b", [2, 3, 4]);

        Assert.Equal(1, comparison.Difference, 12);
        Assert.Equal(1 - 2.776445105 * Math.Sqrt(2.0 / 3), comparison.DifferenceLow, 6);
        Assert.Equal(1 + 2.776445105 * Math.Sqrt(2.0 / 3), comparison.DifferenceHigh, 6);
        Assert.Equal(0.8, comparison.HedgesG, 12);
        Assert.Equal(0.8 - 1.96 * Math.Sqrt(0.72), comparison.GLow, 9);
        Assert.Equal(0.8 + 1.96 * Math.Sqrt(0.72), comparison.GHigh, 9);
        Assert.Equal((3, 2.0, 1 / Math.Sqrt(3)), (comparison.OfA.N, comparison.OfA.Mean, comparison.OfA.Sem));
    }

    [Fact]
    public void Welch_degrees_of_freedom_follow_unequal_variances()
    {
        // A = 0, 2 (variance 2), B = 0, 0, 6, 6 (variance 12): SE² = 1 + 3 = 4; df = 16 / (1/1 + 9/3) = 4.
        var comparison = GroupComparison.Of("a", [0, 2], "b", [0, 0, 6, 6]);

        Assert.Equal(2, comparison.Difference, 12);
        Assert.Equal(2 + 2.776445105 * 2, comparison.DifferenceHigh, 6);
    }

    [Fact]
    public void A_group_of_one_animal_gives_no_interval_and_missing_values_are_left_out()
    {
        var comparison = GroupComparison.Of("a", [1, double.NaN], "b", [2, 3]);

        Assert.Equal(1.5, comparison.Difference, 12);
        Assert.True(double.IsNaN(comparison.DifferenceLow) && double.IsNaN(comparison.HedgesG));
        Assert.Equal(1, comparison.OfA.N);
    }
}
