"""
Reads a `.kicad_sch` back as KiCad would connect it, from the file alone: each placed symbol's pins from the symbol
the file embeds (unit and shared pins, rotation 0), at the symbol's place with the symbol's y axis flipped; a global
label at a pin's end joins the pin to that label's net; a no-connect flag marks it unconnected. Tests compare what
it finds with the netlist.
"""
from . import sexpr


def read(path):
    """(reference, pin number) -> net name, or None for a flagged or a no-connect pin; and pins left open."""
    with open(path, encoding="utf-8") as f:
        tree = sexpr.parse(f.read())
    library = {s[1]: s for s in sexpr.children(sexpr.child(tree, "lib_symbols"), "symbol")}
    labels = {}
    for label in sexpr.children(tree, "global_label"):
        at = sexpr.child(label, "at")
        labels[(round(float(at[1]), 3), round(float(at[2]), 3))] = label[1]
    flags = {(round(float(sexpr.child(n, "at")[1]), 3), round(float(sexpr.child(n, "at")[2]), 3)) for n in sexpr.children(tree, "no_connect")}
    pins, open_pins, hidden = {}, [], []
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
                if pin[1] == "power_in" and "hide" in pin:
                    # KiCad connects a hidden power pin to the global net of its name, whatever is drawn at it.
                    hidden.append((reference, number, sexpr.child(pin, "name")[1], labels.get(end)))
                if end in labels:
                    pins[(reference, number)] = labels[end]
                elif end in flags or pin[1] == "no_connect":
                    pins[(reference, number)] = None
                else:
                    open_pins.append(f"{reference}.{number}")
    # Nets joined through hidden power pins: a pin named VCC on +5V and another on +3V3 short the two.
    for reference, number, name, label in hidden:
        pins[(reference, number)] = name if label is None else f"{label}+{name}"
    return pins, open_pins
