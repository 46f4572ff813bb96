"""
Everything a board house needs, from the netlist in one run: the schematic (KiCad file and SVG drawing), the placed
and routed KiCad board and its project file, the design rule check (run in a child process: KiCad 6.0 can crash there), Gerbers with a job file, Excellon
drill files, the pick-and-place file, the bill of materials, pictures of both sides, and the enclosure (its
OpenSCAD model and, with Debian's openscad, STL files to print) with its openings where the connectors were placed.
"""
import csv
import os
import re
import subprocess
import sys

import pcbnew

from . import assembly, bom, enclosure, layout, pcbfile, preview, router, sch, silkscreen, wiring

NAME = "closedloop-rig-board"
GERBER_LAYERS = [
    (pcbnew.F_Cu, "F_Cu"), (pcbnew.In1_Cu, "In1_Cu"), (pcbnew.In2_Cu, "In2_Cu"), (pcbnew.B_Cu, "B_Cu"),
    (pcbnew.F_Mask, "F_Mask"), (pcbnew.B_Mask, "B_Mask"), (pcbnew.F_Paste, "F_Paste"),
    (pcbnew.F_SilkS, "F_Silkscreen"), (pcbnew.B_SilkS, "B_Silkscreen"), (pcbnew.Edge_Cuts, "Edge_Cuts"),
]


def make(board, out, route_steps=router.BUDGET_STEPS):
    """Builds every output into out; returns a summary (routing failures, DRC counts, files)."""
    os.makedirs(out, exist_ok=True)
    sch.write(board, os.path.join(out, NAME + ".kicad_sch"), os.path.join(out, NAME + "-schematic.svg"))
    pcb, nets, _ = pcbfile.build(board)
    # Labels first, each where it reads best; the router then keeps its vias off them (a label may cross a track
    # under the solder mask, but cannot be printed over a via).
    unlabelled, labels = silkscreen.write(board, pcb)
    routing = router.Router(pcb, nets, route_steps, via_keepouts=labels)
    failed = routing.route_all(list(pcbfile.PLANES))
    board_path = os.path.join(out, NAME + ".kicad_pcb")
    # KiCad 6.0 fills zones only on a board it loaded (a board built in memory crashes the filler): save, reload, fill.
    pcbnew.SaveBoard(board_path, pcb)
    pcb = pcbnew.LoadBoard(board_path)
    pcbfile.fill_zones(pcb)
    pcbnew.SaveBoard(board_path, pcb)
    drc = run_drc(board_path, os.path.join(out, NAME + "-drc.rpt"))
    gerbers(pcb, os.path.join(out, "gerbers"))
    drill(pcb, os.path.join(out, "gerbers"))
    placement(pcb, os.path.join(out, NAME + "-placement.csv"))
    bom.write(board, os.path.join(out, NAME + "-bom.csv"))
    wiring.write(board, os.path.join(out, NAME + "-wiring.svg"))
    preview.render(pcb, os.path.join(out, NAME + "-front.png"), pcbnew.F_Cu)
    preview.render(pcb, os.path.join(out, NAME + "-back.png"), pcbnew.B_Cu)
    case = enclosure.write(enclosure_inputs(pcb), out, NAME)
    tracks = [t for t in pcb.GetTracks() if t.GetClass() == "PCB_TRACK"]
    vias = [t for t in pcb.GetTracks() if t.GetClass() == "PCB_VIA"]
    return {
        "board": board_path, "unrouted": failed, "route_steps": routing.steps_used, "unlabelled": unlabelled, "drc": drc,
        "tracks": len(tracks), "vias": len(vias), "footprints": len(pcb.GetFootprints()),
        "track_mm": round(sum(pcbnew.ToMM(t.GetLength()) for t in tracks), 1),
        "enclosure": case,
        "files": sorted(os.path.relpath(os.path.join(d, f), out) for d, _, fs in os.walk(out) for f in fs),
    }


def enclosure_inputs(pcb):
    """Where the placed board puts what the enclosure must open onto: each BNC's centre pin, the USB-C, the LED and
    arm terminal blocks (the middle of their pins) and the status LEDs, in the board's mm."""
    def mm(point):
        return pcbnew.ToMM(point.x), pcbnew.ToMM(point.y)

    def middle(fp):
        pads = [mm(pad.GetPosition()) for pad in fp.Pads()]
        return sum(p[0] for p in pads) / len(pads), sum(p[1] for p in pads) / len(pads)

    bncs, leds, arm, status = [], [], [], []
    usb = None
    for fp in sorted(pcb.GetFootprints(), key=lambda f: bom.natural(f.GetReference())):
        lib, value = str(fp.GetFPID().GetLibNickname()), fp.GetValue()
        if lib == "Connector_Coaxial":
            bncs.append((value.replace("BNC ", ""),) + mm(fp.FindPadByNumber("1").GetPosition()))
        elif lib == "Connector_USB":
            usb = mm(fp.GetPosition())
        elif lib == "TerminalBlock_Phoenix":
            (leds if value.startswith("LED") else arm).append((value,) + middle(fp))
        elif lib == "LED_SMD":
            anode = next(pad.GetNetname() for pad in fp.Pads() if pad.GetNetname() != "GND")
            status.append((anode,) + mm(fp.GetPosition()))
    return enclosure.connectors(layout.WIDTH, layout.HEIGHT, layout.HOLES, bncs, usb, leds, arm, status)


