using ClosedLoop.Engine.Core;

namespace ClosedLoop.Host.Studies;

/// <summary>Fisher-Yates on the engine's seeded generator: the same seed gives the same order on every machine.</summary>
public static class SeededShuffle
{
    public static List<T> Shuffled<T>(this SeededRandom random, IEnumerable<T> items)
    {
        var list = items.ToList();
        for (int i = list.Count - 1; i > 0; i--)
        {
            int j = (int)random.NextLong(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }

        return list;
    }
}
