"""
The rig board's enclosure, from the placed board: a tray the board screws into and a lid, as an OpenSCAD model
(Debian's openscad renders each part to an STL for a 3D printer). Every opening is where the board puts its
connector: a slot in the front and back walls for each BNC's threaded bush (its nut clamps the wall), a window in
the left wall for the USB-C plug, two M8 panel sockets for the LEDs and a cable gland for the arm key and e-stop
in the right wall, and a window in the lid above each status LED. No KiCad here: fab.py measures the placed board
and hands the positions over (connectors()), so the model follows the board when the layout moves.

Units are mm. The board's own coordinates (x right, y down from its top-left corner) become the model's x and
HEIGHT - y, so the model is the board seen from above, not its mirror image; z is up from the tray's outer floor.
"""
import os
import shutil
import subprocess

# The board's stack in the tray.
FLOOR = 2.5
WALL = 3.0
# From the board's edge to the walls' inner faces: room to drop the board in past the BNC bushes.
EDGE_CLEARANCE = 0.5
# Under the board: the through-hole pins stand out up to 4.1 mm below it (the BNC's, in KiCad's model of it).
STANDOFF = 6.0
BOARD_THICKNESS = 1.6
STANDOFF_RADIUS = 3.5
# Heat-set inserts for M3 (4.0 mm hole, 5.7 mm long), as pyPhotometry's printed case uses: the board's screws go
# into the standoffs, the lid's into the corner posts.
INSERT_HOLE, INSERT_DEPTH = 4.0, 6.0
LID_SCREW_HOLE = 3.4

# The Amphenol B6252HB-NPP3G-50 as KiCad 9's 3D model of its footprint draws it
# (Connector_Coaxial.3dshapes/BNC_Amphenol_B6252HB-NPP3G-50_Horizontal.step): the jack's axis 7.1 mm above the
# board, a 12.7 mm threaded bush from the housing's front (12.7 mm in front of the centre pin) for 8.7 mm, then the
# 9.65 mm bayonet; the housing's top 13.1 mm above the board.
BNC_AXIS_HEIGHT = 7.1
BNC_BUSH_DIAMETER = 12.7
BNC_HOUSING_TOP = 13.1
BNC_SLOT = BNC_BUSH_DIAMETER + 0.5
# A pad on the wall's inner face round each bush takes up the gap between the wall and the housing (whose front the
# layout puts 0.5 mm inside the board's edge) to 0.1 mm, so that the nut clamps the housing to the wall rather than
# bending the board.
BNC_HOUSING_INSIDE_EDGE = 0.5
BNC_PAD_RADIUS = 8.0
BNC_PAD_DEPTH = EDGE_CLEARANCE + BNC_HOUSING_INSIDE_EDGE - 0.1
# The USB-C receptacle's shell is 8.94 x 3.26 mm, on the board: its middle 1.63 mm above it. The window passes an
# overmoulded plug (the USB Type-C specification's largest recommended overmould is 12.35 x 6.5 mm).
USB_CENTRE_HEIGHT = 1.63
USB_WINDOW = (13.0, 7.5)
# Front-mounted M8 4-pin sockets (M8 x 0.5 mounting thread), the connector Thorlabs' and Doric's connectorized LEDs
# plug into, and an M16 x 1.5 cable gland for the arm key's and e-stop's cable. Their bodies reach into the tray
# above the terminal blocks they are wired to (8.5 mm tall in KiCad's model of the Phoenix MPT 0,5).
M8_HOLE = 8.2
GLAND_HOLE = 16.2
PANEL_PART_HEIGHT = 14.0
STATUS_WINDOW = 3.0
# The tray's rim above the board: the gland's hole and 2.9 mm of wall above it (the BNC housings stand 13.1 mm).
RIM_ABOVE_BOARD = 25.0
LID = 2.5
# The lid's screws go into posts in the tray's corners that start above the board (its corners and the screw heads
# on them stay free) and widen up to the rim at 45 degrees, so they print without support.
POST = 7.0
POST_CLEAR_ABOVE_BOARD = 4.0

BOARD_TOP = FLOOR + STANDOFF + BOARD_THICKNESS


def tray_height():
    return BOARD_TOP + RIM_ABOVE_BOARD


def connectors(width, height, holes, bncs, usb, leds, arm_terminals, status_leds):
    """
    What the model needs of the placed board, in the board's coordinates: its size and mounting holes; each BNC as
    (name, x, y) of its centre pin; the USB-C's centre (x, y); the LED terminal blocks' and the arm terminals'
    centres (name, x, y); the status LEDs' centres (name, x, y).
    """
    return {"width": width, "height": height, "holes": [list(h) for h in holes], "bncs": [list(b) for b in bncs],
            "usb": list(usb), "leds": [list(t) for t in leds], "arm": [list(t) for t in arm_terminals],
            "status_leds": [list(s) for s in status_leds]}


