"""Symbols' pins from KiCad's libraries (Debian's kicad-symbols) and the project's own library."""
import os
from . import sexpr

SYSTEM_SYMBOLS = os.environ.get("KICAD6_SYMBOL_DIR", "/usr/share/kicad/symbols")
PROJECT_SYMBOLS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "symbols")

_texts = {}
_symbols = {}


class Pin:
    def __init__(self, number, name, kind, x, y, angle, length):
        self.number, self.name, self.kind = number, name, kind
        self.x, self.y, self.angle, self.length = x, y, angle, length

    def __repr__(self):
        return f"{self.number}:{self.name}({self.kind})"


def library_text(name):
    if name not in _texts:
        path = os.path.join(PROJECT_SYMBOLS, name + ".kicad_sym")
        if not os.path.exists(path):
            path = os.path.join(SYSTEM_SYMBOLS, name + ".kicad_sym")
        if not os.path.exists(path):
            raise FileNotFoundError(f"symbol library {name} not found in {PROJECT_SYMBOLS} or {SYSTEM_SYMBOLS} (Debian: apt-get install kicad-symbols)")
        with open(path, encoding="utf-8") as f:
            _texts[name] = (path, f.read())
    return _texts[name]


def balanced(text, start):
    """The end of the parenthesised expression opening at start (strings may hold parentheses)."""
    depth, i, quoted = 0, start, False
    while True:
        c = text[i]
        if quoted:
            if c == "\\":
                i += 1
            elif c == '"':
                quoted = False
        elif c == '"':
            quoted = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1


def symbol(lib_id):
    """The s-expression of a symbol "Library:Name", with `extends` resolved to its parent. Only that symbol's
    text is parsed: the libraries are megabytes."""
    if lib_id not in _symbols:
        lib, name = lib_id.split(":", 1)
        path, text = library_text(lib)
        at = text.find(f'\n  (symbol "{name}" ')
        if at < 0:
            raise KeyError(f"{lib_id}: no such symbol in {path}")
        node = sexpr.parse(text[at + 3:balanced(text, at + 3)])
        parent = sexpr.child(node, "extends")
        _symbols[lib_id] = symbol(f"{lib}:{parent[1]}") if parent else node
    return _symbols[lib_id]


def pins(lib_id):
    """Every pin of unit 1 and the common unit (0) of a symbol: number -> Pin. Multi-unit parts list all units."""
    result = {}
    for unit in sexpr.children(symbol(lib_id), "symbol"):
        for p in sexpr.children(unit, "pin"):
            at = sexpr.child(p, "at")
            number = sexpr.child(p, "number")[1]
            result[number] = Pin(number, sexpr.child(p, "name")[1], p[1], float(at[1]), float(at[2]), float(at[3]) if len(at) > 3 else 0.0, float(sexpr.child(p, "length")[1]))
    return result
