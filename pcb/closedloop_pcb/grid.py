"""
The router's search, apart from KiCad: a grid of 0.1 mm cells per outer layer recording which net owns each cell
for track centres and for via centres, and A* over it with vias between the two layers. Nothing here imports
pcbnew, so the search can be tried on small grids of its own (build.py grid-cases).
"""
import heapq
import math

import numpy as np

GRID = 0.1
MARGIN = GRID * math.sqrt(2) / 2
CONFLICT = -1
VIA_COST = 12.0


def cells(value_mm):
    return int(round(value_mm / GRID))


class Grid:
    """For each outer layer, who owns each cell for track centres (0 free, a net code, or CONFLICT), and the same for via centres."""

    def __init__(self, layers, width_mm, height_mm):
        self.layers = tuple(layers)
        self.nx, self.ny = cells(width_mm) + 1, cells(height_mm) + 1
        self.track = [np.zeros((self.ny, self.nx), dtype=np.int32) for _ in self.layers]
        self.via = np.zeros((self.ny, self.nx), dtype=np.int32)
        xs = np.arange(self.nx) * GRID
        ys = np.arange(self.ny) * GRID
        self.xs, self.ys = xs, ys

    def _claim(self, target, net, mask, y0, x0):
        window = target[y0:y0 + mask.shape[0], x0:x0 + mask.shape[1]]
        free = window == 0
        window[mask & free] = net
        window[mask & ~free & (window != net)] = CONFLICT

    def _window(self, x0, y0, x1, y1, reach):
        i0 = max(0, int(math.floor((x0 - reach) / GRID)))
        i1 = min(self.nx, int(math.ceil((x1 + reach) / GRID)) + 1)
        j0 = max(0, int(math.floor((y0 - reach) / GRID)))
        j1 = min(self.ny, int(math.ceil((y1 + reach) / GRID)) + 1)
        return i0, i1, j0, j1

    def rectangle(self, net, layers, x0, y0, x1, y1, track_reach, via_reach):
        """Copper filling a rectangle: cells closer than the reaches to it are claimed."""
        for reach, targets in ((track_reach, [self.track[self.layers.index(l)] for l in layers]), (via_reach, [self.via])):
            i0, i1, j0, j1 = self._window(x0, y0, x1, y1, reach)
            if i0 >= i1 or j0 >= j1:
                continue
            gx = self.xs[i0:i1][None, :]
            gy = self.ys[j0:j1][:, None]
            dx = np.maximum(np.maximum(x0 - gx, 0), gx - x1)
            dy = np.maximum(np.maximum(y0 - gy, 0), gy - y1)
            mask = dx * dx + dy * dy < reach * reach
            for target in targets:
                self._claim(target, net, mask, j0, i0)

    def segment(self, net, layer, ax, ay, bx, by, track_reach, via_reach):
        """A track's centre line: cells within the reaches of the segment are claimed."""
        for reach, targets in ((track_reach, [self.track[self.layers.index(layer)]]), (via_reach, [self.via])):
            i0, i1, j0, j1 = self._window(min(ax, bx), min(ay, by), max(ax, bx), max(ay, by), reach)
            gx = self.xs[i0:i1][None, :]
            gy = self.ys[j0:j1][:, None]
            vx, vy = bx - ax, by - ay
            length2 = vx * vx + vy * vy
            t = np.clip(((gx - ax) * vx + (gy - ay) * vy) / length2, 0, 1) if length2 > 0 else np.zeros_like(gx + gy)
            dx = gx - (ax + t * vx)
            dy = gy - (ay + t * vy)
            mask = dx * dx + dy * dy < reach * reach
            for target in targets:
                self._claim(target, net, mask, j0, i0)


def astar(nx, starts, goals, anchors, maps, via_ok, limit):
    """
    A* over two layers of nx-wide cell maps (bytes: passable or not) from the start states (layer, ix, iy) to any goal
    state, changing layer where via_ok allows: (path or None, steps taken). At most limit steps.
    """
    if not starts:
        return None, 0
    initial = limit

    def h(ix, iy):
        return min(octile(ix - ax, iy - ay) for ax, ay in anchors) * 1.3

    steps = [(1, 0, 1.0), (-1, 0, 1.0), (0, 1, 1.0), (0, -1, 1.0), (1, 1, 1.4142), (1, -1, 1.4142), (-1, 1, 1.4142), (-1, -1, 1.4142)]
    best = {}
    came = {}
    queue = []
    for s in starts:
        best[s] = 0.0
        came[s] = None
        heapq.heappush(queue, (h(s[1], s[2]), 0.0, s))
    while queue and limit:
        limit -= 1
        _, cost, state = heapq.heappop(queue)
        if cost > best.get(state, 1e18):
            continue
        if state in goals:
            path = []
            while state is not None:
                path.append(state)
                state = came[state]
            return path[::-1], initial - limit
        layer, ix, iy = state
        here = maps[layer]
        for dx, dy, step in steps:
            jx, jy = ix + dx, iy + dy
            if here[jy * nx + jx] or (layer, jx, jy) in goals:
                if dx and dy and not (here[iy * nx + jx] and here[jy * nx + ix]):
                    continue
                _relax(queue, best, came, state, (layer, jx, jy), cost + step, h)
        if via_ok[iy * nx + ix]:
            other = 1 - layer
            if maps[other][iy * nx + ix]:
                _relax(queue, best, came, state, (other, ix, iy), cost + VIA_COST, h)
    return None, initial - limit


def _relax(queue, best, came, state, nxt, cost, h):
    if cost < best.get(nxt, 1e18):
        best[nxt] = cost
        came[nxt] = state
        heapq.heappush(queue, (cost + h(nxt[1], nxt[2]), cost, nxt))


def octile(dx, dy):
    dx, dy = abs(dx), abs(dy)
    return max(dx, dy) + 0.4142 * min(dx, dy)


def erode(ok):
    """Cells whose four neighbours are all passable too (one cell of extra width)."""
    out = ok.copy()
    out[1:, :] &= ok[:-1, :]
    out[:-1, :] &= ok[1:, :]
    out[:, 1:] &= ok[:, :-1]
    out[:, :-1] &= ok[:, 1:]
    return out


def straight_pieces(points):
    """Collinear runs of grid points merged into segments."""
    if len(points) == 1:
        return [(points[0], points[0])]
    pieces = []
    start = points[0]
    direction = None
    for a, b in zip(points, points[1:]):
        d = (b[0] - a[0], b[1] - a[1])
        if direction is not None and d != direction:
            pieces.append((start, a))
            start = a
        direction = d
    pieces.append((start, points[-1]))
    return pieces
