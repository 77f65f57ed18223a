#!/usr/bin/env python3
"""Boot the PAM-switching -bios guest on /dev/kvm (-M pc) and check it.

usage: run.py VIGIL GUEST_BIN

The guest (pam-guest.S) flips PAM1 between the ROM side and RAM and
writes to its own read-only image, then prints its verdict on COM1 and
writes the ISA pvpanic; the test waits for GUEST_PANICKED and reads the
serial log.  Exit 77 (skip) only when /dev/kvm is not usable.
"""
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True   # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'pylib'))
import vigiltest as vt  # noqa: E402

TIMEOUT = 30


def main():
    vigil, guest = sys.argv[1], sys.argv[2]
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        print("SKIP-REASON: dev-kvm-unusable: /dev/kvm is not usable")
        sys.exit(77)
    ok = False
    with tempfile.TemporaryDirectory() as tmp:
        sock = os.path.join(tmp, "qmp.sock")
        log = os.path.join(tmp, "serial.log")
        argv = [vigil, "-accel", "kvm", "-M", "pc", "-nodefaults", "-S",
                "-m", "64", "-bios", guest, "-device", "pvpanic",
                "-serial", f"file:{log}", "-action", "panic=pause",
                "-qmp", f"unix:{sock},server=on,wait=off"]
        proc = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True)
        try:
            qmp = vt.QmpConn(vt.unix_connect(sock, TIMEOUT))
            qmp.greeting(TIMEOUT)
            assert "return" in qmp.cmd("qmp_capabilities", timeout=TIMEOUT)
            assert "return" in qmp.cmd("cont", timeout=TIMEOUT)
            qmp.wait_event("GUEST_PANICKED", TIMEOUT)
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
        serial = open(log, errors="replace").read() \
            if os.path.exists(log) else ""
        print("guest serial:\n" + serial)
        if "pam-guest: ok" not in serial:
            ok = False
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
