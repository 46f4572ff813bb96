"""
The assembly house's conventions that differ from KiCad's: here, the rotation of each part in the pick-and-place file.

JLCPCB's parts library draws some packages turned against KiCad's zero orientation, so its placement rotation is
KiCad's plus an offset for those families. The offsets are the published table that KiBot applies for JLCPCB
(kibot/fil_rot_footprint.py, DEFAULT_ROTATIONS, itself from Matthew Lai's JLCKicadTools cpl_rotations_db.csv):
regular expressions on the footprint's name, first match wins; a part on the bottom side subtracts the offset.
Families the table does not name (the chips, SOD-323, SMA, the ESP32 module, the USB-C receptacle, the oscillator,
the trimmer) keep KiCad's rotation: check those in the house's placement preview before ordering.
"""
import re

# (footprint name pattern, degrees to add) for JLCPCB; not pcbnew-dependent, so it is testable without KiCad.
JLCPCB_OFFSETS = [
    (r"^R_Array_Convex_", 90), (r"^R_Array_Concave_", 90),
    (r"^SOT-223", 180), (r"^SOT-23", 180), (r"^TSOT-23", 180), (r"^SOT-353", 180),
    (r"^QFN-", 270), (r"^LQFP-", 270), (r"^TQFP-", 270), (r"^SOP-(?!18_)", 270), (r"^TSSOP-", 270),
    (r"^DFN-", 270), (r"^SOIC-", 270), (r"^VSSOP-10_", 270),
    (r"^CP_EIA-3216-18_", 180), (r"^CP_EIA-3528-15_AVX-H", 180), (r"^CP_EIA-3528-21_Kemet-B", 180),
    (r"^CP_Elec_8x10.5", 180), (r"^CP_Elec_6.3x7.7", 180), (r"^CP_Elec_8x6.7", 180), (r"^CP_Elec_8x10", 180),
    (r"^(.*?_|V)?QFN-(16|20|24|28|40)(-|_|$)", 270),
    (r"^Bosch_LGA-8_2x2.5mm_P0.65mm_ClockwisePinNumbering", 90), (r"^PowerPAK_SO-8_Single", 270),
    (r"^HTSSOP-28-1EP_4.4x9.7mm*", 270),
]


def jlcpcb_offset(footprint):
    """The degrees JLCPCB's rotation adds to KiCad's for a footprint name (without its library), 0 if none."""
    for pattern, degrees in JLCPCB_OFFSETS:
        if re.search(pattern, footprint):
            return degrees
    return 0


def jlcpcb_rotation(footprint, kicad_degrees, bottom=False):
    """A part's rotation for JLCPCB's pick-and-place file, in [0, 360)."""
    offset = jlcpcb_offset(footprint)
    return (kicad_degrees - offset if bottom else kicad_degrees + offset) % 360