def run_drc(board_path, report_path):
    """KiCad's DRC on the saved board in a child process; the report's error, warning and unconnected counts."""
    script = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "build.py")
    result = subprocess.run([sys.executable, script, "drc", board_path, report_path], capture_output=True, text=True, timeout=900)
    if result.returncode != 0 or not os.path.exists(report_path):
        return {"ran": False, "error": (result.stderr or result.stdout)[-2000:]}
    return parse_drc(report_path)


def drc_report(board_path, report_path):
    """Runs in the child: fills the zones and writes KiCad's DRC report."""
    pcb = pcbnew.LoadBoard(board_path)
    pcbfile.fill_zones(pcb)
    if not pcbnew.WriteDRCReport(pcb, report_path, pcbnew.EDA_UNITS_MILLIMETRES, True):
        raise RuntimeError("KiCad wrote no DRC report")


def inspect(board_path):
    """A saved board as KiCad reads it: every part's courtyard box and every pad's centre and net by reference, every
    front silkscreen text (mm, y down)."""
    pcb = pcbnew.LoadBoard(board_path)
    pads = {}
    courtyards = {}
    for fp in pcb.GetFootprints():
        courtyards[fp.GetReference()] = list(layout.courtyard(fp))
        pads[fp.GetReference()] = {pad.GetNumber(): [pcbnew.ToMM(pad.GetPosition().x), pcbnew.ToMM(pad.GetPosition().y), pad.GetNetname()]
                                   for pad in fp.Pads() if pad.GetNumber()}
    texts = [[item.GetText(), pcbnew.ToMM(item.GetPosition().x), pcbnew.ToMM(item.GetPosition().y)]
             for item in pcb.GetDrawings() if item.GetClass() == "PTEXT" and item.GetLayer() == pcbnew.F_SilkS]
    return {"courtyards": courtyards, "pads": pads, "texts": texts}


def parse_drc(report_path):
    with open(report_path, encoding="utf-8") as f:
        text = f.read()
    severities = re.findall(r"Severity: (\w+)", text)
    unconnected = re.search(r"\*\* Found (\d+) unconnected pads \*\*", text)
    kinds = sorted(set(re.findall(r"^\[(\w+)\]", text, re.M)))
    return {"ran": True, "errors": severities.count("error"), "warnings": severities.count("warning"),
            "unconnected": int(unconnected.group(1)) if unconnected else -1, "kinds": kinds}


def gerbers(pcb, out):
    os.makedirs(out, exist_ok=True)
    controller = pcbnew.PLOT_CONTROLLER(pcb)
    options = controller.GetPlotOptions()
    options.SetOutputDirectory(out)
    options.SetPlotFrameRef(False)
    options.SetUseGerberProtelExtensions(False)
    options.SetUseGerberX2format(True)
    options.SetIncludeGerberNetlistInfo(True)
    options.SetSubtractMaskFromSilk(True)
    options.SetUseAuxOrigin(False)
    # The job file (Gerber X2's .gbrjob: which file is which layer, the stack-up) is the GUI's plot dialog's work in
    # KiCad 6; from a script it is written here, from the files just plotted.
    job = pcbnew.GERBER_JOBFILE_WRITER(pcb)
    for layer, name in GERBER_LAYERS:
        controller.SetLayer(layer)
        controller.OpenPlotfile(name, pcbnew.PLOT_FORMAT_GERBER, name)
        controller.PlotLayer()
        job.AddGbrFile(layer, os.path.basename(controller.GetPlotFileName()))
    controller.ClosePlot()
    job.CreateJobFile(os.path.join(out, NAME + "-job.gbrjob"))


def drill(pcb, out):
    writer = pcbnew.EXCELLON_WRITER(pcb)
    writer.SetOptions(False, False, pcbnew.wxPoint(0, 0), False)
    writer.SetFormat(True)
    writer.CreateDrillandMapFilesSet(out, True, False)


def placement(pcb, path):
    """
    Pick-and-place in JLCPCB's columns and convention: centre, side, and the rotation its machines need, which is
    KiCad's plus a per-family offset (assembly.py says whose table); y up, as KiCad's .pos.
    """
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["Designator", "Val", "Package", "Mid X", "Mid Y", "Rotation", "Layer"])
        for fp in sorted(pcb.GetFootprints(), key=lambda fp: bom.natural(fp.GetReference())):
            if all(pad.GetAttribute() != pcbnew.PAD_ATTRIB_SMD for pad in fp.Pads()):
                continue
            pos = fp.GetPosition()
            name = str(fp.GetFPID().GetLibItemName())
            bottom = fp.GetLayer() != pcbnew.F_Cu
            rotation = assembly.jlcpcb_rotation(name, fp.GetOrientationDegrees(), bottom)
            out.writerow([fp.GetReference(), fp.GetValue(), name,
                          f"{pcbnew.ToMM(pos.x):.3f}", f"{-pcbnew.ToMM(pos.y):.3f}", f"{rotation:.1f}",
                          "bottom" if bottom else "top"])

