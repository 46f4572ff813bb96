#nullable enable

using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using NanoTest = nanoFramework.TestFramework;

namespace ClosedLoop.Engine.NanoTests.Tests;

/// <summary>What the launcher did with one method, and how it ended (null: it passed).</summary>
internal sealed record LauncherStep(string ClassName, string MethodName, string Stage, Exception? Failure)
{
    public string Name => $"{ClassName}.{MethodName}";
}

/// <summary>
/// Runs on-device test classes by the rules of nanoFramework's own launcher, so that a test fails here wherever it
/// would fail on a board. Follows nanoframework/nanoFramework.TestFramework at v3.0.77,
/// source/UnitTestLauncher/Program.cs (Main and RunTest):
/// <list type="bullet">
/// <item>every class whose attributes include exactly <c>TestClassAttribute</c> (not a subclass of it), in the
/// assembly's type order;</item>
/// <item>its public methods (<c>type.GetMethods()</c>, in declaration order), first every <c>[Setup]</c>, then every
/// <c>[TestMethod]</c>, then every <c>[Cleanup]</c>; one pass each, so static state carries from one test to the
/// next as on the board;</item>
/// <item>each invoked with a null target (<c>method.Invoke(null, parameters)</c>): the class is never created, so an
/// instance method runs with a null <c>this</c> and throws NullReferenceException when it touches a field;</item>
/// <item>any exception fails that method only; a failed setup does not stop the class's tests.</item>
/// </list>
/// Not emulated, because the compile-only declarations leave them out and so no on-device test can use them:
/// <c>[DataRow]</c> (its parameters) and <c>SkipTestException</c> (a skipped setup skips the class).
/// </summary>
internal static class NanoUnitTestLauncher
{
    public static IReadOnlyList<LauncherStep> Run(IEnumerable<Type> assemblyTypes)
    {
        var steps = new List<LauncherStep>();
        foreach (var type in assemblyTypes.Where(t => t.IsClass && HasExactly(t.GetCustomAttributes(true), typeof(NanoTest.TestClassAttribute))))
        {
            var methods = type.GetMethods().OrderBy(m => m.MetadataToken).ToArray();
            RunStage(type, methods, typeof(NanoTest.SetupAttribute), "setup", steps);
            RunStage(type, methods, typeof(NanoTest.TestMethodAttribute), "test", steps);
            RunStage(type, methods, typeof(NanoTest.CleanupAttribute), "cleanup", steps);
        }

        return steps;
    }

    /// <summary>The launcher's order of types: as the assembly declares them.</summary>
    public static IEnumerable<Type> InDeclarationOrder(IEnumerable<Type> types) => types.OrderBy(t => t.MetadataToken);

    private static void RunStage(Type type, MethodInfo[] methods, Type attribute, string stage, List<LauncherStep> steps)
    {
        foreach (var method in methods.Where(m => HasExactly(m.GetCustomAttributes(true), attribute)))
        {
            Exception? failure = null;
            try
            {
                InvokeWithNullTarget(method);
            }
            catch (Exception e)
            {
                failure = e;
            }

            steps.Add(new LauncherStep(type.Name, method.Name, stage, failure));
        }
    }

    private static bool HasExactly(object[] attributes, Type attribute) => attributes.Any(a => a.GetType() == attribute);

    /// <summary>
    /// <c>method.Invoke(null, null)</c> as nanoCLR does it. .NET's reflection refuses an instance method without a
    /// target outright, which is not what a board does; a <c>call</c> (not <c>callvirt</c>) with a null <c>this</c>
    /// is: the method runs, and fails only where it reads or writes the instance.
    /// </summary>
    private static void InvokeWithNullTarget(MethodInfo method)
    {
        if (method.GetParameters().Length != 0)
        {
            throw new TargetParameterCountException($"{method.Name} takes parameters; the launcher passes none");
        }

        if (method.IsStatic)
        {
            Unwrapped(() => method.Invoke(null, null));
            return;
        }

        var call = new DynamicMethod("NullTargetCall_" + method.Name, null, Type.EmptyTypes, typeof(NanoUnitTestLauncher).Module, skipVisibility: true);
        var il = call.GetILGenerator();
        il.Emit(OpCodes.Ldnull);
        il.Emit(OpCodes.Call, method);
        if (method.ReturnType != typeof(void))
        {
            il.Emit(OpCodes.Pop);
        }

        il.Emit(OpCodes.Ret);
        var invoke = (Action)call.CreateDelegate(typeof(Action));
        invoke();
    }

    private static void Unwrapped(Action action)
    {
        try
        {
            action();
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
    }
}
