"""
Small circuits, each built in memory to break one electrical rule of erc.py (and one that breaks none), so that a
test can show every rule firing and naming the place, without touching the board's own source. Each case builds with
the board's own helpers (board.Circuit) and blocks where a rule needs one (the ESP32's).
"""
from . import board as circuit, erc



def _buffer(b, input_net, output_net, supply="+3V3"):
    """A 74LVC1G17: input pin 2, output pin 4, VCC 5, GND 3."""
    u = b.part("U", "74xGxx:74LVC1G17", circuit.SOT23_5, "74LVC1G17", "SN74LVC1G17DBVR", "Texas Instruments")
    b.connect(input_net, u[2])
    b.connect(output_net, u[4])
    b.connect(supply, u["VCC"])
    b.connect("GND", u["GND"])
    return u


def _powered(b):
    b.power_flag("+3V3")
    b.power_flag("GND")


def clean(b):
    """A divider between two flagged rails: nothing to report."""
    _powered(b)
    b.resistor("10k", "+3V3", "MID")
    b.resistor("10k", "MID", "GND")


def pin_left_open(b):
    _powered(b)
    r = b.part("R", "Device:R", circuit.R0603, "10k", circuit.RESISTOR_MPN["10k"], "Yageo")
    b.connect("+3V3", r[1])
    b.resistor("10k", "+3V3", "GND")


def marked_open_but_connected(b):
    _powered(b)
    r = b.resistor("10k", "+3V3", "GND")
    b.leave_unconnected(r[2])


def single_pin_net(b):
    _powered(b)
    b.resistor("10k", "+3V3", "STUB")
    b.resistor("10k", "+3V3", "GND")


def two_outputs(b):
    _powered(b)
    b.resistor("10k", "+3V3", "IN")
    _buffer(b, "IN", "OUT")
    _buffer(b, "IN", "OUT")
    b.resistor("10k", "OUT", "GND")


def input_undriven(b):
    _powered(b)
    _buffer(b, "FLOATING", "OUT")
    _buffer(b, "FLOATING", "OUT2")
    b.resistor("10k", "OUT", "OUT2")


def unpowered_rail(b):
    b.power_flag("GND")
    b.resistor("10k", "RAIL", "IN")
    _buffer(b, "IN", "OUT", supply="RAIL")
    b.resistor("10k", "OUT", "GND")


def footprint_missing(b):
    _powered(b)
    b.resistor("10k", "+3V3", "GND", footprint="Resistor_SMD:R_0603_1608Metric_Missing")


def pin_without_pad(b):
    _powered(b)
    u = b.part("U", "74xGxx:74LVC1G17", "Package_TO_SOT_SMD:SOT-23", "74LVC1G17", "SN74LVC1G17DBVR", "Texas Instruments")
    b.resistor("10k", "+3V3", "IN")
    b.connect("IN", u[2])
    b.connect("OUT", u[4])
    b.connect("+3V3", u["VCC"])
    b.connect("GND", u["GND"])
    b.resistor("10k", "OUT", "GND")


def _bare_esp32(b, *used):
    """The module powered, every other pin but those named marked unconnected."""
    _powered(b)
    esp = b.part("U", "RF_Module:ESP32-WROOM-32", "RF_Module:ESP32-WROOM-32", "ESP32-WROOM-32E-N8", "ESP32-WROOM-32E-N8", "Espressif")
    b.connect("GND", esp[1], esp[15], esp[38], esp[39])
    b.connect("+3V3", esp["VDD"])
    for pin in esp.pins.values():
        if b.net_of(esp, pin) is None and pin.name not in used and pin.kind != "no_connect":
            b.leave_unconnected((esp, pin))
    return esp


def strapping_pin_used(b):
    esp = _bare_esp32(b, "IO2")
    b.resistor("10k", "+3V3", "STRAP")
    b.connect("STRAP", esp["IO2"])


def input_only_gpio_undriven(b):
    esp = _bare_esp32(b, "SENSOR_VN")
    b.resistor("10k", "spi_miso", "GND")
    b.connect("spi_miso", esp["SENSOR_VN"])


CASES = (clean, pin_left_open, marked_open_but_connected, single_pin_net, two_outputs, input_undriven, unpowered_rail,
         footprint_missing, pin_without_pad, strapping_pin_used, input_only_gpio_undriven)


def run():
    """Each case's name and the rule errors its circuit gets."""
    results = {}
    for case in CASES:
        b = circuit.Circuit()
        b.block = case.__name__
        case(b)
        results[case.__name__] = erc.check(b)
    return results
