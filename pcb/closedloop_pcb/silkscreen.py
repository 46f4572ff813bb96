"""
What is written on the board: its name and revision, each connector's name (the SYNC output says it is not
interlocked) and each terminal pin's signal. Labels go where nothing else is: each is tried at places near what it
names, nearest first, and kept at the first that clears every pad, part outline and courtyard (a label under a
part could not be read once it is fitted), the board edge and the labels already placed. A connector's or button's
name must also be clearly nearer to its own part than to any other named part: "EN" midway between the two buttons
would name either. Run before routing: the router keeps its vias off the labels. KiCad's pcbnew is needed here.
"""
import pcbnew

from .layout import WIDTH, HEIGHT, courtyard
from .wiring import PIN_LABELS

BOARD_TITLE = "ClosedLoop rig board rev A"

# Connector names as printed, by the part's value (the netlist's name for it).
CONNECTOR_LABELS = {
    "IN1": "IN1 photoreceiver", "IN2": "IN2 photoreceiver", "OPTO": "OPTO out", "DOSE": "DOSE out",
    "SYNC": "SYNC out - not interlocked", "ENCOUNTER": "ENCOUNTER in", "SPARE": "SPARE",
    "USB-C": "USB", "SELFTEST": "SELFTEST", "LED1": "LED1", "LED2": "LED2",
    "E-STOP": "E-STOP", "ARM CHAIN": "ARM CHAIN", "ARM SENSE": "ARM SENSE", "EN": "EN", "BOOT": "BOOT",
}

# A terminal pin's label: its net, shortened to what a person wiring it needs (the wiring drawing uses the same).
PIN_NAMES = PIN_LABELS

TEXT_MM = 1.0
TITLE_MM = 1.5
CLEARANCE_MM = 0.25
EDGE_MM = 1.0
# How much nearer a name must be to its own part's courtyard than to any other named part's, so that a reader (and a
# test measuring from slightly different points) cannot take it for the neighbour's.
NEARER_BY_MM = 1.0


def box_mm(rect, margin=0.0):
    return (pcbnew.ToMM(rect.GetX()) - margin, pcbnew.ToMM(rect.GetY()) - margin,
            pcbnew.ToMM(rect.GetRight()) + margin, pcbnew.ToMM(rect.GetBottom()) + margin)


