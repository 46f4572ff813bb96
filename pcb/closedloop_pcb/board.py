"""
The ClosedLoop rig board, schematic as code. Net names that are nf.config [pins] keys are the ESP32 GPIOs the
firmware drives or reads with that key (tests hold the two and docs/hardware.md equal); other nets are named for
what they carry. Every part has a KiCad 6 symbol and footprint and a manufacturer part number.

Blocks: USB-C power and the USB-UART with auto-reset (so `closedloop flash` needs no buttons); 3.3 V regulation;
the ESP32-WROOM-32E; two photoreceiver inputs (divider, anti-alias, clamps) into an ADS131M02 with its own
8.192 MHz clock; two constant-current LED drivers switched by the RMT excitation outputs; opto, dose and sync TTL
outputs through 5 V buffers, the opto and dose ones enabled only by the firmware's enable line AND the hardware
arm chain (e-stop contacts in series with the arm key), which no firmware state can close; protected TTL inputs;
the self-test jumper; status LEDs; mounting holes.
"""
from .netlist import Board

R0603 = "Resistor_SMD:R_0603_1608Metric"
C0603 = "Capacitor_SMD:C_0603_1608Metric"
C0805 = "Capacitor_SMD:C_0805_2012Metric"
C1206 = "Capacitor_SMD:C_1206_3216Metric"
LED0603 = "LED_SMD:LED_0603_1608Metric"
SOT23 = "Package_TO_SOT_SMD:SOT-23"
SOT23_5 = "Package_TO_SOT_SMD:SOT-23-5"
BNC = "Connector_Coaxial:BNC_Amphenol_B6252HB-NPP3G-50_Horizontal"
TERMINAL_4 = "TerminalBlock_Phoenix:TerminalBlock_Phoenix_MPT-0,5-4-2.54_1x04_P2.54mm_Horizontal"
TERMINAL_3 = "TerminalBlock_Phoenix:TerminalBlock_Phoenix_MPT-0,5-3-2.54_1x03_P2.54mm_Horizontal"
TERMINAL_2 = "TerminalBlock_Phoenix:TerminalBlock_Phoenix_MPT-0,5-2-2.54_1x02_P2.54mm_Horizontal"

# Yageo RC0603 (1 %) and RT0603 (0.1 %, 25 ppm/K) part numbers by value; Murata GRM capacitors.
RESISTOR_MPN = {
    "33": "RC0603FR-0733RL", "100": "RC0603FR-07100RL", "1k": "RC0603FR-071KL", "5.1k": "RC0603FR-075K1L",
    "10k": "RC0603FR-0710KL", "100k": "RC0603FR-07100KL", "1M": "RC0603FR-071ML",
}
CAPACITOR_MPN = {
    "1nF": ("GRM1885C1H102JA01D", C0603), "10nF C0G": ("GRM1885C1H103JA01D", C0603), "100nF": ("GRM188R71C104KA01D", C0603),
    "220nF": ("GRM188R71C224KA01D", C0603), "1uF": ("GRM188R61C105KA93D", C0603), "10uF": ("GRM21BR61C106KE15L", C0805),
    "22uF": ("GRM21BR61A226ME44L", C0805), "47uF": ("GRM31CR61A476ME15L", C1206),
}


# Nexperia sells a type by a number with its packing: ",115" and ",215" are 7-inch reels of SOD-323 and SOT-23.
NEXPERIA_ORDERABLE = {"PESD5V0S1BA": "PESD5V0S1BA,115", "BAT54S": "BAT54S,215"}

# The ESP32 pin of each nf.config [pins] key (tests hold this, nf.config and docs/hardware.md equal).
GPIO = {
    "signal_led": "IO25", "control_led": "IO26", "opto_ttl": "IO27", "dose_ttl": "IO14", "opto_enable": "IO18",
    "dose_enable": "IO19", "sync_out": "IO13", "arm_input": "IO32", "estop_input": "IO33", "encounter_input": "IO35",
    "selftest_input": "IO4", "spi_sclk": "IO22", "spi_mosi": "IO21", "spi_miso": "SENSOR_VN", "adc_cs": "IO23",
    "spare_input": "SENSOR_VP", "interlock_input": "IO34", "led_dac_cs": "IO16",
}


