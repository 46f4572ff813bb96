"""
Reads a `.kicad_sch` back as KiCad would connect it, from the file alone: each placed symbol's pins from the symbol
the file embeds (unit and shared pins, rotation 0), at the symbol's place with the symbol's y axis flipped; wires
join what meets their ends; a global label names what it touches; a no-connect flag marks a pin unconnected. A
pin's, a label's or a wire's end lying in the middle of a wire is not guessed at but reported: KiCad 9's command
line reads such a touch its own way (a test edits a schematic so, and kicad-cli joins the drop at a junction in
the middle of a wire yet takes another pin off the net), so a file that has one fails the checks. Tests compare
what it finds with the netlist, and with kicad-cli's netlist of the same file.
"""
from . import sexpr


def point(node):
    return round(float(node[1]), 3), round(float(node[2]), 3)


def on_segment(p, a, b):
    """Whether p lies on the axis-parallel segment a-b (ends included)."""
    if a[0] == b[0] == p[0]:
        return min(a[1], b[1]) <= p[1] <= max(a[1], b[1])
    if a[1] == b[1] == p[1]:
        return min(a[0], b[0]) <= p[0] <= max(a[0], b[0])
    return False


class Points:
    """Union-find over the sheet's points."""

    def __init__(self):
        self.parent = {}

    def find(self, p):
        self.parent.setdefault(p, p)
        while self.parent[p] != p:
            self.parent[p] = self.parent[self.parent[p]]
            p = self.parent[p]
        return p

    def join(self, a, b):
        self.parent[self.find(a)] = self.find(b)


def nets_at(tree, pin_ends):
    """Each point's net name (wires join their two ends; labels name what they touch; two labels on one group of
    points give "A+B", a short), and the points that lie in the middle of a wire."""
    points = Points()
    wires = [tuple(point(xy) for xy in sexpr.children(sexpr.child(w, "pts"), "xy")) for w in sexpr.children(tree, "wire")]
    labels = [(point(sexpr.child(label, "at")), label[1]) for label in sexpr.children(tree, "global_label")]
    ends = {p for w in wires for p in w} | {p for p, _ in labels} | set(pin_ends)
    for a, b in wires:
        points.join(a, b)
    touches = sorted({p for p in ends for a, b in wires if p not in (a, b) and on_segment(p, a, b)})
    names = {}
    for p, name in labels:
        root = points.find(p)
        names[root] = name if names.get(root) in (None, name) else "+".join(sorted({names[root], name}))
    return {p: names.get(points.find(p)) for p in ends}, touches


def read(path):
    """(reference, pin number) -> net name, or None for a flagged or a no-connect pin; and pins left open."""
    with open(path, encoding="utf-8") as f:
        tree = sexpr.parse(f.read())
    library = {s[1]: s for s in sexpr.children(sexpr.child(tree, "lib_symbols"), "symbol")}
    flags = {(round(float(sexpr.child(n, "at")[1]), 3), round(float(sexpr.child(n, "at")[2]), 3)) for n in sexpr.children(tree, "no_connect")}
    pins, open_pins, hidden, ends = {}, [], [], []
    for placed in sexpr.children(tree, "symbol"):
        lib_id = sexpr.child(placed, "lib_id")[1]
        at = sexpr.child(placed, "at")
        x, y = float(at[1]), float(at[2])
        unit = int(sexpr.child(placed, "unit")[1])
        reference = [p[2] for p in sexpr.children(placed, "property") if p[1] == "Reference"][0]
        for sub in sexpr.children(library[lib_id], "symbol"):
            sub_unit, style = (int(v) for v in sub[1].rsplit("_", 2)[1:])
            if sub_unit not in (0, unit) or style not in (0, 1):
                continue
            for pin in sexpr.children(sub, "pin"):
                pat = sexpr.child(pin, "at")
                end = (round(x + float(pat[1]), 3), round(y - float(pat[2]), 3))
                number = sexpr.child(pin, "number")[1]
                ends.append((reference, number, pin, end))
    nets, touches = nets_at(tree, [end for *_, end in ends])
    open_pins += [f"an end in the middle of a wire at {p}" for p in touches]
    for reference, number, pin, end in ends:
        if pin[1] == "power_in" and "hide" in pin:
            # KiCad connects a hidden power pin to the global net of its name, whatever is drawn at it.
            hidden.append((reference, number, sexpr.child(pin, "name")[1], nets.get(end)))
        if nets.get(end) is not None:
            pins[(reference, number)] = nets[end]
        elif end in flags or pin[1] == "no_connect":
            pins[(reference, number)] = None
        else:
            open_pins.append(f"{reference}.{number}")
    # Nets joined through hidden power pins: a pin named VCC on +5V and another on +3V3 short the two.
    for reference, number, name, label in hidden:
        pins[(reference, number)] = name if label is None else f"{label}+{name}"
    return pins, open_pins
