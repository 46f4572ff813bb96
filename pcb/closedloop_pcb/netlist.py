"""A netlist kept in code: parts with their KiCad symbol, footprint and manufacturer part, and named nets."""
import os
from . import library

SYSTEM_FOOTPRINTS = os.environ.get("KICAD6_FOOTPRINT_DIR", "/usr/share/kicad/footprints")


class Part:
    def __init__(self, board, ref, symbol, footprint, value, mpn, maker, note="", near=None):
        self.board, self.ref, self.symbol, self.footprint = board, ref, symbol, footprint
        self.value, self.mpn, self.maker, self.note = value, mpn, maker, note
        self.block = board.block
        # The pin (part, pin) this part belongs beside, as a person placing it would put it: a decoupling capacitor at
        # its chip's supply pin, protection at its connector, a series resistor at its source. The layout puts the
        # part's pad on that pin's net as near to it as the parts around leave room for.
        self.near = near
        self.pins = library.pins(symbol)

    def __getitem__(self, key):
        """A pin by number ("3", 3) or by its unique name ("IO25")."""
        key = str(key)
        if key in self.pins:
            return (self, self.pins[key])
        named = [p for p in self.pins.values() if p.name == key]
        if len(named) != 1:
            raise KeyError(f"{self.ref} ({self.symbol}): {len(named)} pins named {key}; name one by number")
        return (self, named[0])

    def __repr__(self):
        return self.ref


class Board:
    """Parts, nets (name -> [(part, pin)]) and the pins deliberately left unconnected."""

    def __init__(self):
        self.parts = {}
        self.nets = {}
        self.unconnected = set()
        self._counters = {}
        self.block = ""  # the functional block parts created now belong to (the layout places each block together)

    def part(self, prefix, symbol, footprint, value, mpn, maker, note="", near=None):
        n = self._counters.get(prefix, 0) + 1
        self._counters[prefix] = n
        ref = f"{prefix}{n}"
        part = Part(self, ref, symbol, footprint, value, mpn, maker, note, near)
        self.parts[ref] = part
        return part

    def connect(self, net, *pins):
        members = self.nets.setdefault(net, [])
        for part, pin in pins:
            owner = self.net_of(part, pin)
            if owner is not None and owner != net:
                raise ValueError(f"{part.ref}.{pin.number} ({pin.name}) is on {owner}; cannot join it to {net}")
            if owner is None:
                members.append((part, pin))
        return net

    def leave_unconnected(self, *pins):
        for part, pin in pins:
            self.unconnected.add((part.ref, pin.number))

    def net_of(self, part, pin):
        for name, members in self.nets.items():
            if any(p is part and q.number == pin.number for p, q in members):
                return name
        return None

    @property
    def nets_by_pin(self):
        """(reference, pin number) -> net name, for every connected pin."""
        return {(part.ref, pin.number): name for name, members in self.nets.items() for part, pin in members}

    def footprint_pads(self, part):
        lib, name = part.footprint.split(":", 1)
        path = os.path.join(SYSTEM_FOOTPRINTS, lib + ".pretty", name + ".kicad_mod")
        if not os.path.exists(path):
            return None
        from . import sexpr
        with open(path, encoding="utf-8") as f:
            tree = sexpr.parse(f.read())
        return {p[1] for p in sexpr.children(tree, "pad") if p[1]}
