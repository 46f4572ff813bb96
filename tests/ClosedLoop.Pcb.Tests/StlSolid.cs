using System.Globalization;

namespace ClosedLoop.Pcb.Tests;

/// <summary>
/// A solid as an ASCII STL file describes it (the format Debian's OpenSCAD 2021.01 exports: "facet normal", "outer
/// loop", three "vertex x y z"), asked which points lie inside it: the test measures the printed part itself, not the
/// model's parameters. Checked against OpenSCAD itself on a box with a hole whose inside is known (EnclosureTests).
/// </summary>
internal sealed class StlSolid
{
    // Three rays in directions no face of a box-and-cylinder model is parallel to; a point is inside when at least two
    // cross the surface an odd number of times, so a ray that grazes an edge cannot decide alone.
    private static readonly (double X, double Y, double Z)[] Rays =
    [
        Normalise(0.5773, 0.3141, 0.7536), Normalise(-0.4123, 0.8017, 0.1234), Normalise(0.2311, -0.6432, -0.5981),
    ];

    private readonly List<(double X, double Y, double Z)[]> _triangles;

    private StlSolid(List<(double X, double Y, double Z)[]> triangles) => _triangles = triangles;

    public int Triangles => _triangles.Count;

    public static StlSolid Read(string path)
    {
        var triangles = new List<(double, double, double)[]>();
        var corners = new List<(double, double, double)>(3);
        foreach (string line in File.ReadLines(path))
        {
            string text = line.Trim();
            if (!text.StartsWith("vertex ", StringComparison.Ordinal))
            {
                continue;
            }

            var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            corners.Add((Parse(parts[1]), Parse(parts[2]), Parse(parts[3])));
            if (corners.Count == 3)
            {
                triangles.Add([.. corners]);
                corners.Clear();
            }
        }

        Assert.True(triangles.Count > 0, $"{path} holds no facets");
        return new StlSolid(triangles);
    }

    /// <summary>Whether every edge belongs to exactly two facets, once each way: a closed surface a slicer can fill.</summary>
    public IReadOnlyList<string> OpenEdges()
    {
        var uses = new Dictionary<((double, double, double), (double, double, double)), int>();
        foreach (var t in _triangles)
        {
            for (int i = 0; i < 3; i++)
            {
                var edge = (Key(t[i]), Key(t[(i + 1) % 3]));
                uses[edge] = uses.GetValueOrDefault(edge) + 1;
            }
        }

        return uses.Where(u => u.Value != 1 || !uses.ContainsKey((u.Key.Item2, u.Key.Item1)) || uses[(u.Key.Item2, u.Key.Item1)] != 1)
            .Select(u => $"{u.Key.Item1}->{u.Key.Item2} x{u.Value}").ToList();
    }

    public (double X, double Y, double Z) Min => (_triangles.Min(t => t.Min(v => v.X)), _triangles.Min(t => t.Min(v => v.Y)), _triangles.Min(t => t.Min(v => v.Z)));

    public (double X, double Y, double Z) Max => (_triangles.Max(t => t.Max(v => v.X)), _triangles.Max(t => t.Max(v => v.Y)), _triangles.Max(t => t.Max(v => v.Z)));

    public bool Contains(double x, double y, double z)
    {
        int votes = 0;
        foreach (var ray in Rays)
        {
            int crossings = 0;
            foreach (var t in _triangles)
            {
                if (Hits((x, y, z), ray, t))
                {
                    crossings++;
                }
            }

            votes += crossings % 2;
        }

        return votes >= 2;
    }

    // Moeller-Trumbore: does the ray from origin along direction cross the triangle ahead of the origin?
    private static bool Hits((double X, double Y, double Z) origin, (double X, double Y, double Z) direction, (double X, double Y, double Z)[] t)
    {
        var e1 = Sub(t[1], t[0]);
        var e2 = Sub(t[2], t[0]);
        var p = Cross(direction, e2);
        double det = Dot(e1, p);
        if (Math.Abs(det) < 1e-12)
        {
            return false;
        }

        var s = Sub(origin, t[0]);
        double u = Dot(s, p) / det;
        if (u < 0 || u > 1)
        {
            return false;
        }

        var q = Cross(s, e1);
        double v = Dot(direction, q) / det;
        return v >= 0 && u + v <= 1 && Dot(e2, q) / det > 1e-9;
    }

    private static (double, double, double) Key((double X, double Y, double Z) v) => (Math.Round(v.X, 4), Math.Round(v.Y, 4), Math.Round(v.Z, 4));

    private static double Parse(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static (double X, double Y, double Z) Sub((double X, double Y, double Z) a, (double X, double Y, double Z) b) => (a.X - b.X, a.Y - b.Y, a.Z - b.Z);

    private static (double X, double Y, double Z) Cross((double X, double Y, double Z) a, (double X, double Y, double Z) b) =>
        ((a.Y * b.Z) - (a.Z * b.Y), (a.Z * b.X) - (a.X * b.Z), (a.X * b.Y) - (a.Y * b.X));

    private static double Dot((double X, double Y, double Z) a, (double X, double Y, double Z) b) => (a.X * b.X) + (a.Y * b.Y) + (a.Z * b.Z);

    private static (double X, double Y, double Z) Normalise(double x, double y, double z)
    {
        double length = Math.Sqrt((x * x) + (y * y) + (z * z));
        return (x / length, y / length, z / length);
    }
}