class Circuit(Board):
    """The board's netlist with the part helpers its blocks are drawn with."""

    def resistor(self, value, net_a, net_b, mpn=None, footprint=R0603, note="", near=None):
        r = self.part("R", "Device:R", footprint, value, mpn or RESISTOR_MPN[value], "Yageo", note, near)
        self.connect(net_a, r[1])
        self.connect(net_b, r[2])
        return r

    def capacitor(self, value, net_a, net_b="GND", near=None):
        mpn, footprint = CAPACITOR_MPN[value]
        c = self.part("C", "Device:C", footprint, value, mpn, "Murata", near=near)
        self.connect(net_a, c[1])
        self.connect(net_b, c[2])
        return c

    def led(self, colour, mpn, anode_net, resistor_from):
        """An indicator: resistor_from -> 1 kOhm -> LED -> GND."""
        d = self.part("D", "Device:LED", LED0603, colour, mpn, "Kingbright")
        self.resistor("1k", resistor_from, anode_net)
        self.connect(anode_net, d["A"])
        self.connect("GND", d["K"])
        return d

    def tvs(self, value, net, footprint="Diode_SMD:D_SOD-323", maker="Nexperia", near=None):
        # Nexperia's orderable numbers carry the packing (",115": 7-inch reel); the value is the type.
        mpn = NEXPERIA_ORDERABLE.get(value, value)
        d = self.part("D", "Device:D_TVS", footprint, value, mpn, maker, near=near)
        self.connect(net, d["A1"])
        self.connect("GND", d["A2"])
        return d

    def bnc(self, name, signal_net):
        j = self.part("J", "Connector:Conn_Coaxial", BNC, f"BNC {name}", "B6252HB-NPP3G-50", "Amphenol RF")
        self.connect(signal_net, j["In"])
        self.connect("GND", j["Ext"])
        return j

    def terminal(self, name, nets, note=""):
        """A Phoenix MPT 2.54 mm terminal block whose pin i + 1 is on nets[i]."""
        footprint, mpn = {2: (TERMINAL_2, "1725656"), 3: (TERMINAL_3, "1725669"), 4: (TERMINAL_4, "1725672")}[len(nets)]
        j = self.part("J", f"Connector_Generic:Conn_01x{len(nets):02d}", footprint, name, mpn, "Phoenix Contact", note)
        for i, net in enumerate(nets):
            self.connect(net, j[i + 1])
        return j

    def schmitt_input(self, source_net, gpio_net, name, connector_pin=None):
        """A 5 V tolerant input: an ESD diode at the connector's pin (where the connector's block has none), 1 kOhm,
        a 74LVC1G17 at 3.3 V driving the GPIO."""
        a = f"{name}_A"
        if connector_pin is not None:
            self.tvs("PESD5V0S1BA", source_net, near=connector_pin)
        self.resistor("1k", source_net, a)
        buffer = self.part("U", "74xGxx:74LVC1G17", SOT23_5, "74LVC1G17", "SN74LVC1G17DBVR", "Texas Instruments", "5 V tolerant input")
        self.connect(a, buffer[2])
        self.connect(gpio_net, buffer[4])
        self.connect("+3V3", buffer["VCC"])
        self.connect("GND", buffer["GND"])
        self.capacitor("100nF", "+3V3", near=buffer["VCC"])
        return a

    def power_flag(self, net):
        f = self.part("#FLG", "power:PWR_FLAG", "", "PWR_FLAG", "", "")
        self.connect(net, f[1])


