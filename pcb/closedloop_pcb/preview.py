"""A quick picture of a pcbnew board (outline, courtyards, pads, tracks, vias, references, the front's silkscreen labels) for reviewing placement and routing."""
import pcbnew
from PIL import Image, ImageDraw

from . import layout

SCALE = 10  # pixels per mm
LAYER_COLOURS = {pcbnew.F_Cu: (200, 60, 40), pcbnew.B_Cu: (40, 90, 200)}


def render(pcb, path, side=pcbnew.F_Cu):
    w, h = int(layout.WIDTH * SCALE) + 1, int(layout.HEIGHT * SCALE) + 1
    image = Image.new("RGB", (w, h), (20, 40, 20))
    draw = ImageDraw.Draw(image)

    def px(v):
        return pcbnew.ToMM(v) * SCALE

    for fp in pcb.GetFootprints():
        x0, y0, x1, y1 = layout.courtyard(fp)
        draw.rectangle([x0 * SCALE, y0 * SCALE, x1 * SCALE, y1 * SCALE], outline=(90, 90, 90))
        for pad in fp.Pads():
            if not (pad.IsOnLayer(side) or pad.GetAttribute() == pcbnew.PAD_ATTRIB_PTH):
                continue
            box = pad.GetBoundingBox()
            colour = (230, 200, 60) if pad.GetNetCode() > 0 else (120, 120, 120)
            draw.rectangle([px(box.GetX()), px(box.GetY()), px(box.GetRight()), px(box.GetBottom())], fill=colour)
        pos = fp.GetPosition()
        draw.text((px(pos.x) + 2, px(pos.y) + 2), fp.GetReference(), fill=(255, 255, 255))
    for track in pcb.GetTracks():
        if track.GetClass() == "PCB_VIA":
            p = track.GetPosition()
            r = pcbnew.ToMM(track.GetWidth()) / 2 * SCALE
            draw.ellipse([px(p.x) - r, px(p.y) - r, px(p.x) + r, px(p.y) + r], fill=(200, 200, 200))
        elif track.GetLayer() in LAYER_COLOURS:
            width = max(1, int(pcbnew.ToMM(track.GetWidth()) * SCALE))
            colour = LAYER_COLOURS[track.GetLayer()]
            if track.GetLayer() != side:
                colour = tuple(c // 2 for c in colour)
            draw.line([px(track.GetStart().x), px(track.GetStart().y), px(track.GetEnd().x), px(track.GetEnd().y)], fill=colour, width=width)
    if side == pcbnew.F_Cu:
        for item in pcb.GetDrawings():
            if item.GetClass() == "PTEXT" or (item.GetClass().endswith("TEXT") and item.GetLayer() == pcbnew.F_SilkS):
                box = item.GetBoundingBox()
                draw.rectangle([px(box.GetX()), px(box.GetY()), px(box.GetRight()), px(box.GetBottom())], outline=(120, 220, 255))
                draw.text((px(box.GetX()) + 1, px(box.GetY())), item.GetText(), fill=(120, 220, 255))
    draw.rectangle([0, 0, w - 1, h - 1], outline=(255, 255, 0))
    image.save(path)
