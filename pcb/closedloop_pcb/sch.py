"""
The schematic from the netlist: a KiCad 6 `.kicad_sch` whose symbols come from the same libraries as the netlist's,
each block a row of its symbols in the order the circuit builds them. A net that stays inside its block is drawn as
wires (schroute.py lays them out), named once by a label on its lane; a net that leaves its block carries a global
label with its name at each of its pins; every deliberately unconnected pin has a no-connect flag. And an SVG drawing
of the same sheet for reading and review.
"""
import html
import math
import os
import re
import shutil
import uuid

from . import library, schroute, sexpr

MARGIN = 25.4
NAMESPACE = uuid.UUID("6b1e0a52-4c0b-4a4e-9f1e-2c3f0c10c1a5")


def stable_uuid(*parts):
    """UUIDs derived from names, so that the same circuit gives the same file."""
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


# --- symbols as the schematic embeds them ---------------------------------------------------------------------------

def raw_symbol(lib_id):
    """The library text of a symbol, flattened if it extends another: the parent's drawing under the child's name and properties."""
    lib, name = lib_id.split(":", 1)
    path, text = library.library_text(lib)
    start = text.find(f'\n  (symbol "{name}" ') + 3
    own = text[start:library.balanced(text, start)]
    parent = re.search(r'\(extends "([^"]+)"\)', own)
    if not parent:
        body = own
    else:
        pstart = text.find(f'\n  (symbol "{parent.group(1)}" ') + 3
        body = text[pstart:library.balanced(text, pstart)]
        body = body.replace(f'(symbol "{parent.group(1)}_', f'(symbol "{name}_')
        body = body.replace(f'(symbol "{parent.group(1)}"', f'(symbol "{name}"', 1)
        child_props = properties(own)
        parent_props = properties(body)
        first, last = parent_props[0][0], parent_props[-1][1]
        body = body[:first] + "\n    ".join(p for _, _, p in child_props) + body[last:]
    # KiCad joins hidden power pins to a global net named after the pin ("VCC"): on a board whose logic runs from
    # two supplies that would short them. Every power pin is shown and labelled with its own net instead.
    body = re.sub(r"(\(pin power_in [^\n]*?) hide", r"\1", body)
    return body.replace(f'(symbol "{name}"', f'(symbol "{lib_id}"', 1)


def properties(text):
    """The top-level (property ...) expressions of a symbol's text: (start, end, text)."""
    found = []
    index = 0
    while True:
        at = text.find("\n    (property ", index)
        if at < 0:
            return found
        start = at + 5
        end = library.balanced(text, start)
        found.append((start, end, text[start:end]))
        index = end


def units(lib_id):
    """unit number -> graphics and pins of the symbol, body style 1 (unit 0 holds what all units share)."""
    node = library.symbol(lib_id)
    result = {}
    for sub in sexpr.children(node, "symbol"):
        match = re.match(r".*_(\d+)_(\d+)$", sub[1])
        unit, style = int(match.group(1)), int(match.group(2))
        if style in (0, 1):
            result.setdefault(unit, []).append(sub)
    return result


def unit_pins(lib_id):
    pins = {}
    for unit, subs in units(lib_id).items():
        for sub in subs:
            for p in sexpr.children(sub, "pin"):
                at = sexpr.child(p, "at")
                pins.setdefault(unit, []).append({
                    "number": sexpr.child(p, "number")[1], "name": sexpr.child(p, "name")[1], "kind": p[1],
                    "x": float(at[1]), "y": float(at[2]), "angle": float(at[3]) if len(at) > 3 else 0.0,
                    "length": float(sexpr.child(p, "length")[1]), "hidden": "hide" in p,
                })
    return pins


def extent(lib_id, unit):
    """The box of a unit's drawing and pins, in symbol coordinates (y up)."""
    xs, ys = [0.0], [0.0]
    for u, subs in units(lib_id).items():
        if u not in (0, unit):
            continue
        for sub in subs:
            for item in sub[2:]:
                if not isinstance(item, list):
                    continue
                for point in points(item):
                    xs.append(point[0])
                    ys.append(point[1])
    return min(xs), min(ys), max(xs), max(ys)


def points(item):
    kind = item[0]
    if kind == "rectangle":
        s, e = sexpr.child(item, "start"), sexpr.child(item, "end")
        return [(float(s[1]), float(s[2])), (float(e[1]), float(e[2]))]
    if kind == "polyline":
        return [(float(p[1]), float(p[2])) for p in sexpr.children(sexpr.child(item, "pts"), "xy")]
    if kind == "circle":
        c, r = sexpr.child(item, "center"), float(sexpr.child(item, "radius")[1])
        return [(float(c[1]) - r, float(c[2]) - r), (float(c[1]) + r, float(c[2]) + r)]
    if kind == "arc":
        return [(float(sexpr.child(item, k)[1]), float(sexpr.child(item, k)[2])) for k in ("start", "mid", "end")]
    if kind == "pin":
        at = sexpr.child(item, "at")
        return [(float(at[1]), float(at[2]))]
    return []


