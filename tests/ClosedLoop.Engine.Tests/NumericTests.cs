namespace ClosedLoop.Engine.Tests;

public sealed class NumericTests
{
    [Fact]
    public void Sqrt_matches_the_framework_to_a_few_ulps() =>
        Gen.Double[0, 1e12].Sample(x => Math.Abs(Numeric.Sqrt(x) - Math.Sqrt(x)) <= 4e-16 * Math.Max(1, Math.Sqrt(x)) + 1e-300);

    [Fact]
    public void Exp_matches_the_framework() =>
        Gen.Double[-700, 700].Sample(x => Math.Abs(Numeric.Exp(x) - Math.Exp(x)) <= 1e-14 * Math.Exp(x));

    [Fact]
    public void Log_matches_the_framework() =>
        Gen.Double[1e-300, 1e300].Sample(x => Math.Abs(Numeric.Log(x) - Math.Log(x)) <= 1e-13 * Math.Max(1, Math.Abs(Math.Log(x))));

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void Sqrt_of_a_negative_or_nan_is_nan(double x) => Assert.True(double.IsNaN(Numeric.Sqrt(x)));

    [Fact]
    public void Smoothing_alpha_is_one_minus_e_to_minus_step_over_tau() =>
        Assert.Equal(1 - Math.Exp(-0.1), Numeric.SmoothingAlpha(100, 1000), 14);

    [Fact]
    public void Seeded_random_repeats_for_a_seed_and_differs_between_seeds()
    {
        var a = new SeededRandom(42);
        var b = new SeededRandom(42);
        var c = new SeededRandom(43);
        var first = Enumerable.Range(0, 100).Select(_ => a.NextUInt64()).ToArray();

        Assert.Equal(first, Enumerable.Range(0, 100).Select(_ => b.NextUInt64()));
        Assert.NotEqual(first, Enumerable.Range(0, 100).Select(_ => c.NextUInt64()));
    }

    [Fact]
    public void Seeded_gaussian_has_zero_mean_and_unit_spread()
    {
        var random = new SeededRandom(5);
        var values = Enumerable.Range(0, 200_000).Select(_ => random.NextGaussian()).ToArray();
        double mean = values.Average();
        double sd = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average());

        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(sd, 0.99, 1.01);
    }
}
