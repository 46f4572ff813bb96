namespace ClosedLoop.Host.Flashing;

/// <summary>One assembly of the image whose native code the board's firmware does not match.</summary>
public sealed record NativeMismatch(ImageAssembly Needed, NativeAssembly? Present, string Advice)
{
    public override string ToString() => Present is null
        ? $"{Needed.Name} {Needed.Version}: needs native code with checksum 0x{Needed.NativeChecksum:X8}; the board's firmware has none for it. {Advice}"
        : $"{Needed.Name} {Needed.Version}: needs native checksum 0x{Needed.NativeChecksum:X8}; the board's firmware has 0x{Present.Checksum:X8} (native v{Present.Version}). {Advice}";
}

/// <summary>
/// Whether an image will load on a board: the interpreter loads an assembly only if its native methods checksum equals
/// the one its firmware was built with (nf-interpreter CLRStartup.cpp, LoadAssembly: CLR_E_ASSM_WRONG_CHECKSUM), and
/// finds that out only after deployment, with the board then running nothing. Checked here before deploying.
/// </summary>
public static class NativeCompatibility
{
    /// <summary>Native lines a lab meets today, by assembly and checksum (nf-interpreter's declarations and history).</summary>
    private static readonly (string Assembly, uint Checksum, string Line)[] KnownLines =
    [
        ("nanoFramework.Hardware.Esp32.Rmt", 0x8ADAC728, "the RMT 2.x line (native 100.0.5.x, firmware built before nf-interpreter PR 3510 of 2026-08-01)"),
        ("nanoFramework.Hardware.Esp32.Rmt", 0xC094C732, "the RMT 3.0 rewrite (native 100.0.6.0, nf-interpreter PR 3510 of 2026-08-01)"),
        ("System.Net", 0x6DFA71D6, "System.Net native 100.2.0.12 (firmware built from nf-interpreter #3289 of 2026-04-07 until #3460 of 2026-07-10)"),
        ("System.Net", 0x8EFB9944, "System.Net native 100.2.0.14 (firmware built from nf-interpreter #3460 of 2026-07-10 on)"),
    ];

    public static IReadOnlyList<NativeMismatch> Check(IReadOnlyList<ImageAssembly> image, DeviceReport device)
    {
        var mismatches = new List<NativeMismatch>();
        foreach (var needed in image.Where(a => a.NativeChecksum != 0))
        {
            var present = device.NativeAssemblies.FirstOrDefault(n => n.Name == needed.Name);
            if (present is null || present.Checksum != needed.NativeChecksum)
            {
                mismatches.Add(new NativeMismatch(needed, present, Advice(needed, present)));
            }
        }

        return mismatches;
    }

    private static string Advice(ImageAssembly needed, NativeAssembly? present)
    {
        string? wanted = LineOf(needed.Name, needed.NativeChecksum);
        string? has = present is null ? null : LineOf(present.Name, present.Checksum);
        string flash = wanted is null
            ? "Flash a firmware built with that native code"
            : $"The image is built for {wanted}: flash such a firmware";
        return has is null
            ? $"{flash} (rig.firmware_version; docs/flashing.md lists what each package needs)."
            : $"{flash} (rig.firmware_version; docs/flashing.md lists what each package needs); the board has {has}.";
    }

    private static string? LineOf(string assembly, uint checksum) =>
        KnownLines.Where(l => l.Assembly == assembly && l.Checksum == checksum).Select(l => l.Line).FirstOrDefault();
}