# --- the sheet ------------------------------------------------------------------------------------------------------

class Placed:
    def __init__(self, part, unit, x, y):
        self.part, self.unit, self.x, self.y = part, unit, x, y


def block_nets(board):
    """The nets whose every pin is in one block: those are drawn as wires."""
    blocks = {}
    for (ref, _), net in board.nets_by_pin.items():
        blocks.setdefault(net, set()).add(board.parts[ref].block)
    return {net for net, found in blocks.items() if len(found) == 1}


def arrange(board):
    """Every symbol unit at a place on the sheet (a row per block) and the wires of the nets inside a block."""
    wired = block_nets(board)
    rows, members = [], {}
    for part in board.parts.values():
        if not rows or rows[-1][0] != part.block:
            rows.append((part.block, []))
        for unit in sorted(u for u in units(part.symbol) if u > 0) or [1]:
            x0, y0, x1, y1 = extent(part.symbol, unit)
            pins = []
            for u, found in unit_pins(part.symbol).items():
                if u not in (0, unit):
                    continue
                for pin in found:
                    net = board.nets_by_pin.get((part.ref, pin["number"]))
                    pins.append(schroute.Pin(pin["number"], pin["x"], -pin["y"], schroute.side_of(pin["angle"]), net, net in wired))
            key = (part.ref, unit)
            members[key] = part
            rows[-1][1].append(schroute.Symbol(key, (x0, -y1, x1, -y0), pins))
    origins, wires, junctions, names, width, height = schroute.layout(rows, MARGIN)
    placed = [Placed(members[key], key[1], x, y) for key, (x, y) in origins.items()]
    return placed, wired, (wires, junctions, names), width, height


def pin_point(placed, pin):
    return placed.x + pin["x"], placed.y - pin["y"]