def usb_power(b):
    """USB-C power: the connector, its ESD array and polyfuse, the 3.3 V regulator and bulk capacitance."""
    b.block = "power"
    usb = b.part("J", "Connector:USB_C_Receptacle_USB2.0", "Connector_USB:USB_C_Receptacle_HRO_TYPE-C-31-M-12", "USB-C", "TYPE-C-31-M-12", "Korean Hroparts")
    b.connect("VBUS", usb["A4"], usb["A9"], usb["B4"], usb["B9"])
    b.connect("GND", usb["A1"], usb["B1"], usb["A12"], usb["B12"], usb["S1"])
    b.connect("USB_DP", usb["A6"], usb["B6"])
    b.connect("USB_DN", usb["A7"], usb["B7"])
    b.leave_unconnected(usb["A8"], usb["B8"])
    b.resistor("5.1k", "USB_CC1", "GND", note="sink: asks the source for 5 V")
    b.connect("USB_CC1", usb["A5"])
    b.resistor("5.1k", "USB_CC2", "GND", note="sink: asks the source for 5 V")
    b.connect("USB_CC2", usb["B5"])
    esd = b.part("U", "Power_Protection:USBLC6-2SC6", "Package_TO_SOT_SMD:SOT-23-6", "USBLC6-2SC6", "USBLC6-2SC6", "STMicroelectronics",
                 near=usb["A6"])
    b.connect("USB_DP", esd[1], esd[6])
    b.connect("USB_DN", esd[3], esd[4])
    b.connect("VBUS", esd[5])
    b.connect("GND", esd[2])
    # MF-MSMF110-2 is an 1812 part (4.5 x 3.2 mm): Bourns' MF-MSMF series datasheet.
    fuse = b.part("F", "Device:Polyfuse", "Fuse:Fuse_1812_4532Metric", "1.1 A", "MF-MSMF110-2", "Bourns")
    b.connect("VBUS", fuse[1])
    b.connect("+5V", fuse[2])
    b.power_flag("VBUS")
    b.power_flag("+5V")
    b.power_flag("GND")

    # 250 mV dropout at 600 mA (the AMS1117 needs about 1.1 V): 3.3 V holds while USB sags to 3.6 V. 600 mA covers
    # the ESP32's Wi-Fi peaks of about 500 mA; the LEDs run from 5 V, not from here.
    ldo = b.part("U", "Regulator_Linear:AP2112K-3.3", "Package_TO_SOT_SMD:SOT-23-5", "AP2112K-3.3", "AP2112K-3.3TRG1", "Diodes Incorporated",
                 "low-dropout 3.3 V, 600 mA")
    b.connect("+5V", ldo["VIN"], ldo["EN"])
    b.connect("+3V3", ldo["VOUT"])
    b.connect("GND", ldo["GND"])
    b.leave_unconnected(ldo["NC"])
    b.capacitor("10uF", "+5V", near=ldo["VIN"])
    b.capacitor("22uF", "+3V3", near=ldo["VOUT"])
    # Bulk on 5 V for the LED drivers' steps and Wi-Fi bursts (47 uF X5R 10 V gives about 20 uF at 5 V bias).
    b.capacitor("47uF", "+5V")
    b.capacitor("47uF", "+5V")


def usb_uart(b):
    """The USB-UART and the two-transistor auto-reset, so that `closedloop flash` needs no buttons."""
    b.block = "uart"
    uart = b.part("U", "Interface_USB:CH340C", "Package_SO:SOIC-16_3.9x9.9mm_P1.27mm", "CH340C", "CH340C", "WCH", "USB-UART with its own clock, at 3.3 V")
    b.connect("+3V3", uart["VCC"], uart["V3"])
    b.connect("GND", uart["GND"], uart["R232"])
    b.connect("USB_DP", uart["UD+"])
    b.connect("USB_DN", uart["UD-"])
    b.connect("ESP_RXD", uart["TXD"])
    b.connect("ESP_TXD", uart["RXD"])
    b.connect("UART_DTR", uart["~{DTR}"])
    b.connect("UART_RTS", uart["~{RTS}"])
    b.leave_unconnected(uart["~{CTS}"], uart["~{DSR}"], uart["~{RI}"], uart["~{DCD}"])
    b.capacitor("100nF", "+3V3", near=uart["VCC"])

    # The usual two-transistor auto-reset: DTR/RTS pull EN and IO0 so that esptool (nanoff) enters the bootloader.
    q_en = b.part("Q", "Transistor_BJT:MMBT3904", SOT23, "MMBT3904", "MMBT3904LT1G", "onsemi")
    b.resistor("10k", "UART_DTR", "Q_EN_BASE")
    b.connect("Q_EN_BASE", q_en["B"])
    b.connect("UART_RTS", q_en["E"])
    b.connect("ESP_EN", q_en["C"])
    q_boot = b.part("Q", "Transistor_BJT:MMBT3904", SOT23, "MMBT3904", "MMBT3904LT1G", "onsemi")
    b.resistor("10k", "UART_RTS", "Q_BOOT_BASE")
    b.connect("Q_BOOT_BASE", q_boot["B"])
    b.connect("UART_DTR", q_boot["E"])
    b.connect("ESP_BOOT", q_boot["C"])


