namespace ClosedLoop.Pcb.Tests;

/// <summary>
/// The enclosure `fab` renders with OpenSCAD, measured as printed (the STL files) against the placed board as KiCad
/// reads it back (`build.py inspect`): the board drops onto its standoffs touching nothing else, every connector meets
/// an opening where the board put it, the lid has a window over each status LED and screws into the tray's posts.
/// The model is the board seen from above: its x is the board's, its y the board's height minus the board's y.
/// </summary>
public partial class FabricationTests
{
    // The board's outline (docs/hardware.md: 150 x 110 mm, 1.6 mm thick).
    private const double BoardWidth = 150, BoardHeight = 110, BoardThickness = 1.6;

    // The Amphenol B6252HB-NPP3G-50 as KiCad 9's 3D model of its footprint draws it
    // (Connector_Coaxial.3dshapes/BNC_Amphenol_B6252HB-NPP3G-50_Horizontal.step, read outside the checkout): the
    // jack's axis 7.1 mm above the board, the 12.7 mm threaded bush from 12.7 mm in front of the centre pin for 8.7 mm.
    private const double BncAxisHeight = 7.1, BncBushRadius = 6.35, BncHousingFront = 12.7, BncBushLength = 8.7;

    // The USB Type-C specification's largest recommended plug overmould, 12.35 x 6.5 mm, centred on a receptacle whose
    // shell (8.94 x 3.26 mm) sits on the board.
    private const double UsbPlugWidth = 12.35, UsbPlugHeight = 6.5, UsbCentreHeight = 1.63;

    private StlSolid Tray => StlSolid.Read(fab.File("closedloop-rig-board-enclosure-tray.stl"));

    private StlSolid Lid => StlSolid.Read(fab.File("closedloop-rig-board-enclosure-lid.stl"));

    [Fact]
    public void The_tray_and_the_lid_are_closed_solids_a_slicer_can_print()
    {
        foreach (var part in new[] { Tray, Lid })
        {
            Assert.Empty(part.OpenEdges().Take(5));
            Assert.True(part.Triangles > 12);
        }

        // Laid flat: the tray stands on its floor, the lid is a plate.
        Assert.Equal(0, Tray.Min.Z, 3);
        Assert.InRange(Lid.Max.Z - Lid.Min.Z, 1.5, 4);
    }

    [Fact]
    public void The_board_rests_on_a_standoff_under_each_mounting_hole_and_touches_nothing_else()
    {
        var tray = Tray;
        var holes = MountingHoles();
        Assert.Equal(4, holes.Count);
        double bottom = BoardBottom(tray, holes[0]);

        foreach (var (x, y) in holes)
        {
            double my = BoardHeight - y;
            Assert.True(tray.Contains(x + 2.6, my, bottom - 0.3), $"no standoff under the hole at ({x}, {y})");
            Assert.False(tray.Contains(x + 2.6, my, bottom + 0.3), $"the standoff at ({x}, {y}) reaches into the board");
            Assert.False(tray.Contains(x, my, bottom - 1), $"no room for the screw at ({x}, {y})");
        }

        // The whole board, to 0.1 mm of its edges, is free of the tray (walls, posts, pads).
        var struck = new List<string>();
        for (double x = 0.1; x <= BoardWidth - 0.1; x += (BoardWidth - 0.2) / 30)
        {
            for (double y = 0.1; y <= BoardHeight - 0.1; y += (BoardHeight - 0.2) / 22)
            {
                if (tray.Contains(x, y, bottom + (BoardThickness / 2)))
                {
                    struck.Add($"({x:F1}, {BoardHeight - y:F1})");
                }
            }
        }

        Assert.Empty(struck);
    }

    [Fact]
    public void Each_bnc_bush_passes_its_wall_through_a_slot_that_fits_it_where_the_board_put_it()
    {
        var tray = Tray;
        double top = BoardBottom(tray, MountingHoles()[0]) + BoardThickness;
        var parts = PinKinds();
        var pads = Inspect().Pads;
        var bncs = parts.Where(p => p.Value.Value.StartsWith("BNC ", StringComparison.Ordinal)).ToList();
        Assert.Equal(7, bncs.Count);

        foreach (var (reference, part) in bncs)
        {
            var pin = pads[reference]["1"];
            // The jack points at the nearer edge: the model's front (board y = height) or back.
            double toward = pin.Y > BoardHeight / 2 ? -1 : 1;
            double pinY = BoardHeight - pin.Y;
            double z = top + BncAxisHeight;
            for (double along = BncHousingFront + 0.2; along <= BncHousingFront + BncBushLength; along += 0.5)
            {
                for (int a = 0; a < 16; a++)
                {
                    double angle = a * Math.PI / 8;
                    double px = pin.X + (BncBushRadius * Math.Cos(angle)), pz = z + (BncBushRadius * Math.Sin(angle));
                    Assert.False(tray.Contains(px, pinY + (toward * along), pz), $"{part.Value}: the wall meets its bush {along:F1} mm from the pin at {a * 22.5} degrees");
                }
            }

            // The wall is there round the slot: below the bush and beside it, 2 mm beyond the bush's radius.
            double wall = pinY + (toward * (BncHousingFront + 2.0));
            Assert.True(tray.Contains(pin.X, wall, z - BncBushRadius - 2), $"{part.Value}: no wall below the bush");
            Assert.True(tray.Contains(pin.X - BncBushRadius - 2, wall, z), $"{part.Value}: no wall beside the bush");
            Assert.True(tray.Contains(pin.X + BncBushRadius + 2, wall, z), $"{part.Value}: no wall beside the bush");
        }
    }

