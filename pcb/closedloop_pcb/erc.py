"""
Electrical rules on the netlist, as KiCad's ERC would check the schematic (KiCad 6 has no command-line ERC):
every pin of every symbol is on a net or deliberately unconnected; no net has a single pin; no two outputs drive
one net; every input can be driven; every net with a power input has a power output (a regulator or a PWR_FLAG);
every symbol pin has a pad of its footprint. And the ESP32's rules, beyond the ones nf.config's check applies to the
firmware's pins: the module's flash pins and the strapping pins other than GPIO0 stay unconnected, and the
input-only GPIOs are driven from outside, never expected to drive.
"""

DRIVERS = {"output", "power_out"}
CAN_DRIVE = {"output", "power_out", "bidirectional", "tri_state", "passive", "open_collector", "open_emitter"}

ESP32_FLASH = ("SHD/SD2", "SWP/SD3", "SCS/CMD", "SCK/CLK", "SDO/SD0", "SDI/SD1")
ESP32_STRAPPING = ("IO2", "IO5", "IO12", "IO15")
ESP32_INPUT_ONLY = ("SENSOR_VP", "SENSOR_VN", "IO34", "IO35")


def check(board):
    """Every violation as a sentence naming the part, pin and net."""
    errors = []
    for part in board.parts.values():
        pads = board.footprint_pads(part) if part.footprint else set()
        if part.footprint and pads is None:
            errors.append(f"{part.ref}: footprint {part.footprint} not found")
            pads = set()
        for pin in part.pins.values():
            net = board.net_of(part, pin)
            listed = (part.ref, pin.number) in board.unconnected
            if pin.kind == "no_connect":
                if net is not None:
                    errors.append(f"{part.ref}.{pin.number} ({pin.name}) is a no-connect pin but is on net {net}")
            elif net is None and not listed:
                errors.append(f"{part.ref}.{pin.number} ({pin.name}) is connected to nothing and not marked unconnected")
            elif net is not None and listed:
                errors.append(f"{part.ref}.{pin.number} ({pin.name}) is marked unconnected but is on net {net}")
            if part.footprint and pin.number not in pads:
                errors.append(f"{part.ref}.{pin.number} ({pin.name}) has no pad in footprint {part.footprint}")

    for name, members in board.nets.items():
        kinds = [pin.kind for _, pin in members]
        where = ", ".join(f"{p.ref}.{q.number}" for p, q in members)
        if len(members) < 2:
            errors.append(f"net {name} has a single pin ({where})")
        if sum(1 for k in kinds if k in DRIVERS) > 1:
            errors.append(f"net {name} has more than one output driving it ({where})")
        if "input" in kinds and not any(k in CAN_DRIVE for k in kinds):
            errors.append(f"net {name} has inputs and nothing that can drive them ({where})")
        if "power_in" in kinds and "power_out" not in kinds:
            errors.append(f"net {name} feeds power inputs but no power output or PWR_FLAG drives it ({where})")

    errors.extend(esp32_rules(board))
    return errors


def esp32_module(board):
    modules = [p for p in board.parts.values() if p.symbol == "RF_Module:ESP32-WROOM-32"]
    if len(modules) != 1:
        raise ValueError(f"expected one ESP32-WROOM-32, found {len(modules)}")
    return modules[0]


def esp32_rules(board):
    """The module's rules; a circuit without the module (a rule's test case) has none to break."""
    errors = []
    if not any(p.symbol == "RF_Module:ESP32-WROOM-32" for p in board.parts.values()):
        return errors
    esp = esp32_module(board)
    for name in ESP32_FLASH + ESP32_STRAPPING:
        _, pin = esp[name]
        net = board.net_of(esp, pin)
        if net is not None:
            errors.append(f"{esp.ref}.{pin.number} ({name}) is a flash or strapping pin but is on net {net}")
    for name in ESP32_INPUT_ONLY:
        _, pin = esp[name]
        net = board.net_of(esp, pin)
        if net is None:
            continue
        others = [q.kind for p, q in board.nets[net] if p is not esp]
        if not any(k in ("output", "tri_state", "bidirectional", "open_collector", "power_out") for k in others):
            errors.append(f"{esp.ref}.{pin.number} ({name}) is input only, but nothing on net {net} drives it")
    return errors


def gpio_map(board):
    """GPIO number -> net name for every ESP32 GPIO on a net."""
    esp = esp32_module(board)
    aliases = {"SENSOR_VP": 36, "SENSOR_VN": 39, "TXD0/IO1": 1, "RXD0/IO3": 3}
    result = {}
    for pin in esp.pins.values():
        number = aliases.get(pin.name)
        if number is None and pin.name.startswith("IO") and pin.name[2:].isdigit():
            number = int(pin.name[2:])
        if number is None:
            continue
        net = board.net_of(esp, pin)
        if net is not None:
            result[number] = net
    return result
