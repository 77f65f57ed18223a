"""Small stdlib-only driver for Vigil, shared by the soak, concurrency and
bad-input scripts.

It launches the binary the way QEMU's libqtest does: the test listens on
two unix sockets (qtest and QMP) and Vigil connects to both as a client.
Extra QMP monitors (``-qmp unix:...,server=on,wait=off``) are reached
with QmpClient.  Everything lives in one private temporary directory that
close() removes, and the child is always reaped (SIGTERM, then SIGKILL).
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

TIMEOUT = 20.0  # seconds for any single expected answer

_TEST_PATH = os.path.dirname(os.path.abspath(__file__))


def default_binary():
    """The binary to test: $QTEST_QEMU_BINARY, else build/vigil."""
    env = os.environ.get("QTEST_QEMU_BINARY")
    if env:
        return env
    return os.path.join(_TEST_PATH, "..", "..", "build", "vigil")


class TestFailure(Exception):
    pass


# Memory bounds mean nothing under a sanitizer (ASan keeps freed memory in
# quarantine and pads every block): scripts/run-tests.sh sets this for
# its ASan run, and the RSS figures are then reported but not judged.
RSS_CHECKS = not os.environ.get("VIGIL_TEST_NO_RSS_CHECKS")


def check_rss(cond, msg):
    """Like check(), for a memory bound (skipped where RSS_CHECKS is off)."""
    if RSS_CHECKS:
        check(cond, msg)
    elif not cond:
        print("# note (RSS not judged in this build): %s" % msg)


def check(cond, msg):
    if not cond:
        raise TestFailure(msg)


def proc_status(pid):
    """VmRSS and VmHWM of @pid in KiB, as a dict."""
    res = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key, _, val = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                res[key] = int(val.split()[0])
    return res


class LineConn:
    """A connected stream socket read line by line (b"\\n" ends)."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = bytearray()
        self.eof = False

    def fileno(self):
        return self.sock.fileno()

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def fill(self, timeout):
        """One recv() into the buffer; False on EOF or timeout."""
        self.sock.settimeout(timeout)
        try:
            chunk = self.sock.recv(1 << 16)
        except (socket.timeout, BlockingIOError):
            return False
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def pop_line(self):
        i = self.buf.find(b"\n")
        if i < 0:
            return None
        line = bytes(self.buf[:i + 1])
        del self.buf[:i + 1]
        return line

    def readline(self, timeout=TIMEOUT):
        """The next line with its terminator, or None on EOF/timeout."""
        deadline = time.monotonic() + timeout
        while True:
            line = self.pop_line()
            if line is not None:
                return line
            left = deadline - time.monotonic()
            if left <= 0 or not self.fill(left):
                return None

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class QmpConn(LineConn):
    """QMP over a LineConn: replies and events (stashed while waiting)."""

    def __init__(self, sock):
        super().__init__(sock)
        self.events = []

    def recv_msg(self, timeout=TIMEOUT):
        line = self.readline(timeout)
        if line is None:
            raise TestFailure("QMP: no message (eof=%s)" % self.eof)
        check(line.endswith(b"\r\n"), "QMP line without \\r\\n: %r" % line)
        return json.loads(line)

    def greeting(self):
        msg = self.recv_msg()
        check("QMP" in msg, "expected the greeting, got %r" % msg)
        return msg

    def cmd_raw(self, text):
        """Send @text as is; return the next non-event message."""
        self.send(text)
        return self.reply()

    def reply(self):
        while True:
            msg = self.recv_msg()
            if "event" in msg:
                self.events.append(msg)
                continue
            return msg

    def cmd(self, name, args=None, **kw):
        req = {"execute": name}
        if args is not None:
            req["arguments"] = args
        req.update(kw)
        return self.cmd_raw(json.dumps(req) + "\n")

    def negotiate(self):
        self.greeting()
        r = self.cmd("qmp_capabilities")
        check(r == {"return": {}}, "qmp_capabilities: %r" % r)

    def event(self, timeout=TIMEOUT):
        """Next event (stashed first)."""
        if self.events:
            return self.events.pop(0)
        msg = self.recv_msg(timeout)
        check("event" in msg, "expected an event, got %r" % msg)
        return msg


def unix_connect(path, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except (FileNotFoundError, ConnectionRefusedError):
            s.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.005)


