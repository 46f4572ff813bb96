"""
The wiring drawing a lab follows to connect the arm key, the e-stop and the two LED sockets to the board's terminal
blocks (an SVG). Which terminal pin each contact goes to is not written here: each switch pole is named by the two
nets it joins, each socket pin by its net, and the drawing looks the pins up in the netlist, so it cannot drift from
the board. Each wire carries data-* attributes naming both ends, for the tests to read back.
"""
from xml.sax.saxutils import escape

# The switches as the arm chain (board.arm_chain) needs them: each pole by the two nets it joins, what it does.
SWITCHES = [
    ("E-STOP", "E-stop: mushroom head, two normally closed poles", "NC", [
        ("A", "ESTOP_SENSE", "GND", "tells the firmware (estop_input): open = stop"),
        ("B", "SWITCH_3V3", "CHAIN_MID", "carries the arm chain: open = outputs cut in hardware"),
    ]),
    ("KEY", "Arm key switch: two normally open poles", "NO", [
        ("A", "SWITCH_3V3", "ARM_SENSE", "tells the firmware (arm_input): closed = armed"),
        ("B", "CHAIN_MID", "ARM_OK", "closes the arm chain: open = outputs cut in hardware"),
    ]),
]

# The panel sockets the connectorized LEDs plug into: M8 4-pin, pin 1 the LED's anode and pin 2 its cathode, as
# pyPhotometry's board wires its M8 LED outputs (pyPhotometry/hardware, acquisition_board_v2.0: pin 1 on the 5 V
# supply, pin 2 on the driver MOSFET's drain); pins 3 and 4 (an LED's ID memory on some makes) stay unconnected.
SOCKETS = [
    ("LED1", "LED1 socket: M8 4-pin female, 470 nm LED", [("1", "+5V", "anode"), ("2", "LED1_K", "cathode")]),
    ("LED2", "LED2 socket: M8 4-pin female, 405/415 nm LED", [("1", "+5V", "anode"), ("2", "LED2_K", "cathode")]),
]

# A terminal pin's label, as the board's silkscreen prints it beside the pin: its net, shortened to what a person
# wiring it needs.
PIN_LABELS = {"+5V": "+5V", "LED1_K": "K", "LED2_K": "K", "ESTOP_SENSE": "SENSE", "SWITCH_3V3": "3V3", "GND": "GND",
              "CHAIN_MID": "MID", "ARM_OK": "OK", "ARM_SENSE": "SENSE"}

TERMINAL_ORDER = ["LED1", "LED2", "E-STOP", "ARM CHAIN", "ARM SENSE"]
COLOURS = ["#c0392b", "#1f618d", "#b9770e", "#117a65", "#7d3c98", "#2e4053"]


def terminals(board):
    """Each terminal block's nets by pin number (1, 2, ...), by its name on the board."""
    blocks = {}
    for part in board.parts.values():
        if part.footprint.startswith("TerminalBlock"):
            blocks[part.value] = {int(pin.number): board.net_of(part, pin) for pin in part.pins.values()}
    return blocks


def pin_of(blocks, nets):
    """The block holding every one of nets, and each net's pin on it."""
    for name in TERMINAL_ORDER:
        pins = {net: number for number, net in blocks.get(name, {}).items()}
        if all(net in pins for net in nets):
            return name, [pins[net] for net in nets]
    raise ValueError(f"no terminal block carries all of {nets}")


