namespace ClosedLoop.Pcb.Tests;

/// <summary>The bill of materials a fab reads, checked as an assembler would check it before ordering.</summary>
public partial class FabricationTests
{
    // Where a manufacturer's part number says the package, it must be the footprint's. The codes are the makers'
    // own: Murata's GRM/BLM size (18 = 0603, 21 = 0805, 31 = 1206), Yageo's RC/RT size, Kingbright's APT1608 (0603),
    // Bourns' MF-MSMF (1812), TI's DBV (SOT-23-5/6) and PW (TSSOP), Microchip's /SN (SOIC-8).
    [Theory]
    [InlineData(@"^GRM18|^BLM18", "_0603_1608Metric")]
    [InlineData(@"^GRM21", "_0805_2012Metric")]
    [InlineData(@"^GRM31", "_1206_3216Metric")]
    [InlineData(@"^R[CT]0603", "R_0603_1608Metric")]
    [InlineData(@"^R[CT]1206", "R_1206_3216Metric")]
    [InlineData(@"^APT1608", "LED_0603_1608Metric")]
    [InlineData(@"^MF-MSMF", "Fuse_1812_4532Metric")]
    [InlineData(@"DBVR$", "SOT-23-")]
    [InlineData(@"IPWR$", "TSSOP-")]
    [InlineData(@"/SN$", "SOIC-8_")]
    public void Each_part_number_that_names_its_package_has_that_packages_footprint(string partNumber, string footprint)
    {
        var lines = File.ReadAllLines(fab.File("closedloop-rig-board-bom.csv")).Skip(1)
            .Select(l => System.Text.RegularExpressions.Regex.Matches(l, @"""[^""]*""|[^,]+").Select(m => m.Value.Trim('"')).ToArray())
            .Where(cells => System.Text.RegularExpressions.Regex.IsMatch(cells[4], partNumber)).ToList();

        Assert.NotEmpty(lines);
        Assert.All(lines, cells => Assert.True(cells[5].Contains(footprint, StringComparison.Ordinal), $"{cells[0]}: {cells[4]} on {cells[5]}"));
    }

    [Fact]
    public void Nexperia_parts_are_ordered_by_their_number_with_its_packing()
    {
        // Nexperia's orderable numbers end in the packing (",115", ",215"): the bare type is not a part one can order.
        var lines = File.ReadAllLines(fab.File("closedloop-rig-board-bom.csv")).Skip(1)
            .Select(l => System.Text.RegularExpressions.Regex.Matches(l, @"""[^""]*""|[^,]+").Select(m => m.Value.Trim('"')).ToArray())
            .Where(cells => cells[3] == "Nexperia").ToList();

        Assert.NotEmpty(lines);
        Assert.All(lines, cells => Assert.Matches(@"^[A-Z0-9]+,\d{3}$", cells[4]));
    }

    [Fact]
    public void The_gerber_job_file_names_every_gerber_with_its_layer()
    {
        string folder = fab.File("gerbers");
        var job = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "closedloop-rig-board-job.gbrjob"))).RootElement;
        var listed = job.GetProperty("FilesAttributes").EnumerateArray()
            .ToDictionary(f => f.GetProperty("Path").GetString()!, f => f.GetProperty("FileFunction").GetString()!);

        Assert.Equal(Directory.GetFiles(folder, "*.gbr").Select(Path.GetFileName).Order(), listed.Keys.Order());
        Assert.Equal("Copper,L1,Top", listed["closedloop-rig-board-F_Cu.gbr"]);
        Assert.Equal("Copper,L4,Bot", listed["closedloop-rig-board-B_Cu.gbr"]);
        Assert.Equal("Profile", listed["closedloop-rig-board-Edge_Cuts.gbr"]);
    }
}
