#!/usr/bin/env python3
"""Boot the PAM-switching -bios guest on /dev/kvm (-M pc) and check it.

usage: run.py VIGIL GUEST_BIN

The guest (pam-guest.S) flips PAM1 between the ROM side and RAM and
writes to its own read-only image, then prints its verdict on COM1 and
writes the ISA pvpanic; the test waits for GUEST_PANICKED and reads the
serial log.  Exit 77 (skip) only when /dev/kvm is not usable.
"""
import os
import sys

sys.dont_write_bytecode = True   # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'pylib'))
import vigiltest as vt  # noqa: E402


def main():
    vigil, guest = sys.argv[1], sys.argv[2]
    if not vt.kvm_usable():
        print("SKIP-REASON: dev-kvm-unusable: /dev/kvm is not usable")
        sys.exit(77)
    event, serial, failure = vt.boot_to_panic(
        vigil, "pc", ["-bios", guest], ["-device", "pvpanic"])
    print("guest serial:\n" + serial)
    ok = event is not None and "pam-guest: ok" in serial
    if failure:
        print("FAIL: " + failure)
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
