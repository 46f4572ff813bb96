"""The ClosedLoop rig board as code: its parts and nets, checked by electrical rules, turned into KiCad files."""
