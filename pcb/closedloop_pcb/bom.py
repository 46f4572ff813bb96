"""The bill of materials: one row per manufacturer part, with every reference that uses it."""
import csv
import re


def write(board, path):
    rows = {}
    for part in board.parts.values():
        if not part.mpn:
            continue
        key = (part.mpn, part.value, part.footprint)
        rows.setdefault(key, (part.maker, []))[1].append(part.ref)
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["References", "Quantity", "Value", "Manufacturer", "MPN", "Footprint"])
        for (mpn, value, footprint), (maker, refs) in sorted(rows.items(), key=lambda r: natural(r[1][1][0])):
            out.writerow([" ".join(sorted(refs, key=natural)), len(refs), value, maker, mpn, footprint])


def natural(ref):
    match = re.match(r"([A-Z#]+)(\d+)", ref)
    return (match.group(1), int(match.group(2))) if match else (ref, 0)
