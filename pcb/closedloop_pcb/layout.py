"""
The board's placement: connectors at fixed places on the edges, every other part packed into its block's region
beside them, the ESP32's antenna over the top edge with copper kept out beneath it. Units are mm, x to the right
and y down from the board's top-left corner. KiCad's pcbnew (Debian's kicad package) is needed only here.
"""
import os
import pcbnew

from .netlist import SYSTEM_FOOTPRINTS

WIDTH, HEIGHT = 150.0, 110.0
GAP = 1.2  # between courtyards when packing: room for the router

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


def place(board, pcb):
    """Adds every part of the netlist to the pcbnew board at its place; returns ref -> footprint."""
    placed = {}
    blocks = {}
    for part in board.parts.values():
        if not part.footprint:
            continue
        fp = footprint(part)
        pcb.Add(fp)
        placed[part.ref] = fp
        if part.symbol == "Mechanical:MountingHole":
            x, y = HOLES[sum(1 for p in placed if p.startswith("H")) - 1]
            move(fp, x, y)
        elif is_anchor(part):
            move(fp, *ANCHORS[part.block])
        elif part.block == "arm" and part.symbol.startswith("Connector_Generic"):
            # E-STOP, then the key's chain pole, then its sensed pole on the right edge, wire entries outward; the
            # gap above each block leaves its name clearly nearer to it than to the block above.
            y = {"E-STOP": 66, "ARM CHAIN": 80, "ARM SENSE": 90}[part.value]
            move(fp, WIDTH - 4.0, y, 90)
        else:
            blocks.setdefault(part.block, []).append(fp)
    for block, fps in blocks.items():
        pack(fps, REGIONS[block], block)
    return placed


def pack(fps, region, block):
    """Rows left to right, top to bottom, in the order the circuit made the parts."""
    x0, y0, x1, y1 = region
    x, y, row = x0, y0, 0.0
    for fp in fps:
        move(fp, 0, 0)
        cx0, cy0, cx1, cy1 = courtyard(fp)
        w, h = cx1 - cx0, cy1 - cy0
        if x + w > x1:
            x, y, row = x0, y + row + GAP, 0.0
        if y + h > y1:
            raise ValueError(f"block {block}: region {region} too small at {fp.GetReference()}")
        move(fp, x - cx0, y - cy0)
        x += w + GAP
        row = max(row, h)
