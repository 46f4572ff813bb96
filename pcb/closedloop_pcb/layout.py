"""
The board's placement: connectors at fixed places on the edges, the ESP32's antenna over the top edge with copper
kept out beneath it; a part the circuit puts beside a pin (Part.near: decoupling at its chip's supply pin,
protection at its connector, a series resistor at its source) as near to that pin as the parts already there leave
room for, as soon as that pin's part is placed; every other part packed into its block's region. Units are mm, x to
the right and y down from the board's top-left corner. KiCad's pcbnew (Debian's kicad package) is needed only here.
"""
import math
import os

import pcbnew

from .netlist import SYSTEM_FOOTPRINTS

WIDTH, HEIGHT = 150.0, 110.0
GAP = 1.2  # between courtyards when packing: room for the router
# A block whose region has room is packed with more: rows 1.2 mm apart walled in a resistor's pad that a whole
# empty half of its region could have left free.
ROOMY_GAP = 2.4
# Between a part put beside a pin and its neighbours' courtyards: one track and its clearances pass (0.2 + 2 x 0.15).
NEAR_GAP = 0.5
# How far from its pin a part may be put, and the step of the search.
NEAR_REACH, NEAR_STEP = 12.0, 0.25
# Kept free of parts: each BNC's label strip on its board side (silkscreen.py writes the name there, the longest
# 22 mm), the terminal blocks' pin labels to their left (a 1 mm "SENSE" left of the block's own outline) and their
# names above them.
BNC_LABEL_STRIP, BNC_LABEL_LENGTH = 2.6, 26.0
TERMINAL_LABEL_STRIP, TERMINAL_NAME_STRIP = 6.0, 2.6
# Kept free in front of every pad of a part with more than four: a part put beside one pin must not wall in the
# pins next to it (a TSSOP's pins, 0.65 mm apart, leave no way between them for a track that finds its way blocked).
# The USB-C's pins, 0.5 mm apart and doubled (A6 and B6 are one net with A7 between them), need room for vias.
ESCAPE, USB_ESCAPE = 1.0, 2.0

# The BNC footprint's housing front lies 12.7 mm before its origin: it sits 0.5 mm inside the board edge, which
# keeps the housing's silkscreen off the edge.
BNC_FRONT = 13.2

# Anchors: the part of a block that sits on an edge, by block: (x, y, rotation in degrees).
ANCHORS = {
    "in1": (16, BNC_FRONT, 0), "in2": (36, BNC_FRONT, 0),
    "opto": (16, HEIGHT - BNC_FRONT, 180), "dose": (36, HEIGHT - BNC_FRONT, 180), "sync": (56, HEIGHT - BNC_FRONT, 180),
    "encounter": (76, HEIGHT - BNC_FRONT, 180), "spare": (96, HEIGHT - BNC_FRONT, 180),
    "esp32": (120, 16.24, 0),  # antenna end 0.5 mm inside the top edge
    "power": (4.2, 62.05, 270),  # USB-C pads (0.5 mm pitch, at ±0.25 mm) on the router's 0.1 mm grid
    "led1": (WIDTH - 4.0, 38, 90), "led2": (WIDTH - 4.0, 50, 90),
}

# Regions the rest of each block is packed into: (x0, y0, x1, y1).
# The BNC blocks leave a strip free beside their connectors for the silkscreen label (silkscreen.py).
REGIONS = {
    "in1": (7, 18.8, 26, 30), "in2": (27, 18.8, 46, 30),
    "adc": (7, 31, 66, 48),
    "esp32": (84, 8, 109, 34),
    "power": (12, 50, 44, 72),
    "uart": (46, 50, 74, 72),
    "leds": (104, 38, 118, 60),
    "led1": (119, 28, 139, 44), "led2": (119, 45, 139, 61),
    "arm": (104, 62, 133, 92),
    "opto": (6, 73, 27, 93), "dose": (28, 73, 47, 93), "sync": (48, 73, 66, 93),
    "encounter": (67, 73, 86, 93), "spare": (87, 73, 103, 93),
    "misc": (76, 50, 102, 72),
}

# M3 holes on a 142 x 94 mm rectangle, for standoffs and an enclosure's bosses: 4 mm in from the sides and the
# bottom, 12 mm from the top, below the copper keepout that runs from the ESP32's antenna to the right edge.
HOLES = [(4, 12), (WIDTH - 4, 12), (4, HEIGHT - 4), (WIDTH - 4, HEIGHT - 4)]


def footprint(part):
    lib, name = part.footprint.split(":", 1)
    fp = pcbnew.FootprintLoad(os.path.join(SYSTEM_FOOTPRINTS, lib + ".pretty"), name)
    if fp is None:
        raise FileNotFoundError(part.footprint)
    fp.SetFPID(pcbnew.LIB_ID(lib, name))
    fp.SetReference(part.ref)
    fp.SetValue(part.value)
    if any(pad.GetAttribute() == pcbnew.PAD_ATTRIB_PTH and pad.GetProperty() != pcbnew.PAD_PROP_HEATSINK for pad in fp.Pads()):
        # A part with plated holes is through-hole for assembly (the USB-C's shield pins), as KiCad 7+ checks.
        fp.SetAttributes((fp.GetAttributes() & ~pcbnew.FP_SMD) | pcbnew.FP_THROUGH_HOLE)
    # References go on the assembly drawing (F.Fab): on a board this dense silkscreen text would overlap pads.
    fp.Reference().SetLayer(pcbnew.F_Fab)
    return fp