    [Fact]
    public void A_usb_c_plug_reaches_the_receptacle_through_the_left_wall()
    {
        var tray = Tray;
        double top = BoardBottom(tray, MountingHoles()[0]) + BoardThickness;
        var usb = PinKinds().Single(p => p.Value.Footprint.StartsWith("USB_C", StringComparison.Ordinal)).Key;
        var (x0, y0, x1, y1) = Inspect().Courtyards[usb];
        double centre = BoardHeight - ((y0 + y1) / 2);
        double z = top + UsbCentreHeight;

        Assert.True(x0 < 2, $"the receptacle's courtyard starts {x0:F1} mm from the left edge");
        for (double x = -6; x <= 0; x += 0.5)
        {
            foreach (double dy in new[] { -UsbPlugWidth / 2, 0, UsbPlugWidth / 2 })
            {
                foreach (double dz in new[] { -UsbPlugHeight / 2, 0, UsbPlugHeight / 2 })
                {
                    Assert.False(tray.Contains(x, centre + (dy * 0.98), z + (dz * 0.98)), $"the wall meets a plug at x {x}, {dy:F2} along, {dz:F2} up");
                }
            }
        }

        Assert.True(tray.Contains(-2, centre, z + (UsbPlugHeight / 2) + 2), "no wall above the USB window");
    }

    [Fact]
    public void The_right_wall_has_an_m8_socket_beside_each_led_terminal_and_a_gland_beside_the_arm_terminals()
    {
        var tray = Tray;
        var parts = PinKinds();
        var pads = Inspect().Pads;
        double Middle(string reference) => BoardHeight - pads[reference].Values.Average(p => p.Y);

        var terminals = parts.Where(p => p.Value.Footprint.StartsWith("TerminalBlock", StringComparison.Ordinal)).ToList();
        var leds = terminals.Where(t => t.Value.Value.StartsWith("LED", StringComparison.Ordinal)).Select(t => Middle(t.Key)).ToList();
        var arm = terminals.Where(t => !t.Value.Value.StartsWith("LED", StringComparison.Ordinal)).Select(t => Middle(t.Key)).Average();
        Assert.Equal(2, leds.Count);

        // M8 sockets take an 8 mm hole; a gland for an 8-core cable (M16) a 16 mm one. Where on the wall is the model's
        // choice; the test finds each opening's middle at its terminal's height along the wall and checks its size.
        foreach (var (y, radius, what) in leds.Select(y => (y, 4.0, "LED socket")).Append((arm, 8.0, "arm cable gland")))
        {
            var (z, found) = OpeningHeight(tray, y);
            Assert.True(found, $"no {what} in the right wall at {BoardHeight - y:F1} mm from the board's top edge");
            for (int a = 0; a < 12; a++)
            {
                double angle = a * Math.PI / 6;
                Assert.False(tray.Contains(BoardWidth + 2, y + (radius * 0.97 * Math.Cos(angle)), z + (radius * 0.97 * Math.Sin(angle))), $"the {what}'s hole is under {radius * 2} mm");
            }

            Assert.True(tray.Contains(BoardWidth + 2, y + radius + 1.5, z), $"the {what}'s hole is far over {radius * 2} mm: its flange would not seal");
        }
    }

    [Fact]
    public void The_lid_has_a_window_over_each_status_led_and_its_screws_meet_the_trays_posts()
    {
        var (lid, tray) = (Lid, Tray);
        var parts = PinKinds();
        var pads = Inspect().Pads;
        var indicators = parts.Where(p => p.Value.Footprint.StartsWith("LED_", StringComparison.Ordinal)).Select(p => p.Key).ToList();
        Assert.Equal(4, indicators.Count);
        double middle = (lid.Min.Z + lid.Max.Z) / 2;

        foreach (string led in indicators)
        {
            double x = pads[led].Values.Average(p => p.X), y = BoardHeight - pads[led].Values.Average(p => p.Y);
            Assert.False(lid.Contains(x, y, middle), $"{led}: no window above it");
            Assert.True(lid.Contains(x + 3, y, middle), $"{led}: its window is over 6 mm wide");
        }

        // Every hole through the lid that is not a window lines up with a post's insert hole under it.
        var windows = indicators.Select(led => (X: pads[led].Values.Average(p => p.X), Y: BoardHeight - pads[led].Values.Average(p => p.Y))).ToList();
        double rim = tray.Max.Z;
        var screws = new List<(double X, double Y)>();
        for (double x = lid.Min.X + 0.5; x < lid.Max.X; x += 1)
        {
            for (double y = lid.Min.Y + 0.5; y < lid.Max.Y; y += 1)
            {
                if (!lid.Contains(x, y, middle) && windows.All(w => Math.Abs(w.X - x) > 2.5 || Math.Abs(w.Y - y) > 2.5))
                {
                    screws.Add((x, y));
                }
            }
        }

        Assert.All(screws, s => Assert.False(tray.Contains(s.X, s.Y, rim - 2), $"the lid's hole at ({s.X}, {s.Y}) has no post hole under it"));
        Assert.Equal(4, screws.Select(s => (s.X < BoardWidth / 2, s.Y < BoardHeight / 2)).Distinct().Count());
    }

