#!/usr/bin/env python3
"""Panic demo without a guest: Vigil's qtest accelerator stands in for
the CPU.  Starts Vigil with a pvpanic device, connects as a QMP client,
writes the panic bit to port 0x505 through the qtest socket -- the same
dispatch a KVM vCPU exit takes -- and prints the QMP traffic exactly as
a client receives it.

Usage: qtest-demo.py [VIGIL_BINARY]
"""
import os
import socket
import subprocess
import sys
import tempfile
import time


def recv_line(sock, buf):
    while b"\n" not in buf[0]:
        data = sock.recv(4096)
        if not data:
            raise EOFError("connection closed")
        buf[0] += data
    line, _, rest = buf[0].partition(b"\n")
    buf[0] = rest
    return line + b"\n"


def main():
    if len(sys.argv) > 2 or sys.argv[1:2] in (["-h"], ["--help"]):
        print(__doc__.strip())
        return 0 if len(sys.argv) == 2 else 2
    here = os.path.dirname(os.path.abspath(__file__))
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        here, "..", "build", "vigil")
    tmp = tempfile.mkdtemp(prefix="vigil-demo-")
    qtest_path = os.path.join(tmp, "qtest.sock")
    qmp_path = os.path.join(tmp, "qmp.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(qtest_path)
    listener.listen(1)
    cmd = [binary, "-accel", "qtest", "-qtest", "unix:" + qtest_path,
           "-qtest-log", "none", "-display", "none",
           "-qmp", "unix:%s,server=on,wait=off" % qmp_path,
           "-device", "pvpanic", "-action", "panic=pause"]
    print("$ " + " ".join(cmd))
    proc = subprocess.Popen(cmd)
    try:
        listener.settimeout(10)
        qtest, _ = listener.accept()
        qtest.settimeout(10)
        qbuf = [b""]
        qmp = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        qmp.settimeout(10)
        for _ in range(100):
            try:
                qmp.connect(qmp_path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                time.sleep(0.05)
        mbuf = [b""]
        print("QMP <- %r" % recv_line(qmp, mbuf))
        qmp.sendall(b'{"execute": "qmp_capabilities"}\n')
        print("QMP -> {\"execute\": \"qmp_capabilities\"}")
        print("QMP <- %r" % recv_line(qmp, mbuf))
        qtest.sendall(b"inb 0x505\n")
        print("qtest: inb 0x505 -> %s" % recv_line(qtest, qbuf).decode().strip())
        qtest.sendall(b"outb 0x505 0x1\n")
        print("qtest: outb 0x505 0x1 -> %s" % recv_line(qtest, qbuf).decode().strip())
        while True:
            line = recv_line(qmp, mbuf)
            print("QMP <- %r" % line)
            if b'"GUEST_PANICKED"' in line:
                break
        qmp.sendall(b'{"execute": "query-status"}\n')
        print("QMP <- %r" % recv_line(qmp, mbuf))
        qmp.sendall(b'{"execute": "quit"}\n')
        while True:
            try:
                print("QMP <- %r" % recv_line(qmp, mbuf))
            except (EOFError, OSError):
                break
        rc = proc.wait(timeout=10)
        print("vigil exited with status %d" % rc)
        return rc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for p in (qtest_path, qmp_path):
            try:
                os.unlink(p)
            except OSError:
                pass
        os.rmdir(tmp)


if __name__ == "__main__":
    sys.exit(main())