def write(board, path_sch, path_svg):
    placed, wired, (wires, junctions, names), width, height = arrange(board)
    lib_ids = sorted({p.part.symbol for p in placed})
    out = ['(kicad_sch (version 20211123) (generator closedloop_pcb)', "",
           f"  (uuid {stable_uuid('sheet')})", "", f'  (paper "User" {width:g} {height:g})', "",
           "  (title_block", '    (title "ClosedLoop rig board")', '    (rev "1")', '    (company "ClosedLoop")',
           '    (comment 1 "Generated by pcb/build.py from pcb/closedloop_pcb/board.py: edit that, not this file")', "  )", "",
           "  (lib_symbols"]
    for lib_id in lib_ids:
        out.append("    " + raw_symbol(lib_id).replace("\n", "\n  "))
    out.append("  )")
    out.append("")
    labels, flags, instances = [], [], []
    for p in placed:
        part = p.part
        pins = [q for u, qs in unit_pins(part.symbol).items() if u in (0, p.unit) for q in qs]
        for pin in pins:
            x, y = pin_point(p, pin)
            net = board.nets_by_pin.get((part.ref, pin["number"]))
            if net is not None and net not in wired:
                angle = (pin["angle"] + 180) % 360
                justify = "right" if angle == 180 else "left"
                labels.append((net, x, y, angle, justify, stable_uuid("label", part.ref, p.unit, pin["number"])))
            elif (part.ref, pin["number"]) in board.unconnected:
                flags.append((x, y, stable_uuid("nc", part.ref, pin["number"])))
        symbol_uuid = stable_uuid("symbol", part.ref, p.unit)
        instances.append((symbol_uuid, part, p.unit))
        out.append(f'  (symbol (lib_id "{part.symbol}") (at {p.x:g} {p.y:g} 0) (unit {p.unit})')
        node = library.symbol(part.symbol)
        # Parts without a manufacturer part (mounting holes, power flags) are not bought: out of the BOM, as their footprints say.
        in_bom = (sexpr.child(node, "in_bom") or ["in_bom", "yes"])[1] if part.mpn else "no"
        on_board = (sexpr.child(node, "on_board") or ["on_board", "yes"])[1]
        out.append(f"    (in_bom {in_bom}) (on_board {on_board})")
        out.append(f"    (uuid {symbol_uuid})")
        x0, y0, x1, y1 = extent(part.symbol, p.unit)
        props = [("Reference", part.ref, p.x + x1 + 1.27, p.y - y1, False), ("Value", part.value, p.x + x1 + 1.27, p.y - y1 + 2.54, False),
                 ("Footprint", part.footprint, p.x, p.y, True), ("Datasheet", "", p.x, p.y, True)]
        for i, (name, value, px, py, hidden) in enumerate(props):
            effects = "(effects (font (size 1.27 1.27)) (justify left)" + (" hide)" if hidden else ")")
            out.append(f'    (property "{name}" "{esc(value)}" (id {i}) (at {px:g} {py:g} 0)')
            out.append(f"      {effects}")
            out.append("    )")
        if part.mpn:
            out.append(f'    (property "MPN" "{esc(part.mpn)}" (id 4) (at {p.x:g} {p.y:g} 0)')
            out.append("      (effects (font (size 1.27 1.27)) hide)")
            out.append("    )")
        for pin in pins:
            out.append(f'    (pin "{pin["number"]}" (uuid {stable_uuid("pin", part.ref, p.unit, pin["number"])}))')
        out.append("  )")
        out.append("")
    for x, y, u in flags:
        out.append(f"  (no_connect (at {x:g} {y:g}) (uuid {u}))")
    for i, (x0, y0, x1, y1) in enumerate(wires):
        out.append(f"  (wire (pts (xy {x0:g} {y0:g}) (xy {x1:g} {y1:g}))")
        out.append(f"    (stroke (width 0) (type default) (color 0 0 0 0))")
        out.append(f"    (uuid {stable_uuid('wire', i, x0, y0, x1, y1)})")
        out.append("  )")
    for x, y in junctions:
        out.append(f"  (junction (at {x:g} {y:g}) (diameter 0) (color 0 0 0 0)")
        out.append(f"    (uuid {stable_uuid('junction', x, y)})")
        out.append("  )")
    # A wired net's name, once, on its lane's left end.
    labels += [(net, x, y, 180, "right", stable_uuid("lane", net)) for net, x, y in names]
    for net, x, y, angle, justify, u in labels:
        out.append(f'  (global_label "{esc(net)}" (shape passive) (at {x:g} {y:g} {angle:g})')
        out.append(f"    (effects (font (size 1.27 1.27)) (justify {justify}))")
        out.append(f"    (uuid {u})")
        out.append(f'    (property "Intersheet References" "${{INTERSHEET_REFS}}" (id 0) (at {x:g} {y:g} 0)')
        out.append("      (effects (font (size 1.27 1.27)) hide)")
        out.append("    )")
        out.append("  )")
    out.append("")
    out.append('  (sheet_instances\n    (path "/" (page "1"))\n  )')
    out.append("")
    out.append("  (symbol_instances")
    for symbol_uuid, part, unit in sorted(instances, key=lambda i: (i[1].ref, i[2])):
        out.append(f'    (path "/{symbol_uuid}"')
        out.append(f'      (reference "{esc(part.ref)}") (unit {unit}) (value "{esc(part.value)}") (footprint "{esc(part.footprint)}")')
        out.append("    )")
    out.append("  )")
    out.append(")")
    with open(path_sch, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    library_table(sorted({lib_id.split(":", 1)[0] for lib_id in lib_ids}), os.path.dirname(path_sch))
    svg(placed, labels, flags, wires, junctions, width, height, path_svg)


def library_table(libraries, folder):
    """
    The project's symbol library table beside the schematic, so that KiCad (6, or a later one opening the project)
    finds each library the symbols came from and checks them against it: KiCad's own by KICAD6_SYMBOL_DIR, this
    project's copied beside the schematic (KIPRJMOD). Without it KiCad 9's ERC warns about every symbol's library.
    """
    rows = []
    for name in libraries:
        own = os.path.join(library.PROJECT_SYMBOLS, name + ".kicad_sym")
        if os.path.exists(own):
            shutil.copyfile(own, os.path.join(folder, name + ".kicad_sym"))
            uri = "${KIPRJMOD}/" + name + ".kicad_sym"
        else:
            uri = "${KICAD6_SYMBOL_DIR}/" + name + ".kicad_sym"
        rows.append(f'  (lib (name "{name}")(type "KiCad")(uri "{uri}")(options "")(descr ""))')
    with open(os.path.join(folder, "sym-lib-table"), "w", encoding="utf-8") as f:
        f.write("(sym_lib_table\n" + "\n".join(rows) + "\n)\n")


def esc(text):
    return text.replace("\\", "\\\\").replace('"', '\\"')


# --- the drawing ----------------------------------------------------------------------------------------------------

def svg(placed, labels, flags, wires, junctions, width, height, path):
    s = 4.0  # SVG units per mm
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width * s:.0f}" height="{height * s:.0f}" viewBox="0 0 {width:g} {height:g}">',
             f'<rect x="0" y="0" width="{width:g}" height="{height:g}" fill="#fffdf5"/>',
             '<g fill="none" stroke="#840000" stroke-width="0.254" stroke-linecap="round">']
    texts = []
    for p in placed:
        for u, subs in units(p.part.symbol).items():
            if u not in (0, p.unit):
                continue
            for sub in subs:
                for item in sub[2:]:
                    if isinstance(item, list):
                        parts.append(draw(item, p, texts))
        x0, y0, x1, y1 = extent(p.part.symbol, p.unit)
        unit = "" if len(units(p.part.symbol)) <= 2 and p.unit == 1 else chr(ord("A") + p.unit - 1)
        texts.append((p.x + x1 + 1.27, p.y - y1, p.part.ref + unit, "#006464", "start"))
        texts.append((p.x + x1 + 1.27, p.y - y1 + 2.54, p.part.value, "#006464", "start"))
    parts.append("</g>")
    parts.append('<g stroke="#008400" stroke-width="0.2" stroke-linecap="round">')
    for x0, y0, x1, y1 in wires:
        parts.append(f'<line x1="{x0:g}" y1="{y0:g}" x2="{x1:g}" y2="{y1:g}"/>')
    parts.append("</g>")
    for x, y in junctions:
        parts.append(f'<circle cx="{x:g}" cy="{y:g}" r="0.5" fill="#008400"/>')
    for x, y in ((f[0], f[1]) for f in flags):
        parts.append(f'<path d="M{x - 0.6:g},{y - 0.6:g}L{x + 0.6:g},{y + 0.6:g}M{x - 0.6:g},{y + 0.6:g}L{x + 0.6:g},{y - 0.6:g}" stroke="#0000c8" stroke-width="0.2"/>')
    for net, x, y, angle, justify, _ in labels:
        anchor = "end" if justify == "right" else "start"
        dx = -0.8 if justify == "right" else 0.8
        texts.append((x + dx, y + 0.45, net, "#7a4b00", anchor))
    for x, y, text, colour, anchor in texts:
        parts.append(f'<text x="{x:.2f}" y="{y:.2f}" font-family="sans-serif" font-size="1.27" fill="{colour}" text-anchor="{anchor}">{html.escape(text)}</text>')
    parts.append("</svg>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n")