def courtyard(fp):
    """The box of the footprint's courtyard lines (of its pads if it has none), in mm: x0, y0, x1, y1."""
    boxes = [item.GetBoundingBox() for item in fp.GraphicalItems() if item.GetLayer() in (pcbnew.F_CrtYd, pcbnew.B_CrtYd)]
    if not boxes:
        boxes = [pad.GetBoundingBox() for pad in fp.Pads()]
    return (min(pcbnew.ToMM(b.GetX()) for b in boxes), min(pcbnew.ToMM(b.GetY()) for b in boxes),
            max(pcbnew.ToMM(b.GetRight()) for b in boxes), max(pcbnew.ToMM(b.GetBottom()) for b in boxes))


def move(fp, x, y, angle=0):
    fp.SetOrientationDegrees(angle)
    fp.SetPosition(pcbnew.wxPoint(pcbnew.FromMM(x), pcbnew.FromMM(y)))


def is_anchor(part):
    kind = part.footprint.split(":", 1)[0]
    return part.block in ANCHORS and kind in ("Connector_Coaxial", "RF_Module", "Connector_USB", "TerminalBlock_Phoenix") \
        and not (part.block == "power" and kind != "Connector_USB")


class Placement:
    """The parts placed so far, as courtyard boxes (and the strips kept free), for the next part to clear."""

    def __init__(self, board, pcb):
        self.board, self.pcb = board, pcb
        self.nets_by_pin = board.nets_by_pin
        self.footprints = {}
        self.taken = []
        self.beside = {}  # ref -> the parts the circuit puts beside one of its pins
        for part in board.parts.values():
            if part.near is not None:
                self.beside.setdefault(part.near[0].ref, []).append(part)

    def fixed(self, part, fp, x, y, angle=0):
        """A part at its fixed place, which nothing may take; place() settles the parts beside its pins once every
        fixed part is in, so that none of them lands where a later connector goes."""
        move(fp, x, y, angle)
        box = courtyard(fp)
        self.taken.append(body(fp) if part.footprint.startswith("RF_Module") else box)
        if part.footprint.startswith("Connector_Coaxial"):
            # The label strip on the board side of the BNC.
            strip = (box[1] - BNC_LABEL_STRIP, box[1]) if box[1] > HEIGHT / 2 else (box[3], box[3] + BNC_LABEL_STRIP)
            centre = (box[0] + box[2]) / 2
            self.taken.append((centre - BNC_LABEL_LENGTH / 2, strip[0], centre + BNC_LABEL_LENGTH / 2, strip[1]))
        elif part.footprint.startswith("TerminalBlock"):
            # Its pins' labels to the left, its name above.
            self.taken.append((box[0] - TERMINAL_LABEL_STRIP, box[1], box[0], box[3]))
            self.taken.append((box[0] - TERMINAL_LABEL_STRIP, box[1] - TERMINAL_NAME_STRIP, box[2], box[1]))
        self.keep_escapes(fp)

    def keep_escapes(self, fp):
        pads = list(fp.Pads())
        if len(pads) > 4:
            e = USB_ESCAPE if fp.GetFPID().GetLibNickname() == "Connector_USB" else ESCAPE
            for pad in pads:
                b = pad.GetBoundingBox()
                self.taken.append((pcbnew.ToMM(b.GetX()) - e, pcbnew.ToMM(b.GetY()) - e, pcbnew.ToMM(b.GetRight()) + e, pcbnew.ToMM(b.GetBottom()) + e))

    def settle(self, part, fp, taken=False):
        """The part is where it stays: later parts clear it, and the parts that belong beside its pins go there."""
        if not taken:
            self.taken.append(body(fp) if part.footprint.startswith("RF_Module") else courtyard(fp))
            self.keep_escapes(fp)
        for satellite in self.beside.get(part.ref, []):
            self.put_near(satellite, self.footprints[satellite.ref], part, satellite.near[1])

    def blocker(self, box, gap, taken=None):
        """The first placed box closer than gap to box, or None."""
        x0, y0, x1, y1 = box
        return next((t for t in (self.taken if taken is None else taken)
                     if x0 < t[2] + gap and t[0] < x1 + gap and y0 < t[3] + gap and t[1] < y1 + gap), None)

    def clear(self, box, gap):
        x0, y0, x1, y1 = box
        if x0 < 0.5 or y0 < 0.5 or x1 > WIDTH - 0.5 or y1 > HEIGHT - 0.5:
            return False
        return self.blocker(box, gap) is None

    def put_near(self, part, fp, target, pin):
        """Puts the part, in whichever of four turns, with its pad on the pin's net (its centre, if it has none such
        pad) as near to the pin as a clear place allows."""
        target_pad = next(p for p in self.footprints[target.ref].Pads() if p.GetNumber() == pin.number)
        tx, ty = pcbnew.ToMM(target_pad.GetPosition().x), pcbnew.ToMM(target_pad.GetPosition().y)
        net = self.board.net_of(target, pin)
        turns = []
        for angle in (0, 90, 180, 270):
            move(fp, 0, 0, angle)
            pads = [p for p in fp.Pads() if self.nets_by_pin.get((part.ref, p.GetNumber())) == net]
            px, py = (pcbnew.ToMM(pads[0].GetPosition().x), pcbnew.ToMM(pads[0].GetPosition().y)) if pads else (0.0, 0.0)
            turns.append((angle, px, py, courtyard(fp)))
        steps = int(NEAR_REACH / NEAR_STEP)
        offsets = sorted(((i * NEAR_STEP, j * NEAR_STEP) for i in range(-steps, steps + 1) for j in range(-steps, steps + 1)),
                         key=lambda d: d[0] * d[0] + d[1] * d[1])
        for dx, dy in offsets:
            for angle, px, py, (cx0, cy0, cx1, cy1) in turns:
                x, y = tx + dx - px, ty + dy - py
                if self.clear((x + cx0, y + cy0, x + cx1, y + cy1), NEAR_GAP) and not in_antenna_keepout(x + cx0, y + cy0, x + cx1):
                    move(fp, x, y, angle)
                    self.settle(part, fp)
                    return
        raise ValueError(f"{part.ref}: no clear place within {NEAR_REACH} mm of {target.ref}.{pin.number} ({pin.name})")

    def pack(self, parts, region, block):
        """Rows left to right, top to bottom, in the order the circuit made the parts, round what is already there;
        with room between them where the region has it."""
        kept = len(self.taken)
        try:
            self.pack_with(parts, region, block, ROOMY_GAP)
        except ValueError:
            del self.taken[kept:]
            self.pack_with(parts, region, block, GAP)

    def pack_with(self, parts, region, block, gap):
        x0, y0, x1, y1 = region
        for part in parts:
            fp = self.footprints[part.ref]
            move(fp, 0, 0)
            cx0, cy0, cx1, cy1 = courtyard(fp)
            w, h = cx1 - cx0, cy1 - cy0
            near_region = [t for t in self.taken if t[0] < x1 + gap and x0 < t[2] + gap and t[1] < y1 + gap and y0 < t[3] + gap]
            spot = None
            y = y0
            while spot is None and y + h <= y1:
                x = x0
                while x + w <= x1:
                    t = self.blocker((x, y, x + w, y + h), gap, near_region)
                    if t is None:
                        spot = (x, y)
                        break
                    x = max(x + NEAR_STEP, x0 + math.ceil((t[2] + gap - x0) / NEAR_STEP) * NEAR_STEP)
                y += NEAR_STEP
            if spot is None:
                raise ValueError(f"block {block}: region {region} too small at {part.ref}")
            move(fp, spot[0] - cx0, spot[1] - cy0)
            self.settle(part, fp)


