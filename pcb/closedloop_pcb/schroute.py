"""
Where the schematic's symbols go and how the wires between them run, so that a person can follow a circuit: each
block is a row of its symbols, and every net that stays inside its block is drawn as wires (the other nets keep the
global label with their name at each pin). A wired net gets a lane below its row; each of its pins leaves its symbol
outward to a place of its own beside the symbol and drops to the lane.

The wires must join only what the net joins. KiCad joins wires, pins and labels only where their ends meet, so
each lane is drawn in pieces from drop to drop, and the routes are laid out for no end to land on another net's wire
(a touch a person and KiCad may read differently): a side's pins leave to columns further out
the higher up they are (a drop never passes another pin's stub end), a top pin climbs to a height of its own and
turns outside every side column, a bottom pin drops straight down, and every net has its own lane. Every T on a lane
gets a junction dot. No KiCad here: the symbols come as boxes and pins, in the sheet's orientation (y down).
"""
from collections import namedtuple

GRID = 2.54
PITCH = GRID  # between neighbouring columns, heights and lanes
CLEAR = 2 * GRID  # from a symbol's box to its first column
SYMBOL_GAP = 3 * GRID
LABEL_CHAR = 1.0  # a global label's length per character of its net's name, and its flag
LABEL_FLAG = 4.0

# side: where the pin's end is on its symbol (left, right, top, bottom); dx, dy from the symbol's origin (y down).
Pin = namedtuple("Pin", "number dx dy side net wired")
Symbol = namedtuple("Symbol", "key box pins")  # box: x0, y0, x1, y1 from the origin, y down


def snap(value):
    return round(value / GRID) * GRID


def side_of(angle):
    """A pin's side from its angle in the library (the direction from its end towards the body, y up)."""
    return {0: "left", 180: "right", 90: "bottom", 270: "top"}[int(angle) % 360]


def label_room(pins, side):
    """How far a side's global labels reach out from the symbol."""
    names = [p.net for p in pins if p.side == side and p.net and not p.wired]
    return max((len(n) * LABEL_CHAR + LABEL_FLAG for n in names), default=0.0)


def stacked_once(pins):
    """The wired pins, a stack of pins at one place (a connector's four VBUS pins) as one: one wire serves them all."""
    seen, once = set(), []
    for pin in pins:
        if pin.wired and (pin.dx, pin.dy) not in seen:
            seen.add((pin.dx, pin.dy))
            once.append(pin)
    return once


class Row:
    """One block's symbols in a row, with the routes of its wired nets."""

    def __init__(self, symbols, top):
        self.symbols, self.top = symbols, top
        self.origins, self.wires, self.junctions, self.names = {}, [], [], []

    def place(self, left):
        """Origins left to right from x = left, each symbol's top at the row's top; returns the row's right end."""
        x = left
        self.exits = {}
        for symbol in self.symbols:
            x0, y0, x1, y1 = symbol.box
            wired = stacked_once(symbol.pins)
            n_left = sum(1 for p in wired if p.side == "left")
            n_right = sum(1 for p in wired if p.side == "right")
            n_top = sum(1 for p in wired if p.side == "top")
            reach_left = CLEAR + label_room(symbol.pins, "left") + n_left * PITCH
            origin_x = snap(x + reach_left - x0)
            origin_y = snap(self.top - y0)
            self.origins[symbol.key] = (origin_x, origin_y)
            right = origin_x + x1 + CLEAR + label_room(symbol.pins, "right")
            self.exits[symbol.key] = (origin_x + x0 - CLEAR - label_room(symbol.pins, "left"), snap(right), n_right)
            x = right + (n_right + n_top) * PITCH + SYMBOL_GAP
        self.bottom = max(self.origins[s.key][1] + s.box[3] for s in self.symbols)
        return x

    def route(self):
        """The wires of every wired net: each pin to its drop, each drop to the net's lane."""
        drops = {}  # net -> [(x, y where the drop starts)]
        for symbol in self.symbols:
            ox, oy = self.origins[symbol.key]
            x0, y0, x1, y1 = symbol.box
            left_edge, right_edge, n_right = self.exits[symbol.key]
            wired = stacked_once(symbol.pins)
            # Lower pins leave to the nearer columns, so a drop from a higher pin passes outside their stub ends.
            for side, sign, edge in (("left", -1, snap(left_edge)), ("right", 1, right_edge)):
                pins = sorted((p for p in wired if p.side == side), key=lambda p: -p.dy)
                for i, pin in enumerate(pins):
                    end = (ox + pin.dx, oy + pin.dy)
                    column = edge + sign * i * PITCH
                    self.wires.append((end[0], end[1], column, end[1]))
                    drops.setdefault(pin.net, []).append((column, end[1]))
            tops = sorted((p for p in wired if p.side == "top"), key=lambda p: p.dx)
            for i, pin in enumerate(tops):
                end = (ox + pin.dx, oy + pin.dy)
                height = snap(oy + y0) - CLEAR - i * PITCH
                column = right_edge + (n_right + i) * PITCH
                self.wires.append((end[0], end[1], end[0], height))
                self.wires.append((end[0], height, column, height))
                drops.setdefault(pin.net, []).append((column, height))
            for pin in (p for p in wired if p.side == "bottom"):
                drops.setdefault(pin.net, []).append((ox + pin.dx, oy + pin.dy))
        lane = snap(self.bottom) + CLEAR
        for net in sorted(drops, key=lambda n: min(x for x, _ in drops[n])):
            points = sorted(drops[net])
            for x, y in points:
                self.wires.append((x, y, x, lane))
            # The lane in pieces from drop to drop, so that every T is three wire ends at one point: a first layout
            # with one wire per lane and junction dots on it left 35 pins apart in KiCad 9's netlist.
            for (xa, _), (xb, _) in zip(points, points[1:]):
                self.wires.append((xa, lane, xb, lane))
            self.junctions += [(x, lane) for x, _ in points[1:-1]]
            self.names.append((net, points[0][0], lane))
            lane += PITCH
        self.height = lane - self.top
        return self


def layout(blocks, margin):
    """
    blocks: [(name, [Symbol])] in drawing order. Returns the symbols' origins by key, the wires (x0, y0, x1, y1),
    the junctions, each wired net's name label (net, x, y) at its lane's left end, and the sheet's width and height.
    """
    origins, wires, junctions, names = {}, [], [], []
    top, width = margin + 10, 0.0
    for _, symbols in blocks:
        row = Row(symbols, snap(top))
        right = row.place(margin)
        row.route()
        origins.update(row.origins)
        wires += row.wires
        junctions += row.junctions
        names += row.names
        width = max(width, right)
        top = row.top + row.height + 4 * GRID
    return origins, [w for w in wires if (w[0], w[1]) != (w[2], w[3])], junctions, names, snap(width + margin), snap(top + margin)