def openings(board):
    """
    Every opening, in the model's coordinates: (wall, name, position along the wall, height of its centre, shape),
    wall being front (board y = height), back (y = 0), left or right. The tests measure the STL against the board
    file independently; this is what the model is built from.
    """
    w, h = board["width"], board["height"]
    out = []
    for name, x, y in board["bncs"]:
        wall = "back" if y < h / 2 else "front"
        out.append((wall, name, x, BOARD_TOP + BNC_AXIS_HEIGHT, ("slot", BNC_SLOT)))
    out.append(("left", "USB", h - board["usb"][1], BOARD_TOP + USB_CENTRE_HEIGHT, ("window",) + USB_WINDOW))
    for name, _, y in board["leds"]:
        out.append(("right", name, h - y, BOARD_TOP + PANEL_PART_HEIGHT, ("hole", M8_HOLE)))
    arm_y = sum(y for _, _, y in board["arm"]) / len(board["arm"])
    out.append(("right", "ARM/E-STOP cable", h - arm_y, BOARD_TOP + PANEL_PART_HEIGHT, ("hole", GLAND_HOLE)))
    return out


def scad(board):
    """The OpenSCAD source of the tray and the lid (part = "tray", "lid" or "both", laid side by side to print)."""
    return "\n".join(header(board) + tray(board) + lid(board) + [
        'if (part == "tray" || part == "both") tray();',
        'if (part == "lid") lid();',
        'if (part == "both") translate([0, board[1] + 2 * wall + 10, 0]) lid();', ""])


def corners(board):
    """The inner corners of the walls, each with the directions into the tray (the lid's screw posts stand there)."""
    w, h = board["width"], board["height"]
    return [(-EDGE_CLEARANCE, -EDGE_CLEARANCE, 1, 1), (w + EDGE_CLEARANCE, -EDGE_CLEARANCE, -1, 1),
            (-EDGE_CLEARANCE, h + EDGE_CLEARANCE, 1, -1), (w + EDGE_CLEARANCE, h + EDGE_CLEARANCE, -1, -1)]


def header(board):
    w, h = board["width"], board["height"]
    return [
        "// ClosedLoop rig board enclosure, generated by pcb/build.py fab from the placed board; do not edit:",
        "// change pcb/closedloop_pcb/enclosure.py. Render: openscad -D 'part=\"tray\"' -o tray.stl THIS.scad",
        'part = "both";',
        "$fn = 48;",
        f"board = [{w}, {h}];",
        f"wall = {WALL}; floor_t = {FLOOR}; clear = {EDGE_CLEARANCE}; lid_t = {LID};",
        f"board_top = {BOARD_TOP}; board_t = {BOARD_THICKNESS}; tray_h = {tray_height():.2f};",
        "",
        "// The model's origin is the board's bottom-left corner (board coordinates: x, height - y).",
        "module box(lo, hi) { translate(lo) cube([hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]]); }",
        "",
        "module shell() {",
        "  difference() {",
        "    box([-clear - wall, -clear - wall, 0], [board[0] + clear + wall, board[1] + clear + wall, tray_h]);",
        "    box([-clear, -clear, floor_t], [board[0] + clear, board[1] + clear, tray_h + 1]);",
        "  }",
        "}",
        "",
        "// A post in each corner for the lid's screws: from above the board up to the rim, widening at 45 degrees.",
        "module post(cx, cy, sx, sy) {",
        f"  z0 = board_top + {POST_CLEAR_ABOVE_BOARD};",
        "  difference() {",
        "    hull() {",
        f"      translate([cx, cy, z0]) cube([0.01, 0.01, tray_h - z0]);",
        f"      translate([cx + min(0, sx * {POST}), cy + min(0, sy * {POST}), z0 + {POST}]) cube([{POST}, {POST}, tray_h - z0 - {POST}]);",
        "    }",
        f"    translate([cx + sx * {POST / 2 - 0.5}, cy + sy * {POST / 2 - 0.5}, tray_h - {INSERT_DEPTH}]) cylinder(d = {INSERT_HOLE}, h = {INSERT_DEPTH + 1});",
        "  }",
        "}",
        "",
    ]