def draw(item, p, texts):
    def xy(x, y):
        return f"{p.x + x:.3f},{p.y - y:.3f}"

    kind = item[0]
    if kind == "rectangle":
        s, e = sexpr.child(item, "start"), sexpr.child(item, "end")
        x0, y0, x1, y1 = float(s[1]), float(s[2]), float(e[1]), float(e[2])
        return f'<path d="M{xy(x0, y0)}L{xy(x1, y0)}L{xy(x1, y1)}L{xy(x0, y1)}Z"/>'
    if kind == "polyline":
        pts = [xy(float(q[1]), float(q[2])) for q in sexpr.children(sexpr.child(item, "pts"), "xy")]
        return f'<path d="M{"L".join(pts)}"/>'
    if kind == "circle":
        c, r = sexpr.child(item, "center"), float(sexpr.child(item, "radius")[1])
        return f'<circle cx="{p.x + float(c[1]):.3f}" cy="{p.y - float(c[2]):.3f}" r="{r:g}"/>'
    if kind == "arc":
        (ax, ay), (mx, my), (bx, by) = points(item)
        return f'<path d="M{xy(ax, ay)}Q{xy(2 * mx - (ax + bx) / 2, 2 * my - (ay + by) / 2)} {xy(bx, by)}"/>'
    if kind == "pin":
        at = sexpr.child(item, "at")
        x, y, angle = float(at[1]), float(at[2]), float(at[3]) if len(at) > 3 else 0.0
        length = float(sexpr.child(item, "length")[1])
        ex, ey = x + length * math.cos(math.radians(angle)), y + length * math.sin(math.radians(angle))
        name = sexpr.child(item, "name")[1]
        number = sexpr.child(item, "number")[1]
        if name not in ("~", "") and "hide" not in item:
            label = re.sub(r"~\{([^}]*)\}", r"\1", name)
            nx, ny = x + (length + 0.6) * math.cos(math.radians(angle)), y + (length + 0.6) * math.sin(math.radians(angle))
            anchor = "start" if math.cos(math.radians(angle)) > 0.5 else "end" if math.cos(math.radians(angle)) < -0.5 else "middle"
            texts.append((p.x + nx, p.y - ny + 0.45, label, "#006464", anchor))
        texts.append((p.x + (x + ex) / 2, p.y - (y + ey) / 2 - 0.3, number, "#840000", "middle"))
        return f'<path d="M{xy(x, y)}L{xy(ex, ey)}"/>'
    return ""
