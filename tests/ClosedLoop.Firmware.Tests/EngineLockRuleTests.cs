using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ClosedLoop.Firmware.Tests;

/// <summary>
/// The board's threading rule: the engine is single-threaded, and the sampler, the input interrupts, the broker link
/// and the self-test each call it from their own thread, so every use of the engine holds the one engine lock. Read
/// from the firmware's sources: every member of a <c>ClosedLoopEngine</c> variable, field or parameter is reached
/// inside a <c>lock</c> statement. A call added outside one fails here, naming file and line.
/// </summary>
public class EngineLockRuleTests
{
    private static string FirmwareFolder => Path.Combine(FirmwareBuildTests.RepositoryRoot, "firmware", "ClosedLoop.Firmware");

    [Fact]
    public void Every_use_of_the_engine_in_the_firmware_holds_the_engine_lock()
    {
        var sources = Directory.EnumerateFiles(FirmwareFolder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .ToList();
        Assert.NotEmpty(sources);

        var uses = sources.SelectMany(EngineUses).ToList();
        var unlocked = uses.Where(u => !u.Locked).Select(u => u.Where).ToList();

        Assert.True(uses.Count >= 20, $"the rule found only {uses.Count} uses of the engine; has the engine type been renamed?");
        Assert.True(unlocked.Count == 0, "engine used without the engine lock at:\n" + string.Join("\n", unlocked));
    }

    [Fact]
    public void The_rule_sees_an_unlocked_call()
    {
        const string source = """
            class Probe
            {
                private readonly ClosedLoopEngine _engine;
                private readonly object _lock = new object();
                void Locked() { lock (_lock) { _engine.Poll(); } }
                void Unlocked(ClosedLoopEngine engine) { engine.Fault(FaultCode.Board, 1); }
            }
            """;

        var uses = EngineUses("Probe.cs", source).ToList();

        Assert.Equal(2, uses.Count);
        Assert.True(uses.Single(u => u.Member == "Poll").Locked);
        Assert.False(uses.Single(u => u.Member == "Fault").Locked);
    }

    private sealed record EngineUse(string Where, string Member, bool Locked);

    private static IEnumerable<EngineUse> EngineUses(string path) => EngineUses(path, File.ReadAllText(path));

    /// <summary>Member accesses on any name declared as a ClosedLoopEngine in the file (field, parameter or local).</summary>
    private static IEnumerable<EngineUse> EngineUses(string path, string source)
    {
        var root = CSharpSyntaxTree.ParseText(source, path: path).GetRoot();
        var engineNames = root.DescendantNodes()
            .Select(DeclaredEngineName)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);

        foreach (var access in root.DescendantNodes().OfType<MemberAccessExpressionSyntax>())
        {
            var receiver = access.Expression is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } self ? self.Name : access.Expression;
            if (receiver is IdentifierNameSyntax name && engineNames.Contains(name.Identifier.Text))
            {
                var line = access.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                yield return new EngineUse($"{Path.GetFileName(path)}:{line} {access}", access.Name.Identifier.Text, access.Ancestors().OfType<LockStatementSyntax>().Any());
            }
        }
    }

    private static string? DeclaredEngineName(SyntaxNode node) => node switch
    {
        ParameterSyntax p when IsEngineType(p.Type) => p.Identifier.Text,
        VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax d } v when IsEngineType(d.Type) => v.Identifier.Text,
        _ => null,
    };

    private static bool IsEngineType(TypeSyntax? type) => type?.ToString() is "ClosedLoopEngine" or "ClosedLoop.Engine.ClosedLoopEngine";
}