def esp32(b):
    """The ESP32 module, its reset and boot straps with their buttons, and the GPIOs of nf.config [pins] (GPIO)."""
    b.block = "esp32"
    esp = b.part("U", "RF_Module:ESP32-WROOM-32", "RF_Module:ESP32-WROOM-32", "ESP32-WROOM-32E-N8", "ESP32-WROOM-32E-N8", "Espressif",
                 "8 MB flash: nanoFramework's I: drive is 2 MiB (rig.flash_mb = 8)")
    b.connect("GND", esp[1], esp[15], esp[38], esp[39])
    b.connect("+3V3", esp["VDD"])
    b.capacitor("10uF", "+3V3", near=esp["VDD"])
    b.capacitor("100nF", "+3V3", near=esp["VDD"])
    b.connect("ESP_EN", esp["EN"])
    b.resistor("10k", "+3V3", "ESP_EN")
    b.capacitor("1uF", "ESP_EN", near=esp["EN"])
    b.connect("ESP_BOOT", esp["IO0"])
    b.resistor("10k", "+3V3", "ESP_BOOT", note="GPIO0 high at reset: run from flash")
    # Recovery when the auto-reset cannot reach the bootloader: hold BOOT, press EN.
    for net, name in (("ESP_EN", "EN"), ("ESP_BOOT", "BOOT")):
        button = b.part("SW", "Switch:SW_Push", "Button_Switch_SMD:SW_SPST_TL3342", name, "TL3342F160QG/TR", "E-Switch", "to GND")
        b.connect(net, button[1])
        b.connect("GND", button[2])
    b.module = esp
    b.connect("ESP_TXD", esp["TXD0/IO1"])
    b.connect("ESP_RXD", esp["RXD0/IO3"])
    for net, pin in GPIO.items():
        b.connect(net, esp[pin])
    # Flash (6-11), the strapping pins other than IO0 (2, 5, 12, 15) and 17 stay free. IO16, which a WROVER's PSRAM
    # would take, is free on this WROOM module: the LED DAC's chip select.
    b.leave_unconnected(*(esp[p] for p in ("SHD/SD2", "SWP/SD3", "SCS/CMD", "SCK/CLK", "SDO/SD0", "SDI/SD1", "IO2", "IO5", "IO12", "IO15", "IO17")))


def photoreceiver_inputs(b):
    """The ADS131M02 with its supplies, clock and SPI, and the two photoreceiver inputs into it."""
    b.block = "adc"
    ferrite = b.part("FB", "Device:FerriteBead", "Inductor_SMD:L_0603_1608Metric", "220R@100MHz", "BLM18PG221SN1D", "Murata")
    b.connect("+3V3", ferrite[1])
    b.connect("+3V3A", ferrite[2])
    b.power_flag("+3V3A")
    adc = b.part("U", "ClosedLoop:ADS131M02", "Package_SO:TSSOP-20_4.4x6.5mm_P0.65mm", "ADS131M02", "ADS131M02IPWR", "Texas Instruments")
    b.connect("+3V3A", adc["AVDD"])
    b.capacitor("1uF", "+3V3A", near=adc["AVDD"])
    b.capacitor("100nF", "+3V3A", near=adc["AVDD"])
    b.connect("+3V3", adc["DVDD"])
    b.capacitor("1uF", "+3V3", near=adc["DVDD"])
    b.capacitor("100nF", "+3V3", near=adc["DVDD"])
    b.connect("GND", adc["AGND"], adc["DGND"], adc["AIN0N"], adc["AIN1N"])
    b.capacitor("220nF", "ADC_CAP", near=adc["CAP"])
    b.connect("ADC_CAP", adc["CAP"])
    b.resistor("10k", "+3V3", "ADC_SYNC_RESET", note="the driver resets the converter over SPI")
    b.connect("ADC_SYNC_RESET", adc["~{SYNC}/~{RESET}"])
    b.connect("adc_cs", adc["~{CS}"])
    b.resistor("33", "spi_sclk", "ADC_SCLK", note="series damping at the source", near=b.module[GPIO["spi_sclk"]])
    b.connect("ADC_SCLK", adc["SCLK"])
    b.resistor("33", "spi_mosi", "ADC_DIN", note="series damping at the source", near=b.module[GPIO["spi_mosi"]])
    b.connect("ADC_DIN", adc["DIN"])
    b.connect("spi_miso", adc["DOUT"])
    b.leave_unconnected(adc["~{DRDY}"])
    clock = b.part("X", "Oscillator:ASE-xxxMHz", "Oscillator:Oscillator_SMD_Abracon_ASE-4Pin_3.2x2.5mm", "8.192 MHz", "ASE-8.192MHZ-LC-T", "Abracon",
                   near=adc["XTAL1/CLKIN"])
    b.connect("+3V3", clock["Vdd"], clock["EN"])
    b.connect("GND", clock["GND"])
    b.capacitor("100nF", "+3V3", near=clock["Vdd"])
    b.resistor("33", "ADC_CLK_OSC", "ADC_CLKIN", note="series damping at the source", near=clock["OUT"])
    b.connect("ADC_CLK_OSC", clock["OUT"])
    b.connect("ADC_CLKIN", adc["XTAL1/CLKIN"])

    for channel, (name, pin) in enumerate((("IN1", "AIN0P"), ("IN2", "AIN1P"))):
        bnc_net, node = f"{name}_BNC", f"ADC_AIN{channel}"
        b.block = name.lower()
        connector = b.bnc(name, bnc_net)
        b.tvs("SMAJ12CA", bnc_net, "Diode_SMD:D_SMA", "Littelfuse", near=connector["In"])
        b.resistor("7.5k", bnc_net, node, "RT0603BRD077K5L", note="0.1 %: divides 0-10.2 V to the converter's 1.2 V")
        b.resistor("1k", node, "GND", "RT0603BRD071KL", note="0.1 %")
        # The anti-alias capacitor and the clamp at the converter's pin, where the divider's track ends.
        b.capacitor("10nF C0G", node, near=adc[pin])
        clamp = b.part("D", "Diode:BAT54S", SOT23, "BAT54S", NEXPERIA_ORDERABLE["BAT54S"], "Nexperia", near=adc[pin])
        b.connect(node, clamp[3])
        b.connect("+3V3A", clamp[2])
        b.connect("GND", clamp[1])
        b.connect(node, adc[pin])