def tray(board):
    """The tray: shell, standoffs, corner posts and BNC pads, less the inserts' holes and the openings."""
    w, h = board["width"], board["height"]
    lines = [
        "module tray() {",
        "  difference() {",
        "    union() {",
        "      shell();",
    ]
    for x, y in board["holes"]:
        lines.append(f"      translate([{x}, {h - y}, 0]) cylinder(r = {STANDOFF_RADIUS}, h = board_top - board_t);")
    for cx, cy, sx, sy in corners(board):
        lines.append(f"      post({cx}, {cy}, {sx}, {sy});")
    for wall, _, along, z, shape in openings(board):
        if shape[0] == "slot":
            # The pad on the inner face, from just above the board (it must not touch it) up to the rim.
            y_face = -EDGE_CLEARANCE if wall == "front" else h + EDGE_CLEARANCE
            depth = BNC_PAD_DEPTH
            y0 = y_face if wall == "front" else y_face - depth
            lines.append(f"      intersection() {{ translate([{along}, {y0}, {z}]) rotate([-90, 0, 0]) cylinder(r = {BNC_PAD_RADIUS}, h = {depth:.2f});"
                         f" box([{along - BNC_PAD_RADIUS}, {y0}, board_top + 0.3], [{along + BNC_PAD_RADIUS}, {y0 + depth:.2f}, tray_h]); }}")
    lines += ["    }"]
    for x, y in board["holes"]:
        lines.append(f"    translate([{x}, {h - y}, board_top - board_t - {INSERT_DEPTH}]) cylinder(d = {INSERT_HOLE}, h = {INSERT_DEPTH + 1});")
    for wall, name, along, z, shape in openings(board):
        lines.append(f"    // {name}")
        lines.append("    " + cut(wall, along, z, shape, w, h))
    return lines + ["  }", "}", ""]


def lid(board):
    """The lid: a plate with the screws' holes over the posts' inserts and a window over each status LED."""
    h = board["height"]
    lines = ["module lid() {", "  difference() {",
             "    box([-clear - wall, -clear - wall, 0], [board[0] + clear + wall, board[1] + clear + wall, lid_t]);"]
    for cx, cy, sx, sy in corners(board):
        lines.append(f"    translate([{cx + sx * (POST / 2 - 0.5)}, {cy + sy * (POST / 2 - 0.5)}, -1]) cylinder(d = {LID_SCREW_HOLE}, h = lid_t + 2);")
    for name, x, y in board["status_leds"]:
        lines.append(f"    translate([{x}, {h - y}, -1]) cylinder(d = {STATUS_WINDOW}, h = lid_t + 2); // {name}")
    return lines + ["  }", "}", ""]


def cut(wall, along, z, shape, w, h):
    """The OpenSCAD solid that an opening removes from its wall (through the wall and the pad in front of it)."""
    reach = WALL + EDGE_CLEARANCE + 2
    if wall in ("front", "back"):
        y0 = -EDGE_CLEARANCE - WALL - 1 if wall == "front" else h - 1
        place = f"translate([{along}, {y0}, {z}]) rotate([-90, 0, 0])"
    else:
        x0 = -EDGE_CLEARANCE - WALL - 1 if wall == "left" else w - 1
        place = f"translate([{x0}, {along}, {z}]) rotate([0, 90, 0])"
    if shape[0] == "slot":
        # Open to the rim, so the board drops in with its bushes through the wall.
        r = shape[1] / 2
        return f"hull() {{ {place} cylinder(r = {r}, h = {reach}); {place} translate([0, -50, 0]) cylinder(r = {r}, h = {reach}); }}"
    if shape[0] == "hole":
        return f"{place} cylinder(d = {shape[1]}, h = {reach});"
    width, height = shape[1], shape[2]
    # A window with rounded corners (1 mm) in the wall's plane; the rotation turns the square's x upright.
    return (f"{place} linear_extrude(height = {reach}) offset(r = 1) square([{height - 2}, {width - 2}], center = true);")


def write(board, folder, name):
    """Writes NAME-enclosure.scad and, where Debian's openscad is installed, the tray's and the lid's STL files;
    returns what it wrote and, for a missing openscad, why it wrote no STL."""
    os.makedirs(folder, exist_ok=True)
    source = os.path.join(folder, name + "-enclosure.scad")
    with open(source, "w", encoding="utf-8") as f:
        f.write(scad(board))
    result = {"scad": os.path.basename(source), "stl": [], "openings": [list(o[:4]) for o in openings(board)]}
    openscad = shutil.which("openscad")
    if openscad is None:
        result["why_no_stl"] = "openscad not found (Debian: apt-get install openscad)"
        return result
    for part in ("tray", "lid"):
        stl = os.path.join(folder, f"{name}-enclosure-{part}.stl")
        done = subprocess.run([openscad, "-o", stl, "-D", f'part="{part}"', source], capture_output=True, text=True, timeout=900)
        if done.returncode != 0 or not os.path.exists(stl):
            raise RuntimeError(f"openscad could not render the enclosure's {part}: {done.stderr[-2000:]}")
        result["stl"].append(os.path.basename(stl))
    return result