def overlaps(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def distance_to_box(x, y, box):
    """From a point to the nearest point of a box (0 inside it), in mm."""
    dx = max(box[0] - x, 0.0, x - box[2])
    dy = max(box[1] - y, 0.0, y - box[3])
    return (dx * dx + dy * dy) ** 0.5


def names_its_own(x, y, own, others):
    """Whether a name at (x, y) reads as its own part's: clearly nearer to its courtyard than to any other's."""
    mine = distance_to_box(x, y, own)
    return all(mine + NEARER_BY_MM <= distance_to_box(x, y, other) for other in others)


class Labeller:
    def __init__(self, pcb):
        self.pcb = pcb
        self.obstacles = []
        for fp in pcb.GetFootprints():
            for pad in fp.Pads():
                self.obstacles.append(box_mm(pad.GetBoundingBox(), CLEARANCE_MM))
            for item in fp.GraphicalItems():
                if item.GetLayer() in (pcbnew.F_SilkS, pcbnew.F_CrtYd):
                    self.obstacles.append(box_mm(item.GetBoundingBox(), CLEARANCE_MM))
        self.placed = []

    def text(self, content, size_mm, x, y, angle=0):
        t = pcbnew.PCB_TEXT(self.pcb)
        t.SetText(content)
        t.SetLayer(pcbnew.F_SilkS)
        t.SetTextSize(pcbnew.wxSize(pcbnew.FromMM(size_mm), pcbnew.FromMM(size_mm)))
        t.SetTextThickness(pcbnew.FromMM(size_mm * 0.15))
        t.SetTextAngle(angle * 10)
        t.SetPosition(pcbnew.wxPoint(pcbnew.FromMM(x), pcbnew.FromMM(y)))
        return t

    def fits(self, t):
        b = box_mm(t.GetBoundingBox())
        if b[0] < EDGE_MM or b[1] < EDGE_MM or b[2] > WIDTH - EDGE_MM or b[3] > HEIGHT - EDGE_MM:
            return False
        return not any(overlaps(b, o) for o in self.obstacles) and not any(overlaps(b, p) for p in self.placed)

    def place(self, content, size_mm, candidates, angle=0, acceptable=None):
        """Adds the label at the first candidate (x, y) where it fits (and that `acceptable` accepts, if given);
        returns its position, or None."""
        for x, y in candidates:
            if acceptable is not None and not acceptable(x, y):
                continue
            t = self.text(content, size_mm, x, y, angle)
            if self.fits(t):
                self.pcb.Add(t)
                self.placed.append(box_mm(t.GetBoundingBox(), CLEARANCE_MM))
                return (x, y)
        return None


def beside(box, sides, reach=6.0, shift=6.0, step=0.25):
    """Points along the given sides of a box ("above", "below"), nearest and most centred first."""
    x0, y0, x1, y1 = box
    cx = (x0 + x1) / 2
    d = step
    while d <= reach:
        k = 0.0
        while k <= shift:
            for side in sides:
                y = y0 - d if side == "above" else y1 + d
                yield (cx - k, y)
                if k:
                    yield (cx + k, y)
            k += step
        d += step


def around(box, reach=10.0, step=0.5):
    """Points on rings around a box (x0, y0, x1, y1), nearest ring first."""
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    d = step
    while d <= reach:
        ring = [(cx, y1 + d), (cx, y0 - d), (x0 - d, cy), (x1 + d, cy)]
        k = step
        while k <= max(x1 - x0, y1 - y0) / 2 + reach:
            ring += [(cx - k, y1 + d), (cx + k, y1 + d), (cx - k, y0 - d), (cx + k, y0 - d),
                     (x0 - d, cy - k), (x0 - d, cy + k), (x1 + d, cy - k), (x1 + d, cy + k)]
            k += step
        for p in ring:
            yield p
        d += step


def write(board, pcb):
    """Writes every label; returns those that found no place (each is a failure the build reports) and the box of
    each label placed (mm, with the clearance), which vias must keep off."""
    labeller = Labeller(pcb)
    missing = []
    footprints = {fp.GetReference(): fp for fp in pcb.GetFootprints()}
    connectors = [p for p in board.parts.values()
                  if (p.ref.startswith("J") or p.ref.startswith("SW")) and p.value.replace("BNC ", "") in CONNECTOR_LABELS]
    for part in sorted(connectors, key=lambda p: p.ref):
        fp = footprints[part.ref]
        name = CONNECTOR_LABELS[part.value.replace("BNC ", "")]
        terminal = part.footprint.startswith("TerminalBlock")
        if terminal:
            # Each pin's signal beside it on the board side, the block's name above its first pin.
            pins = [pad for pad in fp.Pads() if pad.GetNumber()]  # not the block's unnumbered mechanical pads
            for pad in sorted(pins, key=lambda p: pcbnew.ToMM(p.GetPosition().y)):
                net = pad.GetNetname()
                x, y = pcbnew.ToMM(pad.GetPosition().x), pcbnew.ToMM(pad.GetPosition().y)
                spot = labeller.place(PIN_NAMES.get(net, net), TEXT_MM,
                                      [(x - 2.5 - k * 0.25, y + dy) for k in range(40) for dy in (0, -0.4, 0.4)])
                if spot is None:
                    missing.append(f"{part.ref}.{pad.GetNumber()}")
        box = courtyard(fp)
        if part.footprint.startswith("Connector_Coaxial"):
            # On the board side of the BNC, centred on it: the strip the layout leaves free between its pins and
            # the block's parts (a label under the overhanging housing could not be read once it is fitted).
            spots = beside(box, ["below" if box[1] < HEIGHT / 2 else "above"], reach=2.0, shift=4.0)
        elif terminal:
            spots = beside(box, ["above", "below"])
        else:
            spots = around(box)
        others = [courtyard(footprints[other.ref]) for other in connectors if other.ref != part.ref]
        spot = labeller.place(name, TEXT_MM, spots, acceptable=lambda x, y: names_its_own(x, y, box, others))
        if spot is None:
            missing.append(part.ref)
    title = labeller.place(BOARD_TITLE, TITLE_MM, [(x, y) for y in (HEIGHT - 4.0, 5.0, HEIGHT / 2) for x in [WIDTH / 2 + k for k in range(-50, 51, 2)]])
    if title is None:
        missing.append("title")
    return missing, list(labeller.placed)