def led_drivers(b):
    """
    Two op-amp constant-current LED sinks. Each LED's current is set in software by a channel of an MCP4822 DAC (its
    own 2.048 V reference, not the Wi-Fi-loaded 3.3 V rail) and switched by the RMT excitation output through an
    analog switch. The setpoint is half the DAC's output, so no code can ask for more than 102 mA; with the switch open
    it is pulled to ground, and a bias of 3.3 mV on the feedback node holds the MOSFET fully off whatever the op-amp's
    offset. The firmware's LedCurrentLoop holds these values (a test compares them).
    """
    b.block = "leds"
    dac = b.part("U", "Analog_DAC:MCP4822", "Package_SO:SOIC-8_3.9x4.9mm_P1.27mm", "MCP4822", "MCP4822-E/SN", "Microchip",
                 "12 bits, internal 2.048 V reference, gain 1: SPI mode 0 on the converter's bus")
    b.connect("+3V3", dac["Vdd"])
    b.connect("GND", dac["Vss"], dac["~{LDAC}"])
    b.capacitor("100nF", "+3V3", near=dac["Vdd"])
    b.connect("led_dac_cs", dac["~{CS}"])
    b.resistor("10k", "+3V3", "led_dac_cs", note="DAC deselected while the ESP32 boots")
    b.connect("spi_sclk", dac["SCK"])
    b.connect("spi_mosi", dac["SDI"])
    b.connect("LED1_DAC", dac["VA"])
    b.connect("LED2_DAC", dac["VB"])
    opamp = b.part("U", "Amplifier_Operational:OPA2376xxD", "Package_SO:SOIC-8_3.9x4.9mm_P1.27mm", "OPA2376", "OPA2376AIDR", "Texas Instruments",
                   "25 uV offset at most, 5.5 MHz")
    b.connect("+5V", opamp["V+"])
    b.connect("GND", opamp["V-"])
    b.capacitor("100nF", "+5V", near=opamp["V+"])
    for n, (net, out, minus, plus) in enumerate((("signal_led", "1", "2", "3"), ("control_led", "7", "6", "5")), start=1):
        switched, setpoint, gate, sense = f"LED{n}_SW", f"LED{n}_SET", f"LED{n}_GATE", f"LED{n}_SENSE"
        b.block = f"led{n}"
        switch = b.part("U", "74xGxx:74LVC1G66", SOT23_5, "74LVC1G66", "SN74LVC1G66DBVR", "Texas Instruments", "closed while the RMT pattern is high")
        b.connect(f"LED{n}_DAC", switch[1])
        b.connect(switched, switch[2])
        b.connect(net, switch[4])
        b.connect("+3V3", switch["VCC"])
        b.connect("GND", switch["GND"])
        b.capacitor("100nF", "+3V3", near=switch["VCC"])
        b.resistor("10k", switched, setpoint, note="the setpoint is half the DAC's output")
        b.resistor("10k", setpoint, "GND", note="setpoint at ground while the switch is open")
        b.connect(setpoint, opamp[plus])
        b.connect(f"LED{n}_AMP", opamp[out])
        b.resistor("100", f"LED{n}_AMP", gate)
        b.resistor("100k", gate, "GND", note="gate held off while the op-amp is unpowered")
        b.capacitor("1nF", f"LED{n}_AMP", f"LED{n}_FB")
        b.resistor("1k", sense, f"LED{n}_FB")
        b.resistor("1M", "+3V3", f"LED{n}_FB", note="off-state bias: the feedback node sits 3.3 mV above the sense voltage")
        b.connect(f"LED{n}_FB", opamp[minus])
        fet = b.part("Q", "Transistor_FET:AO3400A", SOT23, "AO3400A", "AO3400A", "Alpha & Omega")
        b.connect(gate, fet["G"])
        b.connect(sense, fet["S"])
        b.connect(f"LED{n}_K", fet["D"])
        b.resistor("10", sense, "GND", "RC1206FR-0710RL", "Resistor_SMD:R_1206_3216Metric", "1 %, 1/4 W: 0.1 W at 100 mA")
        terminal = b.terminal(f"LED{n}", ["+5V", f"LED{n}_K"], "LED anode, LED cathode")
        b.tvs("PESD5V0S1BA", f"LED{n}_K", near=terminal[2])


