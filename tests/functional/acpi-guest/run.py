#!/usr/bin/env python3
"""Boot the ACPI-walking guest on /dev/kvm and wait for GUEST_PANICKED.

usage: run.py VIGIL GUEST_ELF [IOPORT]

The guest finds pvpanic only through the ACPI tables Vigil builds
(RSDP -> XSDT -> FADT -> DSDT -> QEMU0001 -> _CRS), so the event proves
the tables are where and what a guest expects; with IOPORT (e.g. 0x540)
it proves the AML follows the device's port.  Exit 77 (skip) only when
/dev/kvm is not usable.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

TIMEOUT = 30


def skip(msg):
    print(f"SKIP: {msg}")
    sys.exit(77)


class Qmp:
    def __init__(self, path):
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.sock.settimeout(TIMEOUT)
        self.buf = b""

    def recv(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(4096)
            if not data:
                raise EOFError("QMP connection closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name):
        self.sock.sendall(json.dumps({"execute": name}).encode() + b"\n")
        while True:
            msg = self.recv()
            if "return" in msg or "error" in msg:
                return msg

    def wait_event(self, name):
        while True:
            msg = self.recv()
            if msg.get("event") == name:
                return msg


def main():
    vigil, guest = sys.argv[1], sys.argv[2]
    ioport = sys.argv[3] if len(sys.argv) > 3 else None
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        skip("/dev/kvm is not usable")
    device = "pvpanic" + (f",ioport={ioport}" if ioport else "")
    want_port = int(ioport, 0) if ioport else 0x505
    with tempfile.TemporaryDirectory() as tmp:
        sock = os.path.join(tmp, "qmp.sock")
        log = os.path.join(tmp, "serial.log")
        argv = [vigil, "-accel", "kvm", "-nodefaults", "-S", "-m", "64",
                "-kernel", guest, "-device", device,
                "-serial", f"file:{log}", "-action", "panic=pause",
                "-qmp", f"unix:{sock},server=on,wait=off"]
        proc = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True)
        ok = False
        try:
            qmp = Qmp(sock)
            qmp.recv()                                  # greeting
            assert "return" in qmp.cmd("qmp_capabilities")
            assert "return" in qmp.cmd("cont")
            ev = qmp.wait_event("GUEST_PANICKED")
            assert ev["data"]["action"] == "pause", ev
            print(f"GUEST_PANICKED seen: {json.dumps(ev)}")
            qmp.cmd("quit")
            ok = True
        except (OSError, EOFError, AssertionError, ValueError) as e:
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