def svg(board):
    blocks = terminals(board)
    pitch, block_gap, x_block = 22, 40, 150
    lines, y = [], 80
    pin_at = {}
    for name in TERMINAL_ORDER:
        pins = blocks[name]
        height = pitch * len(pins)
        lines.append(f'<rect x="{x_block}" y="{y - 12}" width="44" height="{height + 2}" fill="#4caf50" stroke="#1b5e20"/>')
        lines.append(f'<text x="{x_block}" y="{y - 18}" font-weight="bold">{escape(name)}</text>')
        for number in sorted(pins):
            py = y + (number - 1) * pitch
            pin_at[(name, number)] = (x_block + 44, py)
            lines.append(f'<circle cx="{x_block + 30}" cy="{py - 1}" r="6" fill="#cfd8dc" stroke="#37474f"/>')
            lines.append(f'<text x="{x_block + 6}" y="{py + 3}" font-size="11">{number}</text>')
            lines.append(f'<text x="{x_block - 10}" y="{py + 18 - pitch / 2 + 4}" text-anchor="end" font-size="11" fill="#555">'
                         f'{escape(PIN_LABELS.get(pins[number], pins[number]))}</text>')
        y += height + block_gap

    dy, colour = 80, 0
    x_device = 560
    for name, title, pins in SOCKETS:
        lines.append(f'<text x="{x_device - 20}" y="{dy - 20}" font-weight="bold">{escape(title)}</text>')
        lines.append(f'<circle cx="{x_device + 30}" cy="{dy + 10}" r="26" fill="#eceff1" stroke="#37474f"/>')
        block, numbers = pin_of(blocks, [net for _, net, _ in pins])
        for i, ((number, net, role), terminal_pin) in enumerate(zip(pins, numbers)):
            cy = dy + i * 20
            lines.append(f'<text x="{x_device + 62}" y="{cy + 4}" font-size="11">pin {number}: LED {role}</text>')
            lines.append(wire(pin_at[(block, terminal_pin)], (x_device + 18, cy), COLOURS[colour % len(COLOURS)], colour,
                              device=name, contact=f"M8 pin {number}", block=block, pin=terminal_pin, kind="socket"))
            colour += 1
        lines.append(f'<text x="{x_device + 62}" y="{dy + 44}" font-size="11" fill="#555">pins 3, 4: not connected</text>')
        dy += 110

    for name, title, kind, poles in SWITCHES:
        lines.append(f'<text x="{x_device - 20}" y="{dy - 20}" font-weight="bold">{escape(title)}</text>')
        for i, (pole, net_a, net_b, role) in enumerate(poles):
            cy = dy + i * 46
            block, numbers = pin_of(blocks, [net_a, net_b])
            lines.append(contact_symbol(x_device, cy, kind))
            lines.append(f'<text x="{x_device + 86}" y="{cy + 14}" font-size="11">pole {pole}: {escape(role)}</text>')
            for end, (number, x) in enumerate(zip(numbers, (x_device, x_device + 60))):
                lines.append(wire(pin_at[(block, number)], (x, cy + 10), COLOURS[colour % len(COLOURS)], 2 * colour + end,
                                  device=name, contact=f"pole {pole}{end + 1}", block=block, pin=number, kind=kind,
                                  from_right=end == 1))
            colour += 1
        # The poles move together: one operator, drawn as the dashed link between them.
        lines.append(f'<line x1="{x_device + 30}" y1="{dy - 4}" x2="{x_device + 30}" y2="{dy + 46 * (len(poles) - 1) + 4}" '
                     f'stroke="#777" stroke-dasharray="4 3"/>')
        dy += 46 * len(poles) + 60

    height = max(y, dy - 40) + 10
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="1080" height="{height}" viewBox="0 0 1080 {height}" '
            f'font-family="DejaVu Sans, Arial, sans-serif" font-size="13">\n'
            f'<rect width="1080" height="{height}" fill="white"/>\n'
            f'<text x="20" y="28" font-size="16" font-weight="bold">ClosedLoop rig board: wiring the arm key, the e-stop and the LED sockets</text>\n'
            f'<text x="{x_block - 60}" y="{height - 8}" font-size="11" fill="#555">terminal blocks on the board\'s right edge, top to bottom</text>\n')
    return head + "\n".join(lines) + "\n</svg>\n"


def contact_symbol(x, y, kind):
    """A switch contact between (x, y + 10) and (x + 60, y + 10): normally open lifts its blade, normally closed
    rests it on the far contact."""
    blade_end = (x + 46, y - 2) if kind == "NO" else (x + 52, y + 8)
    return (f'<g class="contact {kind}"><circle cx="{x + 8}" cy="{y + 10}" r="3"/><circle cx="{x + 52}" cy="{y + 10}" r="3"/>'
            f'<line x1="{x}" y1="{y + 10}" x2="{x + 8}" y2="{y + 10}" stroke="black"/>'
            f'<line x1="{x + 52}" y1="{y + 10}" x2="{x + 60}" y2="{y + 10}" stroke="black"/>'
            f'<line x1="{x + 8}" y1="{y + 10}" x2="{blade_end[0]}" y2="{blade_end[1]}" stroke="black" stroke-width="2"/>'
            f'<text x="{x + 24}" y="{y - 6}" font-size="10">{kind}</text></g>')


def wire(start, end, colour, lane, device, contact, block, pin, kind, from_right=False):
    """A wire from a terminal pin to a contact, running down its own lane; one that ends on a switch's far contact
    passes under the switch and comes in from the right, so it cannot be read as bridging the contact."""
    mid = start[0] + 24 + lane * 11
    route = f"V {end[1]} H {end[0]}" if not from_right else f"V {end[1] + 16} H {end[0] + 10} V {end[1]} H {end[0]}"
    return (f'<path class="wire" data-device="{escape(device)}" data-contact="{escape(contact)}" data-kind="{kind}" '
            f'data-terminal="{escape(block)}" data-pin="{pin}" fill="none" stroke="{colour}" stroke-width="2" '
            f'd="M {start[0]} {start[1]} H {mid} {route}"/>')


def write(board, path):
    with open(path, "w", encoding="utf-8") as f:
        f.write(svg(board))
