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
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True   # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'pylib'))
import vigiltest as vt  # noqa: E402

TIMEOUT = 30


def skip(key, msg):
    print(f"SKIP-REASON: {key}: {msg}")  # see scripts/test-summary.py
    sys.exit(77)


def main():
    vigil, guest = sys.argv[1], sys.argv[2]
    ioport = sys.argv[3] if len(sys.argv) > 3 else None
    machine = sys.argv[4] if len(sys.argv) > 4 else "pc"
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        skip("dev-kvm-unusable", "/dev/kvm is not usable")
    device = "pvpanic" + (f",ioport={ioport}" if ioport else "")
    want_port = int(ioport, 0) if ioport else 0x505
    with tempfile.TemporaryDirectory() as tmp:
        sock = os.path.join(tmp, "qmp.sock")
        log = os.path.join(tmp, "serial.log")
        argv = [vigil, "-accel", "kvm", "-M", machine, "-nodefaults", "-S",
                "-m", "64",
                "-kernel", guest, "-device", device,
                "-serial", f"file:{log}", "-action", "panic=pause",
                "-qmp", f"unix:{sock},server=on,wait=off"]
        proc = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True)
        ok = False
        try:
            qmp = vt.QmpConn(vt.unix_connect(sock, TIMEOUT))
            qmp.greeting(TIMEOUT)
            assert "return" in qmp.cmd("qmp_capabilities", timeout=TIMEOUT)
            assert "return" in qmp.cmd("cont", timeout=TIMEOUT)
            ev = qmp.wait_event("GUEST_PANICKED", TIMEOUT)
            assert ev["data"]["action"] == "pause", ev
            print(f"GUEST_PANICKED seen: {json.dumps(ev)}")
            qmp.cmd("quit", timeout=TIMEOUT)
            ok = True
        except (OSError, EOFError, AssertionError, ValueError,
                vt.TestFailure) as e:
            print(f"FAIL: {type(e).__name__}: {e}")
        finally:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            err = proc.stderr.read()
            if err:
                print("vigil stderr:\n" + err)
        serial = open(log, errors="replace").read() if os.path.exists(log) \
            else ""
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
