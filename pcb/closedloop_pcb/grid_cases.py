"""
The router's search on small grids of its own, without KiCad (grid.py imports no pcbnew): a free run, a wall on one
layer that a via gets round, a wall on both that nothing gets through, a search cut off by its step limit, and two
nets' tracks meeting. Each case reports what the search found, for a test to compare with what it must find.
"""
import sys

from . import grid

WIDTH_MM, HEIGHT_MM = 2.0, 0.6  # 21 x 7 cells


def _grid():
    """A small grid whose outermost cells no track or via may use, as the router keeps copper off the board edge."""
    g = grid.Grid(("F", "B"), WIDTH_MM, HEIGHT_MM)
    for target in [*g.track, g.via]:
        target[0, :] = target[-1, :] = grid.CONFLICT
        target[:, 0] = target[:, -1] = grid.CONFLICT
    return g


def _maps(g, net):
    """Per layer, the cells a track of the net may use, as the router's bytes maps; and where a via may go."""
    maps = [((t == 0) | (t == net)).tobytes() for t in g.track]
    via_ok = ((g.via == 0) | (g.via == net)) & ((g.track[0] == 0) | (g.track[0] == net)) & ((g.track[1] == 0) | (g.track[1] == net))
    return maps, via_ok.tobytes()


def _search(g, net, start, goal, limit=100_000):
    maps, via_ok = _maps(g, net)
    path, steps = grid.astar(g.nx, [start], {goal}, [(goal[1], goal[2])], maps, via_ok, limit)
    if path is None:
        return {"found": False, "steps": steps}
    return {"found": True, "steps": steps, "cells": len(path), "vias": sum(1 for a, b in zip(path, path[1:]) if a[0] != b[0]),
            "ends": [list(path[0]), list(path[-1])]}


def _wall(g, layers):
    # A wall of another net across the grid at x = 1.0 mm, from edge to edge.
    g.rectangle(7, layers, 1.0, 0.0, 1.0, HEIGHT_MM, 0.05, 0.05)


def run():
    results = {}
    g = _grid()
    results["free_run"] = _search(g, 1, (0, 1, 3), (0, 19, 3))

    g = _grid()
    _wall(g, ["F"])
    results["wall_on_one_layer"] = _search(g, 1, (0, 1, 3), (0, 19, 3))

    g = _grid()
    _wall(g, ["F", "B"])
    results["wall_on_both_layers"] = _search(g, 1, (0, 1, 3), (0, 19, 3))

    g = _grid()
    results["step_limit"] = _search(g, 1, (0, 1, 3), (0, 19, 3), limit=5)

    g = _grid()
    g.segment(1, "F", 0.2, 0.3, 1.8, 0.3, 0.1, 0.1)
    g.segment(2, "F", 1.0, 0.0, 1.0, 0.6, 0.1, 0.1)
    results["tracks_meeting"] = {"owner_at_crossing": int(g.track[0][3, 10]), "owner_of_net_1": int(g.track[0][3, 3]), "other_layer_free": int(g.track[1][3, 10])}

    results["pcbnew_loaded"] = "pcbnew" in sys.modules
    return results