def body(fp):
    """A module's body below its antenna: the box of its pads (KiCad's courtyard for the ESP32 module also spans the
    48 mm wide keep-out around the antenna, which in_antenna_keepout holds free on its own)."""
    boxes = [pad.GetBoundingBox() for pad in fp.Pads()]
    return (min(pcbnew.ToMM(b.GetX()) for b in boxes), 0.0,
            max(pcbnew.ToMM(b.GetRight()) for b in boxes), max(pcbnew.ToMM(b.GetBottom()) for b in boxes))


def in_antenna_keepout(x0, y0, x1):
    ax, ay, _ = ANCHORS["esp32"]
    return y0 < ay - 9.8 and x1 > ax - 24 and x0 < ax + 24


def place(board, pcb):
    """Adds every part of the netlist to the pcbnew board at its place; returns ref -> footprint."""
    placement = Placement(board, pcb)
    parts = [p for p in board.parts.values() if p.footprint]
    for part in parts:
        fp = footprint(part)
        pcb.Add(fp)
        placement.footprints[part.ref] = fp
    blocks = {}
    fixed = []
    holes = iter(HOLES)
    for part in parts:
        fp = placement.footprints[part.ref]
        if part.symbol == "Mechanical:MountingHole":
            placement.fixed(part, fp, *next(holes))
        elif is_anchor(part):
            placement.fixed(part, fp, *ANCHORS[part.block])
        elif part.block == "arm" and part.symbol.startswith("Connector_Generic"):
            # E-STOP, then the key's chain pole, then its sensed pole on the right edge, wire entries outward; the
            # gap above each block leaves its name clearly nearer to it than to the block above.
            y = {"E-STOP": 66, "ARM CHAIN": 80, "ARM SENSE": 90}[part.value]
            placement.fixed(part, fp, WIDTH - 4.0, y, 90)
        elif part.near is None:
            blocks.setdefault(part.block, []).append(part)
            continue
        else:
            continue
        fixed.append(part)
    for part in fixed:
        placement.settle(part, placement.footprints[part.ref], taken=True)
    for block, members in blocks.items():
        placement.pack(members, REGIONS[block], block)
    return placement.footprints