def arm_chain(b):
    """The hardware arm chain (e-stop in series with the arm key), its sensed poles and its read-back."""
    # No pole has its two contacts on neighbouring terminals, and the chain's own nodes (CHAIN_MID, ARM_OK) have only
    # GND beside them: one short or a stray strand can open the chain (safe) but never close it, and what it does to a
    # sensed pole the firmware sees, because the chain is read back on interlock_input and compared with both poles.
    b.block = "arm"
    # The key and the e-stop are what people touch: every chain terminal has an ESD diode (the sensed poles get theirs
    # with their buffers), so a discharge into the cable never reaches the NAND gates' enable input.
    chain_tvs = {net: b.tvs("PESD5V0S1BA", net) for net in ("SWITCH_3V3", "CHAIN_MID", "ARM_OK")}
    b.resistor("100", "+3V3", "SWITCH_3V3", note="limits a shorted switch cable")
    estop = b.terminal("E-STOP", ["ESTOP_SENSE", "SWITCH_3V3", "GND", "CHAIN_MID"], "1-3: pole A to estop_input (closed = run); 2-4: pole B in the arm chain")
    b.resistor("10k", "SWITCH_3V3", "ESTOP_SENSE", note="open contact or cut wire reads high: stop")
    b.schmitt_input("ESTOP_SENSE", "estop_input", "ESTOP", connector_pin=estop[1])
    chain = b.terminal("ARM CHAIN", ["CHAIN_MID", "GND", "ARM_OK"], "1-3: the key's pole B closes the arm chain")
    sense = b.terminal("ARM SENSE", ["SWITCH_3V3", "GND", "ARM_SENSE"], "1-3: the key's pole A to arm_input (closed = armed)")
    b.resistor("10k", "ARM_SENSE", "GND")
    b.schmitt_input("ARM_SENSE", "arm_input", "ARM", connector_pin=sense[3])
    for net, pin in (("SWITCH_3V3", sense[1]), ("CHAIN_MID", chain[1]), ("ARM_OK", chain[3])):
        chain_tvs[net].near = pin
    b.resistor("10k", "CHAIN_MID", "GND")
    b.resistor("10k", "ARM_OK", "GND")
    b.led("green", "APT1608SGC", "LED_ARMED", "ARM_OK")
    # The chain read back, buffered like the sensed poles: the firmware faults when it disagrees with them.
    b.block = "misc"
    b.schmitt_input("ARM_OK", "interlock_input", "CHAIN")


