"""A reader for KiCad's s-expression files (symbol libraries, boards): lists of atoms and strings."""


def parse(text):
    """Parses one s-expression: a nested list of str atoms (quoted strings unquoted)."""
    stack, current, i, n = [], [], 0, len(text)
    while i < n:
        c = text[i]
        if c == "(":
            stack.append(current)
            current = []
            i += 1
        elif c == ")":
            done, current = current, stack.pop()
            current.append(done)
            i += 1
        elif c == '"':
            j, out = i + 1, []
            while text[j] != '"':
                if text[j] == "\\":
                    j += 1
                out.append(text[j])
                j += 1
            current.append("".join(out))
            i = j + 1
        elif c.isspace():
            i += 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in '()"':
                j += 1
            current.append(text[i:j])
            i = j
    return current[0]


def children(node, name):
    """The sub-lists of node whose head is name."""
    return [c for c in node if isinstance(c, list) and c and c[0] == name]


def child(node, name):
    found = children(node, name)
    return found[0] if found else None
