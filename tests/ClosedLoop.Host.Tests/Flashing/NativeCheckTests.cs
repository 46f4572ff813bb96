using ClosedLoop.Host.Flashing;

namespace ClosedLoop.Host.Tests.Flashing;

/// <summary>What the flash check reads of an image and of a board, and what it refuses.</summary>
public sealed class NativeCheckTests
{
    [Fact]
    public void The_real_mscorlib_pe_reads_as_mscorlib_1_17_11_with_the_checksum_its_firmware_declares()
    {
        var assembly = Assert.Single(DeploymentImage.Read(TestImages.MscorlibPath));

        // Named by the interpreter's own string table (0xFFFF − 0x32D), not its strings blob.
        Assert.Equal(("mscorlib", new Version(1, 17, 11, 0), 0x1549C856u, 0), (assembly.Name, assembly.Version, assembly.NativeChecksum, assembly.Offset));
    }

    [Fact]
    public void An_image_is_its_pe_files_one_after_another_each_padded_to_4_bytes()
    {
        byte[] image = TestImages.Image(TestImages.Pinned);

        var assemblies = DeploymentImage.Read(image, "image.bin");

        Assert.Equal(["mscorlib", "nanoFramework.Runtime.Events", "nanoFramework.Hardware.Esp32.Rmt", "System.Net", "ClosedLoop.Firmware"], assemblies.Select(a => a.Name));
        Assert.Equal(new Version(2, 0, 51, 0), assemblies[2].Version);
        Assert.Equal(0x8ADAC728u, assemblies[2].NativeChecksum);
        Assert.All(assemblies, a => Assert.Equal(0, a.Offset % 4));
        Assert.Equal(0u, assemblies[^1].NativeChecksum);
    }

    [Fact]
    public void A_file_that_is_not_an_image_or_is_cut_short_is_refused_with_where()
    {
        byte[] image = TestImages.Image(TestImages.Pinned);

        var notImage = Assert.Throws<InvalidDataException>(() => DeploymentImage.Read([1, 2, 3], "app.bin"));
        var cut = Assert.Throws<InvalidDataException>(() => DeploymentImage.Read(image.AsSpan(0, image.Length - 8), "app.bin"));
        var junk = Assert.Throws<InvalidDataException>(() => DeploymentImage.Read([.. image, .. new byte[200]], "app.bin"));

        Assert.Contains("app.bin: no nanoFramework assembly header (marker NFMRK1) at byte 0", notImage.Message, StringComparison.Ordinal);
        Assert.Contains("cut short", cut.Message, StringComparison.Ordinal);
        Assert.Contains($"at byte {image.Length}", junk.Message, StringComparison.Ordinal);
        Assert.Contains("5 assemblies read before", junk.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_device_report_gives_the_target_the_clr_and_every_native_assembly()
    {
        var report = DeviceReport.Parse(TestImages.Report("esp32-2026-07.txt"), "report");

        Assert.Equal(("ESP32_PSRAM_REV3", "1.12.0.512"), (report.Target, report.ClrVersion));
        Assert.Equal(17, report.NativeAssemblies.Count);
        Assert.Contains(new NativeAssembly("System.Net", new Version(100, 2, 0, 14), 0x8EFB9944), report.NativeAssemblies);
        Assert.Contains(new NativeAssembly("mscorlib", new Version(100, 5, 0, 24), 0x1549C856), report.NativeAssemblies);
    }

    [Fact]
    public void A_report_from_nanobooter_or_with_a_line_out_of_shape_is_refused()
    {
        var booter = Assert.Throws<InvalidDataException>(() => DeviceReport.Parse("Target:   ESP32_PSRAM_REV3\nnanoBooter v1.0\n", "the board on /dev/ttyUSB0"));
        var bent = Assert.Throws<InvalidDataException>(() => DeviceReport.Parse("Native Assemblies:\n  mscorlib v100.5.0.24 checksum 1549C856\n", "report"));

        Assert.Contains("the board on /dev/ttyUSB0: no 'Native Assemblies:'", booter.Message, StringComparison.Ordinal);
        Assert.Contains("nanoBooter", booter.Message, StringComparison.Ordinal);
        Assert.Contains("'mscorlib v100.5.0.24 checksum 1549C856'", bent.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Todays_pins_load_on_firmware_from_before_the_system_net_move_only()
    {
        var image = DeploymentImage.Read(TestImages.Image(TestImages.Pinned), "image.bin");

        var june = NativeCompatibility.Check(image, DeviceReport.Parse(TestImages.Report("esp32-2026-06.txt"), "june"));
        var july = NativeCompatibility.Check(image, DeviceReport.Parse(TestImages.Report("esp32-2026-07.txt"), "july"));
        var august = NativeCompatibility.Check(image, DeviceReport.Parse(TestImages.Report("esp32-2026-08.txt"), "august"));

        Assert.Empty(june);
        var net = Assert.Single(july);
        Assert.Equal("System.Net 1.11.60.0: needs native checksum 0x6DFA71D6; the board's firmware has 0x8EFB9944 (native v100.2.0.14). The image is built for System.Net native 100.2.0.12 (firmware built from nf-interpreter #3289 of 2026-04-07 until #3460 of 2026-07-10): flash such a firmware (rig.firmware_version; docs/flashing.md lists what each package needs); the board has System.Net native 100.2.0.14 (firmware built from nf-interpreter #3460 of 2026-07-10 on).", net.ToString());
        Assert.Equal(["System.Net", "nanoFramework.Hardware.Esp32.Rmt"], august.Select(m => m.Needed.Name).Order().Reverse());
        Assert.Contains("the board has the RMT 3.0 rewrite (native 100.0.6.0, nf-interpreter PR 3510 of 2026-08-01)", august.Single(m => m.Needed.Name.EndsWith("Rmt", StringComparison.Ordinal)).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_assembly_whose_native_code_the_firmware_lacks_is_refused_and_one_without_native_code_needs_none()
    {
        var image = DeploymentImage.Read(TestImages.Image(("nanoFramework.Device.OneWire", "1.4.0.0", 0x0D9DB1E0), ("Pure.Managed", "2.0.0.0", 0)), "image.bin");

        var missing = Assert.Single(NativeCompatibility.Check(image, DeviceReport.Parse(TestImages.Report("esp32-2026-06.txt"), "june")));

        Assert.Equal("nanoFramework.Device.OneWire", missing.Needed.Name);
        Assert.Null(missing.Present);
        Assert.Contains("the board's firmware has none for it", missing.ToString(), StringComparison.Ordinal);
    }
}