def ttl_outputs(b):
    """Opto, dose and sync TTL outputs through 5 V buffers; opto and dose enabled by NAND(enable line, ARM_OK)."""
    ttl_output(b, "OPTO", "opto_ttl", "opto_enable")
    b.led("yellow", "APT1608SYCK", "LED_OPTO", "OPTO_Y")
    ttl_output(b, "DOSE", "dose_ttl", "dose_enable")
    b.led("yellow", "APT1608SYCK", "LED_DOSE", "DOSE_Y")
    ttl_output(b, "SYNC", "sync_out", None)


def ttl_output(b, name, gpio_net, enable_net):
    """One TTL output: the buffer, the NAND that enables it with ARM_OK (opto and dose), pulls, series resistor, TVS, BNC."""
    oe = f"{name}_OE_N"
    b.block = name.lower()
    if enable_net is None:
        oe = "GND"
    else:
        gate = b.part("U", "74xGxx:74LVC1G00", SOT23_5, "74LVC1G00", "SN74LVC1G00DBVR", "Texas Instruments")
        b.connect(enable_net, gate[1])
        b.connect("ARM_OK", gate[2])
        b.connect(oe, gate[4])
        b.connect("+3V3", gate["VCC"])
        b.connect("GND", gate["GND"])
        b.capacitor("100nF", "+3V3", near=gate["VCC"])
        b.resistor("10k", enable_net, "GND", note="enable low from power-on")
        b.resistor("100k", oe, "+5V", note="buffer disabled while the gate is unpowered")
    buffer = b.part("U", "74xGxx:74AHCT1G125", SOT23_5, "74AHCT1G125", "SN74AHCT1G125DBVR", "Texas Instruments", "TTL-level inputs, 5 V outputs")
    b.connect(oe, buffer[1])
    b.connect(gpio_net, buffer[2])
    b.connect(f"{name}_Y", buffer[4])
    b.connect("+5V", buffer["VCC"])
    b.connect("GND", buffer["GND"])
    b.capacitor("100nF", "+5V", near=buffer["VCC"])
    b.resistor("10k", gpio_net, "GND", note="input low before the ESP32 drives it")
    b.resistor("10k", f"{name}_Y", "GND", note="output low when the buffer is disabled")
    b.resistor("33", f"{name}_Y", f"{name}_BNC", note="series damping at the source", near=buffer[4])
    # The connector first so that its diode can be put at its pin (references count per letter: none moves).
    connector = b.bnc(name, f"{name}_BNC")
    b.tvs("PESD5V0S1BA", f"{name}_BNC", near=connector["In"])
    return buffer


def ttl_inputs(b):
    """Encounter and spare TTL inputs: 5 V tolerant Schmitt buffers at 3.3 V."""
    for name, gpio_net in (("ENCOUNTER", "encounter_input"), ("SPARE", "spare_input")):
        bnc_net = f"{name}_BNC"
        b.block = name.lower()
        connector = b.bnc(name, bnc_net)
        a = b.schmitt_input(bnc_net, gpio_net, name, connector_pin=connector["In"])
        b.resistor("100k", a, "GND", note="unplugged reads low")


def selftest_and_indicators(b):
    """The self-test loopback jumper, the power indicator and the mounting holes."""
    b.block = "misc"
    jumper = b.part("JP", "Jumper:Jumper_2_Open", "Connector_PinHeader_2.54mm:PinHeader_1x02_P2.54mm_Vertical", "SELFTEST", "61300211121", "Wurth Elektronik",
                    "fit for `closedloop selftest`: the opto TTL before its buffer, looped to the RMT receiver")
    b.connect("opto_ttl", jumper["A"])
    b.connect("selftest_input", jumper["B"])
    b.resistor("100k", "selftest_input", "GND")
    b.led("red", "APT1608EC", "LED_POWER", "+3V3")
    for _ in range(4):
        b.part("H", "Mechanical:MountingHole", "MountingHole:MountingHole_3.2mm_M3", "M3", "", "")


BLOCKS = (usb_power, usb_uart, esp32, photoreceiver_inputs, led_drivers, arm_chain, ttl_outputs, ttl_inputs, selftest_and_indicators)


def build():
    """The whole board: each block in turn (parts are numbered in this order)."""
    b = Circuit()
    for block in BLOCKS:
        block(b)
    return b
