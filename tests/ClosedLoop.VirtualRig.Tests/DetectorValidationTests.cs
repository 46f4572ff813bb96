using ClosedLoop.Engine.Config;
using ClosedLoop.VirtualRig.Validation;
using Xunit.Abstractions;

namespace ClosedLoop.VirtualRig.Tests;

/// <summary>
/// The online detector against the offline GuPPy-style analysis of the same recording, and both against the
/// simulation's ground truth, over hundreds of encounters at the default settings.
/// </summary>
public sealed class DetectorValidationTests(ITestOutputHelper output)
{
    [Fact]
    public void Online_decisions_agree_with_the_offline_delta_z_on_200_encounters()
    {
        var run = DetectorValidation.Run(new SimulationOptions { Seed = 21, ShotNoise = 0.02 }, encounters: 220);

        output.WriteLine(run.ToString());
        Assert.True(run.Measured >= 200, $"only {run.Measured} encounters were measured");
        Assert.True(run.Agreement >= 0.95, $"agreement {run.Agreement:P1}");
        Assert.True(run.Correlation >= 0.95, $"r = {run.Correlation:F3}");
    }

    [Theory]
    [InlineData(0.01, 0.75, 0.95)]
    [InlineData(0.04, 0.90, 0.95)]
    [InlineData(0.12, 0.90, 0.90)]
    public void Deficits_are_found_with_high_sensitivity_and_specificity(double shotNoise, double minSensitivity, double minSpecificity)
    {
        var run = DetectorValidation.Run(new SimulationOptions { Seed = 5, ShotNoise = shotNoise }, encounters: 200);

        output.WriteLine(run.ToString());
        Assert.True(run.Sensitivity >= minSensitivity, $"sensitivity {run.Sensitivity:P1}");
        Assert.True(run.Specificity >= minSpecificity, $"specificity {run.Specificity:P1}");
    }

    [Fact]
    public void The_early_rule_decides_deficits_within_a_second_of_contact_at_the_default_noise()
    {
        var early = ConfigLoader.Load("[detector]\nrule = early\n").Config;

        var run = DetectorValidation.Run(new SimulationOptions { Seed = 21 }, encounters: 200, early);
        var window = DetectorValidation.Run(new SimulationOptions { Seed = 21 }, encounters: 200);

        output.WriteLine($"early:  {run}");
        output.WriteLine($"window: {window}");
        Assert.True(run.Timing.DeficitLatencyMedianUs <= 1_000_000, $"median onset to deficit decision {run.Timing.DeficitLatencyMedianUs / 1000:F0} ms");
        Assert.True(window.Timing.DeficitLatencyMedianUs >= 3_000_000, "the window rule decides when the 3 s window closes");
        Assert.True(run.Sensitivity >= 0.90, $"sensitivity {run.Sensitivity:P1}");
        Assert.True(run.Specificity >= 0.95, $"specificity {run.Specificity:P1}");
        Assert.True(run.Timing.FullWindowAgreement >= 0.90, $"agreement with the full window {run.Timing.FullWindowAgreement:P1}");
        Assert.Equal(1.0, window.Timing.FullWindowAgreement);
    }
}
