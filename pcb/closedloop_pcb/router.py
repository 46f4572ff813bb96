"""
A grid router for the board's two outer layers: A* over a 0.1 mm grid with vias between F.Cu and B.Cu, each net
routed as a tree from pad to nearest pad. Copper of other nets blocks the cells from which a track (or a via)
would come closer than the clearance, with a margin for the grid, so a route through free cells keeps the design
rules. Pads of the plane nets (ground, 3.3 V) get a short track to a via into their inner plane instead.
"""
import math

import pcbnew

from . import layout, pcbfile
from .grid import CONFLICT, GRID, MARGIN, Grid, astar, cells, erode, straight_pieces

LAYERS = (pcbnew.F_Cu, pcbnew.B_Cu)
# Search steps for the whole board, so that a layout the router cannot finish fails in minutes instead of searching on
# (pure Python: roughly 50,000 steps a second here, so the whole budget is about 7 minutes). The rig board takes about
# a million; a net that fails spends up to 3.4 million before it gives up.
BUDGET_STEPS = 20_000_000
WIDE_NETS = {"VBUS": 0.3, "+5V": 0.5, "LED1_K": 0.5, "LED2_K": 0.5, "LED1_SENSE": 0.5, "LED2_SENSE": 0.5}
SUPPLY_TRACKS = {"+5V"}


