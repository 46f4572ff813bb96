using System.Text.Json;

namespace ClosedLoop.Pcb.Tests;

/// <summary>
/// The router's search on small grids of its own (pcb/closedloop_pcb/grid_cases.py), without KiCad: grid.py holds
/// the cells and the A* and imports no pcbnew. Debian's Python is used for its numpy, not for pcbnew.
/// </summary>
public class RouterSearchTests
{
    [Fact]
    public void The_search_runs_without_kicad_goes_round_a_wall_by_vias_and_stops_where_it_must()
    {
        var (exitCode, output) = BoardTool.RunPcbnew(BoardTool.PcbFolder, "grid-cases");
        Assert.Equal(0, exitCode);
        var cases = JsonDocument.Parse(output).RootElement;

        Assert.False(cases.GetProperty("pcbnew_loaded").GetBoolean());

        // 1.8 mm straight on one layer: one cell a step, no via.
        var free = cases.GetProperty("free_run");
        Assert.True(free.GetProperty("found").GetBoolean());
        Assert.Equal((19, 0), (free.GetProperty("cells").GetInt32(), free.GetProperty("vias").GetInt32()));

        // Another net's wall across the top layer: down through a via, under it, and up again.
        var wall = cases.GetProperty("wall_on_one_layer");
        Assert.True(wall.GetProperty("found").GetBoolean());
        Assert.Equal(2, wall.GetProperty("vias").GetInt32());

        // A wall on both layers: no route, and the search says so having looked at every cell it could reach.
        var closed = cases.GetProperty("wall_on_both_layers");
        Assert.False(closed.GetProperty("found").GetBoolean());
        Assert.InRange(closed.GetProperty("steps").GetInt32(), 1, 1000);

        // Cut off by its step limit: no route after exactly that many steps.
        var limited = cases.GetProperty("step_limit");
        Assert.Equal((false, 5), (limited.GetProperty("found").GetBoolean(), limited.GetProperty("steps").GetInt32()));

        // Two nets' tracks meeting: the crossing belongs to neither (CONFLICT), each keeps its own cells, the other layer is free.
        var meeting = cases.GetProperty("tracks_meeting");
        Assert.Equal((-1, 1, 0), (meeting.GetProperty("owner_at_crossing").GetInt32(), meeting.GetProperty("owner_of_net_1").GetInt32(), meeting.GetProperty("other_layer_free").GetInt32()));
    }
}
