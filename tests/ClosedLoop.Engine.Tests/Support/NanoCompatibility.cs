using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace ClosedLoop.Engine.Tests.Support;

/// <summary>
/// Reads a compiled assembly's metadata and lists what would stop it running on nanoFramework 1.17:
/// references to any assembly but mscorlib (and those allowed), generic type or method definitions, and generic instantiations.
/// </summary>
public static class NanoCompatibility
{
    /// <param name="allowedReferences">Assemblies besides mscorlib it may reference (the board build's engine and API declarations).</param>
    public static IReadOnlyList<string> Problems(string assemblyPath, params string[] allowedReferences)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var problems = new List<string>();

        foreach (var handle in reader.AssemblyReferences)
        {
            var name = reader.GetString(reader.GetAssemblyReference(handle).Name);
            if (name != "mscorlib" && !allowedReferences.Contains(name))
            {
                problems.Add($"references assembly {name}");
            }
        }

        foreach (var handle in reader.TypeDefinitions)
        {
            var type = reader.GetTypeDefinition(handle);
            if (type.GetGenericParameters().Count > 0)
            {
                problems.Add($"defines generic type {reader.GetString(type.Namespace)}.{reader.GetString(type.Name)}");
            }

            foreach (var methodHandle in type.GetMethods())
            {
                var method = reader.GetMethodDefinition(methodHandle);
                if (method.GetGenericParameters().Count > 0)
                {
                    problems.Add($"defines generic method {reader.GetString(type.Name)}.{reader.GetString(method.Name)}");
                }
            }
        }

        if (reader.GetTableRowCount(TableIndex.MethodSpec) > 0)
        {
            problems.Add($"instantiates {reader.GetTableRowCount(TableIndex.MethodSpec)} generic method(s)");
        }

        foreach (var handle in Enumerable.Range(1, reader.GetTableRowCount(TableIndex.TypeSpec)).Select(MetadataTokens.TypeSpecificationHandle))
        {
            var blob = reader.GetBlobReader(reader.GetTypeSpecification(handle).Signature);
            if (blob.ReadSignatureTypeCode() == SignatureTypeCode.GenericTypeInstance)
            {
                problems.Add("instantiates a generic type");
            }
        }

        return problems;
    }
}