class Router:
    def __init__(self, pcb, nets, budget=BUDGET_STEPS, via_keepouts=()):
        self.pcb, self.nets = pcb, nets
        self.grid = Grid(LAYERS, layout.WIDTH, layout.HEIGHT)
        self.clearance = pcbfile.CLEARANCE_MM
        self.track_width = pcbfile.TRACK_MM
        self.via_radius = pcbfile.VIA_MM / 2
        self.failed = []
        self.budget = budget
        self.steps_used = 0
        self._pads_as_obstacles()
        self._edges_and_keepouts()
        for x0, y0, x1, y1 in via_keepouts:
            self.grid.rectangle(CONFLICT, [], x0, y0, x1, y1, 0, self.via_radius + MARGIN)

    # --- obstacles -------------------------------------------------------------------------------------------------
    def track_reach(self, width):
        return self.clearance + width / 2 + MARGIN

    def _pads_as_obstacles(self):
        for fp in self.pcb.GetFootprints():
            for pad in fp.Pads():
                box = pad.GetBoundingBox()
                x0, y0, x1, y1 = (pcbnew.ToMM(box.GetX()), pcbnew.ToMM(box.GetY()), pcbnew.ToMM(box.GetRight()), pcbnew.ToMM(box.GetBottom()))
                layers = [l for l in LAYERS if pad.IsOnLayer(l)]
                net = pad.GetNetCode() or CONFLICT
                reach = self.track_reach(self.track_width)
                via_reach = self.clearance + self.via_radius + MARGIN
                if pad.GetDrillSize().x > 0:
                    # A hole blocks vias on every layer, and its pad every track.
                    layers = list(LAYERS)
                self.grid.rectangle(net, layers, x0, y0, x1, y1, reach, via_reach)

    def _edges_and_keepouts(self):
        g = self.grid
        edge_track = pcbfile.EDGE_CLEARANCE_MM + self.track_width / 2 + MARGIN
        edge_via = pcbfile.EDGE_CLEARANCE_MM + self.via_radius + MARGIN
        for reach, targets in ((edge_track, g.track), (edge_via, [g.via])):
            n = int(math.ceil(reach / GRID))
            for target in targets:
                target[:n + 1, :] = CONFLICT
                target[-n - 1:, :] = CONFLICT
                target[:, :n + 1] = CONFLICT
                target[:, -n - 1:] = CONFLICT
        x, y, _ = layout.ANCHORS["esp32"]
        g.rectangle(CONFLICT, LAYERS, x - 24, 0, x + 24, y - 9.8, self.track_width / 2 + MARGIN, self.via_radius + MARGIN)

    # --- routing ---------------------------------------------------------------------------------------------------
    def route_all(self, plane_nets):
        pads = {}
        for fp in self.pcb.GetFootprints():
            for pad in fp.Pads():
                if pad.GetNetCode() > 0:
                    pads.setdefault(pad.GetNetname(), []).append(pad)
        for name in plane_nets:
            for pad in pads.get(name, []):
                drilled = any(p.GetNumber() == pad.GetNumber() and p.GetDrillSize().x > 0 for p in pad.GetParent().Pads())
                if pad.GetAttribute() == pcbnew.PAD_ATTRIB_SMD and not drilled:
                    self.fan_out(pad, name)
        # The supply that is not a plane first, as a person would draw it: its wide trunk crosses the whole board, and
        # routed last (by span) it found the bottom edge walled off by the signals once the LED DAC was added. Then
        # short nets before long ones.
        order = sorted((n for n in pads if n not in plane_nets), key=lambda n: (n not in SUPPLY_TRACKS, self._span(pads[n])))
        for name in order:
            self.route_net(name, pads[name])
        return self.failed

    @staticmethod
    def _span(pads):
        xs = [pcbnew.ToMM(p.GetPosition().x) for p in pads]
        ys = [pcbnew.ToMM(p.GetPosition().y) for p in pads]
        return (max(xs) - min(xs)) + (max(ys) - min(ys))

    def passable(self, net, width):
        """Per layer, a bytes map of cells a track of the net and width may pass, and one for via centres."""
        g = self.grid
        extra = int(math.ceil((width - self.track_width) / 2 / GRID))
        maps = []
        for layer in range(len(LAYERS)):
            ok = (g.track[layer] == 0) | (g.track[layer] == net)
            for _ in range(extra):
                ok = erode(ok)
            maps.append(ok.tobytes())
        via_ok = ((g.via == 0) | (g.via == net)) & ((g.track[0] == 0) | (g.track[0] == net)) & ((g.track[1] == 0) | (g.track[1] == net))
        return maps, via_ok.tobytes()

    def pad_cells(self, pad, width):
        """Cells inside the pad where a track of that width can end: (layer index, ix, iy)."""
        box = pad.GetBoundingBox()
        x0, y0, x1, y1 = (pcbnew.ToMM(box.GetX()), pcbnew.ToMM(box.GetY()), pcbnew.ToMM(box.GetRight()), pcbnew.ToMM(box.GetBottom()))
        inset = min(width / 2, (x1 - x0) / 2, (y1 - y0) / 2) * 0.5
        result = []
        for layer in range(len(LAYERS)):
            if not pad.IsOnLayer(LAYERS[layer]):
                continue
            for iy in range(int(math.ceil((y0 + inset) / GRID)), int(math.floor((y1 - inset) / GRID)) + 1):
                for ix in range(int(math.ceil((x0 + inset) / GRID)), int(math.floor((x1 - inset) / GRID)) + 1):
                    # Inside the pad's copper, not just its box (oval and round pads).
                    if pad.HitTest(pcbfile.point(ix * GRID, iy * GRID), 0):
                        result.append((layer, ix, iy))
        return result

    def route_net(self, name, pads):
        net = self.nets[name].GetNetCode()
        width = WIDE_NETS.get(name, self.track_width)
        remaining = list(pads)
        tree = self.pad_cells(remaining.pop(0), width)
        while remaining:
            maps, via_ok = self.passable(net, width)
            tree_set = set(tree)
            anchors = [(c[1], c[2]) for c in tree[:: max(1, len(tree) // 40)]]
            remaining.sort(key=lambda p: min(abs(cells(pcbnew.ToMM(p.GetPosition().x)) - a[0]) + abs(cells(pcbnew.ToMM(p.GetPosition().y)) - a[1]) for a in anchors))
            pad = remaining.pop(0)
            start = [c for c in self.pad_cells(pad, width) if maps[c[0]][c[2] * self.grid.nx + c[1]]]
            path = self.search(start, tree_set, anchors, maps, via_ok)
            used = width
            if path is None and width > self.track_width:
                # A wide net necks down to a small part's pad, whose current is small.
                used = self.track_width
                maps, via_ok = self.passable(net, used)
                start = [c for c in self.pad_cells(pad, used) if maps[c[0]][c[2] * self.grid.nx + c[1]]]
                path = self.search(start, tree_set, anchors, maps, via_ok)
            if path is None:
                path = self.search(start, tree_set, anchors, maps, via_ok, limit=3000000)
            if path is None:
                self.failed.append(f"{name}: {pad.GetParent().GetReference()}.{pad.GetNumber()}")
                continue
            self.commit(net, used, path)
            tree.extend(path)
            tree.extend(self.pad_cells(pad, width))

    def search(self, starts, goals, anchors, maps, via_ok, limit=400000):
        limit = min(limit, self.budget)
        path, used = astar(self.grid.nx, starts, goals, anchors, maps, via_ok, limit)
        self.budget -= used
        self.steps_used += used
        return path

    def commit(self, net, width, path):
        """Turns a cell path into tracks and vias on the board and claims their cells."""
        runs = []
        for state in path:
            if runs and runs[-1][0] != state[0]:
                self.add_via(net, runs[-1][-1][1], runs[-1][-1][2])
                runs.append([state[0], state])
            elif runs:
                runs[-1].append(state)
            else:
                runs.append([state[0], state])
        for run in runs:
            layer, points = run[0], [(s[1], s[2]) for s in run[1:]]
            for a, b in straight_pieces(points):
                self.add_track(net, LAYERS[layer], width, a, b)
        # A path that joins its tree in the middle of a track: split that track there, so that the junction is where
        # tracks end (KiCad's DRC calls a track end in the middle of another dangling).
        for state in (path[0], path[-1]):
            self.split_at(net, LAYERS[state[0]], state[1], state[2])

    def split_at(self, net, layer, ix, iy):
        x, y = ix * GRID, iy * GRID
        point = pcbfile.point(x, y)
        for track in list(self.pcb.GetTracks()):
            if track.GetClass() != "PCB_TRACK" or track.GetNetCode() != net or track.GetLayer() != layer:
                continue
            start, end = track.GetStart(), track.GetEnd()
            if (start.x, start.y) == (point.x, point.y) or (end.x, end.y) == (point.x, point.y):
                continue
            # On the segment: collinear and between its ends (grid points, so exact integer arithmetic).
            cross = (end.x - start.x) * (point.y - start.y) - (end.y - start.y) * (point.x - start.x)
            if cross != 0 or not (min(start.x, end.x) <= point.x <= max(start.x, end.x) and min(start.y, end.y) <= point.y <= max(start.y, end.y)):
                continue
            rest = pcbnew.PCB_TRACK(self.pcb)
            rest.SetStart(point)
            rest.SetEnd(end)
            rest.SetWidth(track.GetWidth())
            rest.SetLayer(layer)
            rest.SetNetCode(net)
            track.SetEnd(point)
            self.pcb.Add(rest)

    def add_track(self, net, layer, width, a, b):
        ax, ay, bx, by = a[0] * GRID, a[1] * GRID, b[0] * GRID, b[1] * GRID
        if (ax, ay) != (bx, by):
            track = pcbnew.PCB_TRACK(self.pcb)
            track.SetStart(pcbfile.point(ax, ay))
            track.SetEnd(pcbfile.point(bx, by))
            track.SetWidth(pcbfile.mm(width))
            track.SetLayer(layer)
            track.SetNetCode(net)
            self.pcb.Add(track)
        reach = self.clearance + width / 2 + self.track_width / 2 + MARGIN
        via_reach = self.clearance + width / 2 + self.via_radius + MARGIN
        self.grid.segment(net, layer, ax, ay, bx, by, reach, via_reach)

    def add_via(self, net, ix, iy):
        x, y = ix * GRID, iy * GRID
        via = pcbnew.PCB_VIA(self.pcb)
        via.SetPosition(pcbfile.point(x, y))
        via.SetWidth(pcbfile.mm(pcbfile.VIA_MM))
        via.SetDrill(pcbfile.mm(pcbfile.VIA_DRILL_MM))
        via.SetViaType(pcbnew.VIATYPE_THROUGH)
        via.SetLayerPair(pcbnew.F_Cu, pcbnew.B_Cu)
        via.SetNetCode(net)
        self.pcb.Add(via)
        reach = self.clearance + self.via_radius + self.track_width / 2 + MARGIN
        via_reach = self.clearance + 2 * self.via_radius + MARGIN
        for layer in LAYERS:
            self.grid.segment(net, layer, x, y, x, y, reach, via_reach)
        # No second via of any net on or beside this one's hole.
        self.grid.segment(CONFLICT, LAYERS[0], x, y, x, y, 0, pcbfile.VIA_DRILL_MM + 0.3)

    def fan_out(self, pad, name):
        """A plane net's SMD pad: the nearest via the pad can reach on its own layer, and the track to it."""
        net = self.nets[name].GetNetCode()
        maps, via_ok = self.passable(net, self.track_width)
        nx = self.grid.nx
        starts = [c for c in self.pad_cells(pad, self.track_width) if maps[c[0]][c[2] * nx + c[1]]]
        layer = LAYERS.index(pcbnew.F_Cu)
        box = pad.GetBoundingBox()
        keep = self.via_radius + 0.1
        px0, py0 = pcbnew.ToMM(box.GetX()) - keep, pcbnew.ToMM(box.GetY()) - keep
        px1, py1 = pcbnew.ToMM(box.GetRight()) + keep, pcbnew.ToMM(box.GetBottom()) + keep
        seen = {s: None for s in starts}
        frontier = list(starts)
        while frontier:
            following = []
            for state in frontier:
                _, ix, iy = state
                inside = px0 <= ix * GRID <= px1 and py0 <= iy * GRID <= py1
                if not inside and via_ok[iy * nx + ix] and maps[1 - layer][iy * nx + ix]:
                    path = []
                    while state is not None:
                        path.append(state)
                        state = seen[state]
                    path = path[::-1]
                    self.commit(net, self.track_width, path)
                    self.add_via(net, ix, iy)
                    return
                for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                    nxt = (layer, ix + dx, iy + dy)
                    if nxt not in seen and maps[layer][nxt[2] * nx + nxt[1]]:
                        seen[nxt] = state
                        following.append(nxt)
            frontier = following if len(seen) < 20000 else []
        self.failed.append(f"{name}: no via for {pad.GetParent().GetReference()}.{pad.GetNumber()}")
