#!/usr/bin/env python3
"""
The rig board's one command.
  check  the electrical rules on the netlist and the ESP32's GPIO map (--json: one JSON object for tests)
  erc-cases  the electrical rules on small circuits built to break one each (JSON: case -> errors; for tests)
  grid-cases  the router's search on small grids, without KiCad (JSON; for tests; needs numpy)
  netlist  every part's pins and their nets, as JSON
  schematic  the KiCad schematic and its SVG drawing (--check FILE: read a schematic back and print its pins' nets as JSON)
  bom    the bill of materials
  wiring  the drawing for wiring the arm key, the e-stop and the LED sockets to the terminal blocks (SVG)
  fab    the schematic, the placed and routed KiCad board, its DRC, Gerbers, drill, pick-and-place, BOM and pictures (--json)
  drc    KiCad's design rule check of a board file into a report (what fab runs in a child process)
  pictures  docs/images' pictures from fab's outputs (--out of fab as --from): the board from above (KiCad 9's
         kicad-cli pcb render), the enclosure (openscad under xvfb-run) and the wiring drawing
check and bom need Debian's kicad-symbols and kicad-footprints; fab and drc need KiCad's pcbnew (Debian's kicad)
and run with the system Python that has it (/usr/bin/python3).
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from closedloop_pcb import board as circuit, bom, erc  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("command", choices=["check", "erc-cases", "grid-cases", "netlist", "schematic", "bom", "wiring", "fab", "drc", "inspect", "pictures"])
    parser.add_argument("--check", metavar="FILE", help="schematic: read FILE back instead of writing one")
    parser.add_argument("--from", dest="source", default=os.path.join(HERE, "build"), help="pictures: the folder fab wrote")
    parser.add_argument("files", nargs="*", help="drc: the board file and the report to write; inspect: the board file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--route-steps", type=int, default=None, help="fab: the router's search steps for the whole board (default 20 million; it fails rather than search on)")
    parser.add_argument("--out", default=os.path.join(HERE, "build"), help="folder for generated files (git ignores pcb/build)")
    args = parser.parse_args()

    if args.command == "drc":
        from closedloop_pcb import fab
        fab.drc_report(*args.files)
        return 0

    if args.command == "inspect":
        from closedloop_pcb import fab
        print(json.dumps(fab.inspect(args.files[0]), indent=1))
        return 0

    if args.command == "pictures":
        from closedloop_pcb import pictures
        for path in pictures.render(args.source, args.out):
            print(path)
        return 0

    if args.command == "grid-cases":
        from closedloop_pcb import grid_cases
        print(json.dumps(grid_cases.run(), indent=1))
        return 0

    if args.command == "erc-cases":
        from closedloop_pcb import erc_cases
        print(json.dumps(erc_cases.run(), indent=1))
        return 0

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

    if args.command == "netlist":
        parts = {ref: {"symbol": p.symbol, "footprint": p.footprint, "value": p.value,
                       "pins": {pin.number: board.net_of(p, pin) for pin in p.pins.values()},
                       "kinds": {pin.number: pin.kind for pin in p.pins.values()}}
                 for ref, p in board.parts.items() if p.footprint}
        print(json.dumps(parts, indent=1, sort_keys=True))
        return 0

    if args.command == "schematic":
        from closedloop_pcb import sch, schcheck
        if args.check:
            pins, open_pins = schcheck.read(args.check)
            print(json.dumps({"pins": {f"{r}.{n}": net for (r, n), net in sorted(pins.items())}, "open": open_pins}, indent=1))
            return 0
        os.makedirs(args.out, exist_ok=True)
        sch.write(board, os.path.join(args.out, "closedloop-rig-board.kicad_sch"), os.path.join(args.out, "closedloop-rig-board-schematic.svg"))
        print(os.path.join(args.out, "closedloop-rig-board.kicad_sch"))
        return 0

    if args.command in ("wiring", "bom"):
        from closedloop_pcb import wiring
        writer, name = {"wiring": (wiring.write, "wiring.svg"), "bom": (bom.write, "bom.csv")}[args.command]
        os.makedirs(args.out, exist_ok=True)
        path = os.path.join(args.out, "closedloop-rig-board-" + name)
        writer(board, path)
        print(path)
        return 0

    errors = erc.check(board)
    if errors:
        print("\n".join("ERC: " + e for e in errors), file=sys.stderr)
        return 1
    from closedloop_pcb import fab
    summary = fab.make(board, args.out) if args.route_steps is None else fab.make(board, args.out, args.route_steps)
    if args.json:
        print(json.dumps(summary, indent=1))
    else:
        drc = summary["drc"]
        print(f"{summary['footprints']} footprints, {summary['tracks']} tracks ({summary['track_mm']} mm), {summary['vias']} vias")
        print(f"unrouted: {len(summary['unrouted'])}; DRC: {drc.get('errors')} errors, {drc.get('warnings')} warnings, {drc.get('unconnected')} unconnected")
        print(f"files in {args.out}")
    clean = not summary["unrouted"] and not summary["unlabelled"] and summary["drc"].get("ran") and summary["drc"]["errors"] == 0 and summary["drc"]["unconnected"] == 0
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
