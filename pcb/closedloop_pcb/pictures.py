"""
The pictures docs/hardware.md shows, made from fab's outputs: the board from above as KiCad 9 renders it (its
kicad-cli, which test.sh unpacks; CLOSEDLOOP_KICAD_CLI names another), the enclosure's tray and lid as OpenSCAD draws
them (it needs an X display for pictures: run under xvfb-run, Debian's xvfb), and the wiring drawing.
"""
import os
import shutil
import subprocess

NAME = "closedloop-rig-board"


def kicad_cli():
    configured = os.environ.get("CLOSEDLOOP_KICAD_CLI")
    if configured:
        return configured
    return os.path.expanduser("~/.cache/closedloop-tools/kicad-backports/usr/bin/kicad-cli")


def run(command, env=None):
    wrapped = (["xvfb-run", "-a", "-s", "-screen 0 1600x1200x24"] if shutil.which("xvfb-run") else []) + command
    done = subprocess.run(wrapped, capture_output=True, text=True, timeout=600, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:2])} failed: {(done.stderr or done.stdout)[-1500:]}")


def render(source, out):
    os.makedirs(out, exist_ok=True)
    cli = kicad_cli()
    env = dict(os.environ, LD_LIBRARY_PATH=os.path.join(os.path.dirname(os.path.dirname(cli)), "lib", "x86_64-linux-gnu"))
    board = os.path.join(out, "board-top.png")
    run([cli, "pcb", "render", "-o", board, "--width", "1400", "--height", "1000", "--quality", "basic",
         "--background", "opaque", os.path.join(source, NAME + ".kicad_pcb")], env)
    case = os.path.join(out, "enclosure.png")
    run(["openscad", "-o", case, "-D", 'part="both"', "--render", "--imgsize=1400,1000", "--viewall", "--autocenter",
         "--camera=0,0,0,55,0,25,0", "--colorscheme=Tomorrow", os.path.join(source, NAME + "-enclosure.scad")])
    wiring = os.path.join(out, "rig-wiring.svg")
    shutil.copyfile(os.path.join(source, NAME + "-wiring.svg"), wiring)
    return [board, case, wiring]
