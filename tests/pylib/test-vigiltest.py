#!/usr/bin/env python3
"""Self-test of tests/pylib/vigiltest.py against a scripted peer (a
socketpair), so the one client every Python test relies on is itself
checked: framing, "\\r\\n" line ends, pretty-printed messages, partial
lines at end of file, the event stash, error replies.  Standard library
only; no Vigil needed."""

import os
import socket
import sys
import threading

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vigiltest as vt  # noqa: E402

GREETING = (b'{"QMP": {"version": {"qemu": {"micro": 0, "minor": 1, '
            b'"major": 9}, "package": ""}, "capabilities": ["oob"]}}\r\n')


def pair(cls=vt.QmpConn):
    a, b = socket.socketpair()
    return cls(a), b


def expect_failure(fn, text):
    try:
        fn()
    except vt.TestFailure as e:
        vt.check(text in str(e), "wrong failure %r, want %r" % (str(e), text))
        return
    raise vt.TestFailure("no failure, want %r" % text)


def test_lines_and_eof():
    c, peer = pair(vt.LineConn)
    peer.sendall(b"one\ntw")
    vt.check(c.readline(1) == b"one\n", "first line")
    vt.check(c.readline(0.05) is None and not c.eof, "timeout, not EOF")
    peer.sendall(b"o\nthree")
    peer.close()
    vt.check(c.readline(1) == b"two\n", "line split over two sends")
    vt.check(c.readline(1) is None and c.eof, "EOF")
    vt.check(c.take_rest() == b"three", "unterminated rest")
    vt.check(c.take_rest() == b"", "rest taken once")


def test_negotiate_and_cmd():
    c, peer = pair()

    def server():
        peer.sendall(GREETING)
        f = peer.makefile("rb")
        vt.check(f.readline() == b'{"execute": "qmp_capabilities"}\n',
                 "capabilities request")
        peer.sendall(b'{"return": {}}\r\n')
        vt.check(f.readline() == b'{"execute": "stop", "id": 7}\n',
                 "stop request")
        peer.sendall(b'{"timestamp": {"seconds": 1, "microseconds": 2}, '
                     b'"event": "STOP"}\r\n{"return": {}, "id": 7}\r\n')
        f.readline()
        peer.sendall(b'{"error": {"class": "GenericError", "desc": "no"}}'
                     b'\r\n')
    t = threading.Thread(target=server)
    t.start()
    c.negotiate(2)
    vt.check(c.cmd("stop", id=7, timeout=2) == {"return": {}, "id": 7},
             "reply with id")
    vt.check([e["event"] for e in c.events] == ["STOP"], "event stashed")
    vt.check(vt.strip_event(c.event()) == {"event": "STOP"}, "event")
    try:
        c.execute("cont", timeout=2)
        raise vt.TestFailure("no QmpError")
    except vt.QmpError as e:
        vt.check(e.error["desc"] == "no" and str(e).startswith("cont: "),
                 "QmpError %s" % e)
    t.join()


def test_crlf_required():
    c, peer = pair()
    peer.sendall(b'{"return": {}}\n')
    expect_failure(lambda: c.recv_msg(1), "without \\r\\n")


def test_pretty_and_raw():
    c, peer = pair()
    peer.sendall(b'{\r\n    "return": {\r\n    }\r\n}\r\nnot json\r\n')
    m = c.read_raw(1)
    vt.check(m[0] == "msg" and len(m[1]) == 4 and m[2] == {"return": {}},
             "pretty message %r" % (m,))
    m = c.read_raw(1)
    vt.check(m[0] == "msg" and m[2] is None, "not JSON %r" % (m,))
    vt.check(c.read_raw(0.05) == ("timeout",), "timeout")
    peer.sendall(b'{"ret')
    peer.close()
    vt.check(c.read_raw(1) == ("eof", b'{"ret'), "eof with partial")


def test_wait_event():
    c, peer = pair()
    ev = b'{"timestamp": {"seconds": 1, "microseconds": 2}, "event": "%s"}\r\n'
    peer.sendall(ev % b"RESUME" + ev % b"STOP" + ev % b"RESET")
    vt.check(c.wait_event("STOP", 1)["event"] == "STOP", "STOP")
    vt.check([e["event"] for e in c.events] == [], "RESUME dropped")
    vt.check(c.wait_event("RESET", 1)["event"] == "RESET", "RESET")
    peer.sendall(b"".join(ev % b"E%d" % i for i in range(20)))
    expect_failure(lambda: c.wait_event("NEVER", 0.2),
                   "no NEVER event (seen: 20 events, the last:")


def test_qtest():
    c, peer = pair(vt.QtestConn)

    def server():
        f = peer.makefile("rb")
        vt.check(f.readline() == b"inb 0x505\n", "request")
        peer.sendall(b"OK 0x0007\n")
        f.readline()
        peer.close()
    t = threading.Thread(target=server)
    t.start()
    vt.check(c.cmd("inb 0x505", 2) == "OK 0x0007", "reply")
    expect_failure(lambda: c.cmd("outb 0x505 1", 2), "no reply")
    t.join()


def test_connect_failures():
    vt.check(vt.try_connect("/nonexistent/sock", 0.05) is None, "None")
    expect_failure(lambda: vt.unix_connect("/nonexistent/sock", 0.05),
                   "cannot connect")


TESTS = [(name[5:], fn) for name, fn in sorted(globals().items())
         if name.startswith("test_")]

if __name__ == "__main__":
    sys.exit(vt.run_tests(TESTS, sys.argv[1:]))
