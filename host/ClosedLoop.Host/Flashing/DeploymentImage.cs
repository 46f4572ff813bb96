using System.Buffers.Binary;

namespace ClosedLoop.Host.Flashing;

/// <summary>One assembly of a deployment image, as its nanoFramework PE header describes it.</summary>
/// <param name="NativeChecksum">The native methods checksum the firmware must have for it; 0 when it calls no native code.</param>
public sealed record ImageAssembly(string Name, Version Version, uint NativeChecksum, int Offset);

/// <summary>
/// Reads the assemblies of a nanoFramework deployment image: the .bin that nanoff deploys with --image. Follows the
/// real formats: the image is every .pe file of the application, each padded with zeros to a multiple of 4 bytes,
/// one after another (nf-Visual-Studio-extension, Tools.BuildTasks GenerateBinaryOutputTask); each .pe starts with
/// its assembly header (nf-interpreter CLR_RECORD_ASSEMBLY; nanoframework.github.io architecture/pe-file/AssemblyHeader):
/// marker "NFMRK1" at 0, native methods checksum (uint32) at 0x14, version (4 × uint16) at 0x1C, name (string index,
/// uint16) at 0x24, and the 16 table offsets (uint32) from 0x28, of which the strings table is the 12th and the 16th
/// is the end of the assembly. A string index at or above 0xFFFF − 860 names a string of the interpreter's own table
/// (nf-interpreter src/CLR/Core/StringTable.cpp), where mscorlib's name is.
/// </summary>
public static class DeploymentImage
{
    private const int HeaderBytes = 0x28 + 16 * 4;
    private const int StringsTable = 11;
    private const int EndOfAssembly = 15;
    private const int BuiltInStrings = 860;
    private static readonly byte[] Marker = "NFMRK1\0\0"u8.ToArray();

    /// <summary>
    /// The names in the interpreter's built-in string table that an assembly can have, by their index there
    /// (nf-interpreter src/CLR/Core/StringTableData.cpp): MetadataProcessor writes such a name as 0xFFFF − index.
    /// </summary>
    private static readonly Dictionary<int, string> BuiltInNames = new()
    {
        [0x1C0] = "System.Collections",
        [0x1CB] = "System.ComponentModel",
        [0x1CC] = "System.Diagnostics",
        [0x1CD] = "System.Globalization",
        [0x1CF] = "System.IO",
        [0x1D0] = "System.Reflection",
        [0x1D1] = "System.Resources",
        [0x1D6] = "System.Text",
        [0x1D7] = "System.Threading",
        [0x32D] = "mscorlib",
    };

    public static IReadOnlyList<ImageAssembly> Read(string path) => Read(File.ReadAllBytes(path), path);

    /// <param name="source">What to call the image in errors (its path).</param>
    public static IReadOnlyList<ImageAssembly> Read(ReadOnlySpan<byte> image, string source)
    {
        var assemblies = new List<ImageAssembly>();
        int offset = 0;
        while (offset < image.Length)
        {
            if (image.Length - offset < HeaderBytes || !image.Slice(offset, Marker.Length).SequenceEqual(Marker))
            {
                throw new InvalidDataException($"{source}: no nanoFramework assembly header (marker NFMRK1) at byte {offset}: expected a deployment image of .pe files, as the nanoFramework build writes it ({assemblies.Count} assemblies read before)");
            }

            var header = image[offset..];
            uint end = Table(header, EndOfAssembly);
            if (end < HeaderBytes || end > image.Length - offset)
            {
                throw new InvalidDataException($"{source}: the assembly at byte {offset} says it ends at {end} bytes, beyond the image's {image.Length - offset} bytes from there: the image is cut short");
            }

            var assembly = header[..(int)end];
            var version = new Version(U16(assembly, 0x1C), U16(assembly, 0x1E), U16(assembly, 0x20), U16(assembly, 0x22));
            string name = Name(assembly, U16(assembly, 0x24), source, offset);
            assemblies.Add(new ImageAssembly(name, version, BinaryPrimitives.ReadUInt32LittleEndian(assembly[0x14..]), offset));
            offset += (int)((end + 3) / 4 * 4);
        }

        if (assemblies.Count == 0)
        {
            throw new InvalidDataException($"{source}: the image is empty");
        }

        return assemblies;
    }

    private static string Name(ReadOnlySpan<byte> assembly, int index, string source, int offset)
    {
        if (index >= 0xFFFF - BuiltInStrings)
        {
            return BuiltInNames.TryGetValue(0xFFFF - index, out string? builtIn)
                ? builtIn
                : throw new InvalidDataException($"{source}: the assembly at byte {offset} is named by the interpreter's string 0x{0xFFFF - index:X3}, which is not an assembly name this reader knows");
        }

        uint strings = Table(assembly, StringsTable);
        int start = (int)strings + index;
        int length = start < assembly.Length ? assembly[start..].IndexOf((byte)0) : -1;
        return length > 0
            ? Encoding.UTF8.GetString(assembly.Slice(start, length))
            : throw new InvalidDataException($"{source}: the assembly at byte {offset} has no name at string {index}");
    }

    private static uint Table(ReadOnlySpan<byte> header, int table) => BinaryPrimitives.ReadUInt32LittleEndian(header[(0x28 + (4 * table))..]);

    private static int U16(ReadOnlySpan<byte> data, int at) => BinaryPrimitives.ReadUInt16LittleEndian(data[at..]);
}
