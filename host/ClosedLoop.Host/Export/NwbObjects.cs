using System.Security.Cryptography;
using PureHDF;

namespace ClosedLoop.Host.Export;

/// <summary>
/// The shapes of NWB 2.6 objects over PureHDF: a typed group or dataset carries the attributes NWB readers look for
/// (neurodata_type, namespace and object_id), TimeSeries its data and timestamps with their unit attributes, and
/// a TimeIntervals table its id, start_time, stop_time and further columns as hdmf-common VectorData.
/// Object ids are UUIDs derived from the file's identifier and the object's path, so the same log gives the same file.
/// </summary>
internal sealed class NwbObjects(string identifier)
{
    public const string CoreNamespace = "core";
    public const string CommonNamespace = "hdmf-common";

    public H5Group Group(string path, string type, string ns = CoreNamespace)
    {
        var group = new H5Group();
        Type(group, path, type, ns);
        return group;
    }

    public void Type(H5Object target, string path, string type, string ns = CoreNamespace)
    {
        target.Attributes["neurodata_type"] = type;
        target.Attributes["namespace"] = ns;
        target.Attributes["object_id"] = ObjectId(path);
    }

    /// <summary>A TimeSeries of <paramref name="data"/> at <paramref name="timestamps"/> (s); <paramref name="conversion"/> times data gives <paramref name="unit"/>.</summary>
    public H5Group TimeSeries(string path, double[] data, double[] timestamps, string unit, string description, string comments = "no comments", string type = "TimeSeries", double conversion = 1.0)
    {
        var series = Group(path, type);
        series.Attributes["description"] = description;
        series.Attributes["comments"] = comments;
        series["data"] = new H5Dataset<double[]>(data)
        {
            Attributes =
            {
                ["unit"] = unit,
                ["conversion"] = (float)conversion,
                ["resolution"] = -1.0f,
                ["offset"] = 0.0f,
            },
        };
        series["timestamps"] = new H5Dataset<double[]>(timestamps)
        {
            Attributes =
            {
                ["interval"] = 1,
                ["unit"] = "seconds",
            },
        };
        return series;
    }

    /// <summary>A TimeIntervals table: rows from <paramref name="start"/> to <paramref name="stop"/> (s), with further columns of one value per row.</summary>
    public H5Group TimeIntervals(string path, string description, double[] start, double[] stop, params (string Name, string Description, object Values)[] columns)
    {
        var table = Group(path, "TimeIntervals");
        table.Attributes["description"] = description;
        table.Attributes["colnames"] = (string[])["start_time", "stop_time", .. columns.Select(c => c.Name)];
        table["id"] = Typed(path + "/id", Enumerable.Range(0, start.Length).ToArray(), "ElementIdentifiers");
        table["start_time"] = Column(path + "/start_time", start, "Start time of the interval, in seconds");
        table["stop_time"] = Column(path + "/stop_time", stop, "Stop time of the interval, in seconds");
        foreach (var (name, text, values) in columns)
        {
            table[name] = Column(path + "/" + name, values, text);
        }

        return table;
    }

    private H5Dataset Column(string path, object values, string description)
    {
        var column = Typed(path, values, "VectorData");
        column.Attributes["description"] = description;
        return column;
    }

    private H5Dataset Typed(string path, object values, string type)
    {
        H5Dataset dataset = values switch
        {
            double[] d => new H5Dataset<double[]>(d),
            int[] i => new H5Dataset<int[]>(i),
            string[] s => new H5Dataset<string[]>(s),
            _ => throw new ArgumentException($"no NWB column of {values.GetType().Name}", nameof(values)),
        };
        Type(dataset, path, type, CommonNamespace);
        return dataset;
    }

    private string ObjectId(string path)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(identifier + "\n" + path));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }
}
