#!/usr/bin/env python3
"""
The rig board's one command. `check` runs the electrical rules on the netlist and prints the ESP32's GPIO map;
`bom` writes the bill of materials. With --json, `check` prints one JSON object for tests to read.
Needs Debian's kicad-symbols and kicad-footprints (KiCad 6) and nothing beyond the Python standard library.
"""
import argparse, csv, json, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from closedloop_pcb import board as circuit, erc  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("command", choices=["check", "bom"])
    parser.add_argument("--json", action="store_true", help="check: print one JSON object")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "build"), help="folder for generated files")
    args = parser.parse_args()

    board = circuit.build()
    if args.command == "check":
        errors = erc.check(board)
        gpios = erc.gpio_map(board)
        if args.json:
            print(json.dumps({"errors": errors, "gpio": {str(k): v for k, v in sorted(gpios.items())},
                              "parts": len(board.parts), "nets": len(board.nets)}, indent=1))
        else:
            for e in errors:
                print("ERC: " + e)
            for number, net in sorted(gpios.items()):
                print(f"GPIO{number:<3} {net}")
            print(f"{len(board.parts)} parts, {len(board.nets)} nets, {len(errors)} electrical rule errors")
        return 1 if errors else 0

    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "closedloop-rig-board-bom.csv")
    rows = {}
    for part in board.parts.values():
        if not part.mpn:
            continue
        key = (part.mpn, part.value, part.footprint)
        rows.setdefault(key, (part.maker, []))[1].append(part.ref)
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["References", "Quantity", "Value", "Manufacturer", "MPN", "Footprint"])
        for (mpn, value, footprint), (maker, refs) in sorted(rows.items(), key=lambda r: r[1][1][0]):
            out.writerow([" ".join(refs), len(refs), value, maker, mpn, footprint])
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
