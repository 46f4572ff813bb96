using ClosedLoop.Host.Studies;

namespace ClosedLoop.Host.Tests.Studies;

/// <summary>The statistics of the study report, against values worked by hand.</summary>
public sealed class GroupComparisonTests
{
    [Fact]
    public void The_difference_and_hedges_g_come_with_their_95_percent_intervals()
    {
        // A = 1, 2, 3 and B = 2, 3, 4: both variances 1, so Welch's df = 4 and t(0.975, 4) = 2.776445; SE = sqrt(2/3).
        // Pooled SD 1, d = 1, J = 1 - 3/15 = 0.8, g = 0.8; its exact interval from SciPy 1.10 (nct.cdf, brentq): -0.62772 to 2.14738.
        var comparison = GroupComparison.Of("a", [1, 2, 3], "b", [2, 3, 4]);

        Assert.Equal(1, comparison.Difference, 12);
        Assert.Equal(1 - 2.776445105 * Math.Sqrt(2.0 / 3), comparison.DifferenceLow, 6);
        Assert.Equal(1 + 2.776445105 * Math.Sqrt(2.0 / 3), comparison.DifferenceHigh, 6);
        Assert.Equal(0.8, comparison.HedgesG, 12);
        Assert.Equal(-0.6277241873, comparison.GLow, 6);
        Assert.Equal(2.1473771664, comparison.GHigh, 6);
        Assert.Equal((3, 2.0, 1 / Math.Sqrt(3)), (comparison.OfA.N, comparison.OfA.Mean, comparison.OfA.Sem));
    }

    [Theory]
    // P(T <= t) for noncentral t, from SciPy 1.10.1's scipy.stats.nct.cdf (Boost), to the digits it printed.
    [InlineData(-2.126, 2, -4.76, 0.9742248113643794)]
    [InlineData(-2.126, 2, 0.72, 0.024735782971742726)]
    [InlineData(1.5, 5, 1.0, 0.6496208042152254)]
    [InlineData(0.0, 10, 0.5, 0.3085375387259869)]
    [InlineData(3.2, 8, 2.0, 0.8059580816680573)]
    [InlineData(-1.0, 20, -3.0, 0.9765794673850913)]
    [InlineData(2.5, 3, -1.0, 0.9941023722966624)]
    [InlineData(10.0, 4, 7.0, 0.7357694912879763)]
    public void The_noncentral_t_cdf_agrees_with_scipy(double t, double df, double delta, double expected)
    {
        Assert.Equal(expected, NoncentralT.Cdf(t, df, delta), 9);
    }

    [Fact]
    public void Two_animals_against_two_get_the_exact_interval_not_the_large_sample_one()
    {
        // The review's cell: g = -1.215 between two groups of two animals; the large-sample interval is -3.35 to 0.92,
        // the exact one -2.73216 to 0.40823 (SciPy 1.10: nct.cdf with brentq, as the review found -2.72 to 0.41).
        var (low, high) = GroupComparison.ExactGInterval(-1.215, 2, 2);

        Assert.Equal(-2.7321610498, low, 5);
        Assert.Equal(0.4082278767, high, 5);
        var (largerLow, largerHigh) = GroupComparison.ExactGInterval(1.5, 6, 8);
        Assert.Equal(0.3222049125, largerLow, 5);
        Assert.Equal(2.6323249126, largerHigh, 5);
    }

    /// <summary>
    /// Isolation-reared animals without a response under saline and with one under (R)-ketamine, group-reared ones
    /// responding either way: the seed's claim, in numbers worked by hand. Every cell's variance is 1.
    /// </summary>
    private static readonly (string Group, string Treatment, double[] Means)[] Claim =
    [
        ("group-reared", "saline", [5, 6, 7]),
        ("group-reared", "r-ketamine", [5.5, 6.5, 7.5]),
        ("isolation-reared", "saline", [0, 1, 2]),
        ("isolation-reared", "r-ketamine", [4, 5, 6]),
    ];

    private static List<AnimalSession> ClaimSessions() => [.. Claim.SelectMany((cell, c) => cell.Means.Select((mean, i) =>
        new AnimalSession($"m{c}{i}", cell.Group, cell.Treatment, "C", "stim-1", "rig-01", 1, [mean], 0, 0, 0, 0, 0)))];

    [Fact]
    public void The_group_by_treatment_interaction_and_each_groups_treatment_effect_are_contrasts_of_animal_means()
    {
        var contrast = Assert.Single(ClosedLoop.Host.Report.StudyReport.TreatmentContrasts(ClaimSessions(), ["group-reared", "isolation-reared"], ["saline", "r-ketamine"]));

        // (5 - 1) - (6.5 - 6) = 3.5; SE² = 4 x 1/3; Welch-Satterthwaite df = (4/3)² / (4 x (1/3)² / 2) = 8; t(0.975, 8) = 2.306004.
        Assert.Equal(("isolation-reared", "r-ketamine"), (contrast.Group, contrast.Treatment));
        Assert.Equal(3.5, contrast.Interaction.Estimate, 12);
        Assert.Equal(3.5 - (2.306004135 * Math.Sqrt(4.0 / 3)), contrast.Interaction.Low, 6);
        Assert.Equal(3.5 + (2.306004135 * Math.Sqrt(4.0 / 3)), contrast.Interaction.High, 6);
        Assert.Equal(3, contrast.Interaction.SmallestCell);
        // Within each group, the treatment against saline: 0.5 in group-reared animals, 4 in isolation-reared ones (pooled SD 1, J = 1 - 3/15).
        Assert.Equal(0.8 * 0.5, contrast.InFirstGroup.HedgesG, 12);
        Assert.Equal(0.8 * 4, contrast.InGroup.HedgesG, 12);
    }

    [Fact]
    public void The_report_never_pools_treatments_and_marks_cells_too_small_to_say_much()
    {
        using var fixture = new StudyFixture();
        var study = fixture.Read(StudyFixture.Text(StudyFixture.Animals(1)));
        var sessions = ClaimSessions();
        // One isolation-reared (R)-ketamine animal less: a cell of two.
        sessions.RemoveAt(sessions.Count - 1);

        string html = File.ReadAllText(ClosedLoop.Host.Report.StudyReport.Write(study, false, sessions, Path.Combine(fixture.Folder, "report")));

        Assert.Contains("<h2>By session, group, treatment and condition</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<td>isolation-reared</td><td>saline</td><td>C</td><td>3</td><td>1.00 ± 0.58</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>isolation-reared</td><td>r-ketamine</td><td>C</td><td>2</td><td>4.50 ± 0.50</td>", html, StringComparison.Ordinal);
        Assert.Contains("<h2>Treatment effects and the group × treatment interaction</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<td>3, 3, 3, 2*</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>r-ketamine</td><td>isolation-reared vs group-reared</td><td>2 vs 3*</td>", html, StringComparison.Ordinal);
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
