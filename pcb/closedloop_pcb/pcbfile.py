"""
The KiCad board file from the netlist: four copper layers (signals on the outer two, a ground plane on In1 and the
3.3 V plane on In2), JLCPCB-class design rules, the outline and mounting holes, every footprint placed with its
pads on the netlist's nets, the planes, and copper kept out from under the ESP32's antenna.
"""
import pcbnew

from . import layout

TRACK_MM = 0.2
CLEARANCE_MM = 0.15
VIA_MM, VIA_DRILL_MM = 0.6, 0.3
EDGE_CLEARANCE_MM = 0.3
PLANES = {"GND": pcbnew.In1_Cu, "+3V3": pcbnew.In2_Cu}


def mm(value):
    return pcbnew.FromMM(value)


def point(x, y):
    return pcbnew.wxPoint(mm(x), mm(y))


def new_board():
    pcb = pcbnew.BOARD()
    pcb.SetCopperLayerCount(4)
    settings = pcb.GetDesignSettings()
    default = pcb.GetNetClasses().GetDefault()
    default.SetClearance(mm(CLEARANCE_MM))
    default.SetTrackWidth(mm(TRACK_MM))
    default.SetViaDiameter(mm(VIA_MM))
    default.SetViaDrill(mm(VIA_DRILL_MM))
    settings.m_TrackMinWidth = mm(0.15)
    settings.m_ViasMinSize = mm(0.45)
    settings.m_MinThroughDrill = mm(0.2)
    settings.m_CopperEdgeClearance = mm(EDGE_CLEARANCE_MM)
    settings.m_MinClearance = mm(CLEARANCE_MM)
    settings.m_HoleClearance = mm(0.2)
    settings.m_HoleToHoleMin = mm(0.25)
    return pcb


def outline(pcb):
    corners = [(0, 0), (layout.WIDTH, 0), (layout.WIDTH, layout.HEIGHT), (0, layout.HEIGHT)]
    for (x0, y0), (x1, y1) in zip(corners, corners[1:] + corners[:1]):
        edge = pcbnew.PCB_SHAPE(pcb)
        edge.SetShape(pcbnew.SHAPE_T_SEGMENT)
        edge.SetStart(point(x0, y0))
        edge.SetEnd(point(x1, y1))
        edge.SetLayer(pcbnew.Edge_Cuts)
        edge.SetWidth(mm(0.1))
        pcb.Add(edge)


def rectangle_zone(pcb, x0, y0, x1, y1):
    zone = pcbnew.ZONE(pcb)
    shape = zone.Outline()
    shape.NewOutline()
    for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1)):
        shape.Append(mm(x), mm(y))
    return zone


def planes(pcb, nets):
    for name, layer in PLANES.items():
        zone = rectangle_zone(pcb, 0.2, 0.2, layout.WIDTH - 0.2, layout.HEIGHT - 0.2)
        zone.SetLayer(layer)
        zone.SetNet(nets[name])
        zone.SetLocalClearance(mm(0.25))
        zone.SetMinThickness(mm(0.2))
        zone.SetPadConnection(pcbnew.ZONE_CONNECTION_THERMAL)
        pcb.Add(zone)


def antenna_keepout(pcb):
    """No copper of any kind under or beside the module's antenna (Espressif's layout guidance)."""
    x, y, _ = layout.ANCHORS["esp32"]
    zone = rectangle_zone(pcb, x - 24, 0, x + 24, y - 9.8)
    zone.SetIsRuleArea(True)
    zone.SetDoNotAllowCopperPour(True)
    zone.SetDoNotAllowTracks(True)
    zone.SetDoNotAllowVias(True)
    zone.SetDoNotAllowPads(False)
    zone.SetDoNotAllowFootprints(False)
    layers = pcbnew.LSET()
    for layer in (pcbnew.F_Cu, pcbnew.In1_Cu, pcbnew.In2_Cu, pcbnew.B_Cu):
        layers.AddLayer(layer)
    zone.SetLayerSet(layers)
    pcb.Add(zone)


def build(board):
    """A pcbnew BOARD of the netlist, placed, with planes; not yet routed. Returns (pcb, nets by name, ref -> footprint)."""
    pcb = new_board()
    outline(pcb)
    nets = {}
    for name in sorted(board.nets):
        info = pcbnew.NETINFO_ITEM(pcb, name)
        pcb.Add(info)
        nets[name] = info
    placed = layout.place(board, pcb)
    by_pin = board.nets_by_pin
    for part in board.parts.values():
        fp = placed.get(part.ref)
        if fp is None:
            continue
        for pin in part.pins.values():
            name = by_pin.get((part.ref, pin.number)) or unconnected_net(part.ref, pin)
            if name not in nets:
                nets[name] = pcbnew.NETINFO_ITEM(pcb, name)
                pcb.Add(nets[name])
            for pad in fp.Pads():
                if pad.GetNumber() == pin.number:
                    pad.SetNet(nets[name])
    planes(pcb, nets)
    antenna_keepout(pcb)
    return pcb, nets, placed


def unconnected_net(reference, pin):
    """The net KiCad gives a pin left unconnected in the schematic, so that board and schematic agree pad for pad."""
    return f"unconnected-({reference}-{pin.name.replace('/', '{slash}')}-Pad{pin.number})"


def fill_zones(pcb):
    pcbnew.ZONE_FILLER(pcb).Fill(pcb.Zones())