class Vigil:
    """One Vigil process launched like libqtest, plus extra monitors."""

    def __init__(self, binary, extra=(), qmp_servers=0, negotiate=True,
                 stderr=subprocess.DEVNULL):
        self.binary = binary
        self.dir = tempfile.mkdtemp(prefix="vigil-soak-")
        self.proc = None
        self.qt = None
        self.qmp = None
        try:
            self._start(list(extra), qmp_servers, negotiate, stderr)
        except BaseException:
            self.close()
            raise

    def path(self, name):
        return os.path.join(self.dir, name)

    def _start(self, extra, qmp_servers, negotiate, stderr):
        qt_path, qmp_path = self.path("qtest.sock"), self.path("qmp.sock")
        lq = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        lm = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        lq.bind(qt_path)
        lm.bind(qmp_path)
        lq.listen(1)
        lm.listen(1)
        self.server_paths = [self.path("m%d.sock" % i)
                             for i in range(qmp_servers)]
        args = [self.binary, "-qtest", "unix:" + qt_path,
                "-qtest-log", "none",
                "-chardev", "socket,path=%s,id=char0" % qmp_path,
                "-mon", "chardev=char0,mode=control",
                "-display", "none"]
        for p in self.server_paths:
            args += ["-qmp", "unix:%s,server=on,wait=off" % p]
        args += extra + ["-accel", "qtest"]
        self.args = args
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                     stderr=stderr)
        try:
            self.qt = LineConn(self._accept(lq, "qtest"))
            self.qmp = QmpConn(self._accept(lm, "QMP"))
        finally:
            lq.close()
            lm.close()
            os.unlink(qt_path)
            os.unlink(qmp_path)
        check(self.qtest("endianness") == "OK little", "endianness")
        if negotiate:
            self.qmp.negotiate()

    def _accept(self, lsock, what):
        deadline = time.monotonic() + TIMEOUT
        lsock.settimeout(0.05)
        while True:
            try:
                s, _ = lsock.accept()
                s.settimeout(None)
                return s
            except socket.timeout:
                pass
            if self.proc.poll() is not None:
                raise TestFailure("vigil exited (%d) before connecting to "
                                  "the %s socket" % (self.proc.returncode,
                                                     what))
            if time.monotonic() > deadline:
                raise TestFailure("timeout waiting for the %s connection"
                                  % what)

    @property
    def pid(self):
        return self.proc.pid

    def mem(self):
        return proc_status(self.proc.pid)

    def qtest(self, line, timeout=TIMEOUT):
        """Send one qtest line, return the reply without its newline."""
        self.qt.send(line + "\n")
        r = self.qt.readline(timeout)
        if r is None:
            raise TestFailure("qtest: no reply to %r" % line[:80])
        return r.decode(errors="replace").rstrip("\n")

    def monitor(self, i, negotiate=True):
        """Connect a client to the i-th -qmp server monitor."""
        c = QmpConn(unix_connect(self.server_paths[i]))
        if negotiate:
            c.negotiate()
        return c

    def quit(self, timeout=TIMEOUT):
        """SIGTERM and reap; returns the exit status (negative: signal)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise TestFailure("vigil did not exit on SIGTERM")

    def close(self):
        for c in (self.qt, self.qmp):
            if c:
                c.close()
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def strip_event(ev):
    """An event without its timestamp, after checking the timestamp."""
    ts = ev.get("timestamp")
    check(isinstance(ts, dict) and list(ts) == ["seconds", "microseconds"]
          and 0 <= ts["microseconds"] < 1000000,
          "bad timestamp in %r" % ev)
    return {k: v for k, v in ev.items() if k != "timestamp"}


def run_tests(tests, argv_names=None):
    """Run (name, fn) pairs; print TAP-like lines; exit status."""
    failed = 0
    for name, fn in tests:
        if argv_names and name not in argv_names:
            continue
        t0 = time.monotonic()
        try:
            fn()
        except Exception as e:  # report and go on with the next test
            failed += 1
            print("not ok %s: %s: %s" % (name, type(e).__name__, e),
                  flush=True)
            continue
        print("ok %s (%.2fs)" % (name, time.monotonic() - t0), flush=True)
    return 1 if failed else 0
