#nullable enable

using System;
using System.Collections.Generic;
using System.Linq;
using ClosedLoop.Engine.NanoTests.Tests.LauncherFixtures;
using Xunit;

namespace ClosedLoop.Engine.NanoTests.Tests;

/// <summary>The emulated launcher is as strict as nanoFramework's: each rule of its source, on a fixture.</summary>
public sealed class NanoUnitTestLauncherTests
{
    private static IReadOnlyList<LauncherStep> Run(params Type[] types) => NanoUnitTestLauncher.Run(types);

    [Fact]
    public void A_test_that_keeps_state_in_its_instance_fails_as_on_a_board_and_one_that_does_not_passes()
    {
        var steps = Run(typeof(InstanceStateTests));

        Assert.IsType<NullReferenceException>(steps.Single(s => s.MethodName == nameof(InstanceStateTests.Uses_an_instance_field)).Failure);
        Assert.Null(steps.Single(s => s.MethodName == nameof(InstanceStateTests.Instance_method_that_touches_nothing)).Failure);
        Assert.Equal(0, InstanceStateTests.ConstructorCalls);
    }

    [Fact]
    public void Setup_runs_once_before_the_tests_and_cleanup_once_after_them_with_static_state_carried_along()
    {
        OrderedTests.Log.Clear();

        var steps = Run(typeof(OrderedTests));

        Assert.Equal(new[] { "setup", "first", "second", "cleanup" }, OrderedTests.Log);
        Assert.Equal(new[] { "setup", "test", "test", "cleanup" }, steps.Select(s => s.Stage));
        Assert.All(steps, s => Assert.Null(s.Failure));
    }

    [Fact]
    public void A_failing_setup_fails_only_itself_and_the_tests_still_run()
    {
        var steps = Run(typeof(FailingSetupTests));

        Assert.IsType<InvalidOperationException>(steps.Single(s => s.Stage == "setup").Failure);
        Assert.Null(steps.Single(s => s.Stage == "test").Failure);
    }

    [Fact]
    public void Only_classes_marked_test_class_run_and_a_test_with_parameters_fails()
    {
        var steps = Run(typeof(NotATestClass), typeof(ParameterTests));

        var step = Assert.Single(steps);
        Assert.Equal(nameof(ParameterTests), step.ClassName);
        Assert.IsType<System.Reflection.TargetParameterCountException>(step.Failure);
    }
}
