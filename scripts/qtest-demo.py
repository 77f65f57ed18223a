#!/usr/bin/env python3
"""Panic demo without a guest: Vigil's qtest accelerator stands in for
the CPU.  Starts Vigil with a pvpanic device, connects as a QMP client,
writes the panic bit to port 0x505 through the qtest socket -- the same
dispatch a KVM vCPU exit takes -- and prints the QMP traffic exactly as
a client receives it.

Usage: qtest-demo.py [VIGIL_BINARY]
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True   # keep the source tree clean
sys.path.insert(0, os.path.join(HERE, "..", "tests", "pylib"))
import vigiltest as vt  # noqa: E402

TIMEOUT = 10


def recv_line(conn):
    line = conn.readline(TIMEOUT)
    if line is None:
        raise EOFError("connection closed" if conn.eof else "timeout")
    return line


def main():
    if len(sys.argv) > 2 or sys.argv[1:2] in (["-h"], ["--help"]):
        print(__doc__.strip())
        return 0 if len(sys.argv) == 2 else 2
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        HERE, "..", "build", "vigil")
    tmp = tempfile.mkdtemp(prefix="vigil-demo-")
    qtest_path = os.path.join(tmp, "qtest.sock")
    qmp_path = os.path.join(tmp, "qmp.sock")
    listener = vt.unix_listen(qtest_path)
    cmd = [binary, "-accel", "qtest", "-qtest", "unix:" + qtest_path,
           "-qtest-log", "none", "-display", "none",
           "-qmp", "unix:%s,server=on,wait=off" % qmp_path,
           "-device", "pvpanic", "-action", "panic=pause"]
    print("$ " + " ".join(cmd), flush=True)
    proc = subprocess.Popen(cmd)
    try:
        sock = vt.accept(listener, proc, TIMEOUT)
        if sock is None:
            raise EOFError("vigil did not connect to the qtest socket")
        qtest = vt.QtestConn(sock)
        sock = vt.try_connect(qmp_path, TIMEOUT, proc)
        if sock is None:
            raise EOFError("cannot connect to " + qmp_path)
        qmp = vt.QmpConn(sock)
        print("QMP <- %r" % recv_line(qmp))
        qmp.send(b'{"execute": "qmp_capabilities"}\n')
        print("QMP -> {\"execute\": \"qmp_capabilities\"}")
        print("QMP <- %r" % recv_line(qmp))
        print("qtest: inb 0x505 -> %s" % qtest.cmd("inb 0x505", TIMEOUT))
        print("qtest: outb 0x505 0x1 -> %s" % qtest.cmd("outb 0x505 0x1",
                                                        TIMEOUT))
        while True:
            line = recv_line(qmp)
            print("QMP <- %r" % line)
            if b'"GUEST_PANICKED"' in line:
                break
        qmp.send(b'{"execute": "query-status"}\n')
        print("QMP <- %r" % recv_line(qmp))
        qmp.send(b'{"execute": "quit"}\n')
        while True:
            try:
                print("QMP <- %r" % recv_line(qmp))
            except EOFError:
                break
        rc = proc.wait(timeout=TIMEOUT)
        print("vigil exited with status %d" % rc)
        return rc
    finally:
        listener.close()
        vt.kill(proc)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
