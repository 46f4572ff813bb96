// Compile-only declaration: nanoFramework.TestFramework 3.0.77 (nanoframework/nanoFramework.TestFramework at v3.0.77: source/UnitTestLauncher/Program.cs).
// The on-device test launcher the nanoFramework test adapter deploys with the tests; no test calls it, so it declares nothing.
