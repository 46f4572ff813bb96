using ClosedLoop.VirtualRig;
using ClosedLoop.VirtualRig.Validation;

namespace ClosedLoop.Bench;

/// <summary>
/// Sensitivity and specificity of deficit detection against the simulation's ground truth, with the online/offline
/// agreement, at three measurement noise levels and the default settings (the README's table).
/// </summary>
public static class ValidationReport
{
    public static void Print(int encounters)
    {
        Console.WriteLine($"| shot noise per reading | encounters | sensitivity | specificity | online/offline agreement | r (delta z) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (double noise in new[] { 0.01, 0.04, 0.12 })
        {
            var result = DetectorValidation.Run(new SimulationOptions { Seed = 5, ShotNoise = noise }, encounters);
            Console.WriteLine($"| {noise:P0} | {result.Measured} | {result.Sensitivity:P1} | {result.Specificity:P1} | {result.Agreement:P1} | {result.Correlation:F3} |");
        }
    }
}
