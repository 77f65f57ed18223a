#!/usr/bin/env python3
"""Boot the ACPI-walking guest on /dev/kvm and wait for GUEST_PANICKED.

usage: run.py VIGIL GUEST_ELF [IOPORT [MACHINE]]

The guest finds pvpanic only through the ACPI tables Vigil builds
(RSDP -> XSDT -> FADT -> DSDT -> QEMU0001 -> _CRS), so the event proves
the tables are where and what a guest expects; with IOPORT (e.g. 0x540)
it proves the AML follows the device's port; with MACHINE (e.g.
pc-i440fx-9.1) it runs that machine version instead of the default.  Exit 77 (skip) only when
/dev/kvm is not usable.
"""
import json
import os
import sys

sys.dont_write_bytecode = True   # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'pylib'))
import vigiltest as vt  # noqa: E402


def skip(key, msg):
    print(f"SKIP-REASON: {key}: {msg}")  # see scripts/test-summary.py
    sys.exit(77)


def main():
    vigil, guest = sys.argv[1], sys.argv[2]
    ioport = sys.argv[3] if len(sys.argv) > 3 else None
    machine = sys.argv[4] if len(sys.argv) > 4 else "pc"
    if not vt.kvm_usable():
        skip("dev-kvm-unusable", "/dev/kvm is not usable")
    device = "pvpanic" + (f",ioport={ioport}" if ioport else "")
    want_port = int(ioport, 0) if ioport else 0x505
    event, serial, failure = vt.boot_to_panic(
        vigil, machine, ["-kernel", guest], ["-device", device])
    ok = failure is None and event is not None
    if failure:
        print("FAIL: " + failure)
    elif event["data"]["action"] != "pause":
        print(f"FAIL: unexpected event {json.dumps(event)}")
        ok = False
    else:
        print(f"GUEST_PANICKED seen: {json.dumps(event)}")
    print("guest serial:\n" + serial)
    # The UART is optional for this test; if it printed, check it.
    if "capability" in serial and f"port {hex(want_port)} " not in serial:
        print(f"FAIL: guest did not find the port {hex(want_port)}")
        ok = False
    if "acpi-guest: FAIL" in serial:
        ok = False
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
