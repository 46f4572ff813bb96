using System.Buffers.Binary;
using System.Reflection;

namespace ClosedLoop.Host.Tests.Flashing;

/// <summary>
/// Deployment images for the flash check. mscorlib is the real one (nanoFramework.CoreLibrary 1.17.11's
/// mscorlib.pe, from the NuGet package the engine's gate builds against); the board's other packages are not served
/// here, so their assemblies are headers written to the same layout (nf-interpreter CLR_RECORD_ASSEMBLY: marker,
/// native checksum at 0x14, version at 0x1C, name index at 0x24, 16 table offsets from 0x28, the strings table 12th
/// and the end of the assembly 16th) with a strings table holding their name and no code. Each is padded to a
/// multiple of 4 bytes, as the nanoFramework build pads each .pe it puts in the image.
/// </summary>
public static class TestImages
{
    public static string MscorlibPath => typeof(TestImages).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "MscorlibPe").Value!;

    /// <summary>The firmware's packages as pinned today (firmware/ClosedLoop.Firmware/packages.config): the ones with native code, and the application.</summary>
    public static readonly (string Name, string Version, uint Checksum)[] Pinned =
    [
        ("nanoFramework.Runtime.Events", "1.11.37.0", 0x0EAB00C9),
        ("nanoFramework.Hardware.Esp32.Rmt", "2.0.51.0", 0x8ADAC728),
        ("System.Net", "1.11.60.0", 0x6DFA71D6),
        ("ClosedLoop.Firmware", "1.0.0.0", 0),
    ];

    public static byte[] Image(params (string Name, string Version, uint Checksum)[] assemblies)
    {
        var image = new MemoryStream();
        Append(image, File.ReadAllBytes(MscorlibPath));
        foreach (var (name, version, checksum) in assemblies)
        {
            Append(image, Assembly(name, Version.Parse(version), checksum));
        }

        return image.ToArray();
    }

    /// <summary>One assembly header and its strings table: the name at string index 0.</summary>
    public static byte[] Assembly(string name, Version version, uint checksum)
    {
        const int headerBytes = 0x28 + (16 * 4) + 4 + 16;
        byte[] nameBytes = Encoding.UTF8.GetBytes(name + "\0");
        var bytes = new byte[headerBytes + nameBytes.Length];
        "NFMRK1"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(0x14), checksum);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x1C), (ushort)version.Major);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x1E), (ushort)version.Minor);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x20), (ushort)version.Build);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x22), (ushort)version.Revision);
        for (int table = 0; table < 15; table++)
        {
            // Empty tables before the strings, the strings, then empty tables at the end.
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(0x28 + (4 * table)), (uint)(table <= 11 ? headerBytes : bytes.Length));
        }

        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(0x28 + (4 * 15)), (uint)bytes.Length);
        nameBytes.CopyTo(bytes, headerBytes);
        return bytes;
    }

    private static void Append(MemoryStream image, byte[] pe)
    {
        image.Write(pe);
        image.Write(new byte[((pe.Length + 3) / 4 * 4) - pe.Length]);
    }

    public static string Report(string name) => File.ReadAllText(Path.Combine(CommandLine.RepositoryRoot, "tests", "ClosedLoop.Host.Tests", "Flashing", "DeviceReports", name));
}