    [Fact]
    public void The_corner_posts_leave_the_board_and_the_screw_heads_free()
    {
        var tray = Tray;
        double top = BoardBottom(tray, MountingHoles()[0]) + BoardThickness;
        // An M3 pan head is 2.4 mm tall; the board's corners out to its mounting holes stay clear 3 mm above it.
        foreach (var (x, y) in MountingHoles())
        {
            for (double dx = -4; dx <= 4; dx += 1)
            {
                for (double dy = -4; dy <= 4; dy += 1)
                {
                    double px = Math.Clamp(x + dx, 0.1, BoardWidth - 0.1), py = Math.Clamp(BoardHeight - y + dy, 0.1, BoardHeight - 0.1);
                    Assert.False(tray.Contains(px, py, top + 3), $"a post sits 3 mm above the board at ({px}, {py})");
                }
            }
        }
    }

    [Fact]
    public void The_stl_reader_finds_inside_and_outside_of_a_solid_openscad_itself_wrote()
    {
        // StlSolid follows OpenSCAD's ASCII STL export (what fab's enclosure STL files are): checked on a solid whose
        // inside is known, a 10 x 20 x 30 mm box less a 4 mm hole through it, as Debian's openscad writes it.
        string folder = Directory.CreateTempSubdirectory("closedloop-stl").FullName;
        string source = Path.Combine(folder, "box.scad"), stl = Path.Combine(folder, "box.stl");
        File.WriteAllText(source, "difference() { cube([10, 20, 30]); translate([5, 10, -1]) cylinder(d = 4, h = 32, $fn = 32); }\n");
        var (exitCode, _, error) = BoardTool.Execute("openscad", null, ["-o", stl, source]);
        Assert.True(exitCode == 0, error);

        var box = StlSolid.Read(stl);
        Directory.Delete(folder, true);

        Assert.Empty(box.OpenEdges());
        Assert.True(box.Contains(1, 1, 1) && box.Contains(9, 19, 29) && box.Contains(5, 3, 15) && box.Contains(7.5, 10, 15));
        Assert.False(box.Contains(5, 10, 15), "the hole's axis");
        Assert.False(box.Contains(6.5, 10, 15), "inside the hole's 2 mm radius");
        Assert.False(box.Contains(-0.1, 10, 15) || box.Contains(10.1, 10, 15) || box.Contains(5, 10, 30.1) || box.Contains(5, 20.1, 15));
    }

    private List<(double X, double Y)> MountingHoles()
    {
        var courtyards = Inspect().Courtyards;
        return courtyards.Where(c => System.Text.RegularExpressions.Regex.IsMatch(c.Key, @"^H\d+$"))
            .Select(c => ((c.Value.X0 + c.Value.X1) / 2, (c.Value.Y0 + c.Value.Y1) / 2)).ToList();
    }

    /// <summary>Where the board's underside sits: the top of the standoff under a mounting hole, found by climbing
    /// it from the floor (a corner post may stand above it).</summary>
    private static double BoardBottom(StlSolid tray, (double X, double Y) hole)
    {
        Assert.True(tray.Contains(hole.X + 2.6, BoardHeight - hole.Y, 0.1), $"no floor under the hole at {hole}");
        for (double z = 0.1; z < tray.Max.Z; z += 0.05)
        {
            if (!tray.Contains(hole.X + 2.6, BoardHeight - hole.Y, z))
            {
                return z - 0.025;
            }
        }

        Assert.Fail($"the tray is solid all the way up beside the hole at {hole}");
        return 0;
    }

    /// <summary>The height of the middle of an opening in the right wall at a place along it, found by walking up the wall.</summary>
    private static (double Z, bool Found) OpeningHeight(StlSolid tray, double y)
    {
        double? from = null;
        for (double z = 3; z < tray.Max.Z - 0.5; z += 0.1)
        {
            bool open = !tray.Contains(BoardWidth + 2, y, z);
            if (open && from is null)
            {
                from = z;
            }
            else if (!open && from is not null)
            {
                return ((from.Value + z) / 2, true);
            }
        }

        return (0, false);
    }
}
