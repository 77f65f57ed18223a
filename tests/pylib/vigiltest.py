"""vigiltest: the one Python helper for Vigil's tests and scripts.

Every Python test (tests/soak, tests/diff, tests/functional, ...) and
scripts/qtest-demo.py talk to Vigil (or QEMU) through this module, so
there is one QMP client, one qtest client and one way to start and stop
the process.  Python standard library only.

- LineConn: a stream socket read line by line (``\\n`` ends a line).
- QmpConn: QMP over a LineConn: greeting, ``qmp_capabilities``, commands,
  events (stashed while a reply is awaited), the ``\\r\\n`` line ends QEMU
  sends, pretty-printed messages (``-qmp-pretty``), and raw bytes for
  bad-input tests.
- QtestConn: the qtest line protocol (one reply line per request).
- unix_listen / accept / try_connect / unix_connect / qmp_connect: the
  socket plumbing, with the process to watch while waiting.
- spawn / stop / kill: start a child that dies with its parent, end it
  with SIGTERM (as libqtest's qtest_quit does) and reap it.
- Vigil: one process launched the way QEMU's libqtest does (the test
  listens on the qtest and QMP sockets, the binary connects to both),
  plus any number of extra ``-qmp ...,server=on`` monitors.
- check / TestFailure / run_tests / check_rss: small test plumbing.

Scripts find this file with::

    sys.path.insert(0, os.path.join(<repo>, 'tests', 'pylib'))
"""

import ctypes
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

TIMEOUT = 20.0  # seconds for any single expected answer

_SRC = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def default_binary():
    """The binary to test: $QTEST_QEMU_BINARY, else build/vigil."""
    env = os.environ.get("QTEST_QEMU_BINARY")
    if env:
        return env
    return os.path.join(_SRC, "build", "vigil")


class TestFailure(Exception):
    pass


class QmpError(TestFailure):
    """A command answered with an "error" member (see QmpConn.execute)."""

    def __init__(self, name, error):
        super().__init__("%s: %s" % (name, error))
        self.name = name
        self.error = error


def check(cond, msg):
    if not cond:
        raise TestFailure(msg)


def file_text(path):
    """What a guest wrote so far to a serial file ('' before it exists)."""
    try:
        with open(path, "rb") as f:
            return f.read().decode("latin-1")
    except FileNotFoundError:
        return ""


def wait_file(path, pred, what, timeout=TIMEOUT):
    """Poll file_text(@path) until pred(text); TestFailure naming @what
    (with the file's tail) after @timeout seconds."""
    deadline = time.monotonic() + timeout
    while not pred(file_text(path)):
        if time.monotonic() > deadline:
            raise TestFailure("%s: no %s in %r" % (
                path, what, file_text(path)[-300:]))
        time.sleep(0.02)


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


def kvm_usable():
    """True when /dev/kvm exists and this user may open it."""
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
    except OSError:
        return False
    os.close(fd)
    return True


def hardware_virt():
    """True when the CPU advertises VMX or SVM (hardware virtualization)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            flags = f.read()
    except OSError:
        return False
    return re.search(r"\b(vmx|svm)\b", flags) is not None


def proc_status(pid):
    """VmRSS and VmHWM of @pid in KiB, as a dict."""
    res = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key, _, val = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                res[key] = int(val.split()[0])
    return res


# ---- connections --------------------------------------------------------

class LineConn:
    """A connected stream socket read line by line (b"\\n" ends a line).

    readline() returns a whole line or None: on a timeout (``eof`` stays
    False) or at end of file (``eof`` is True; an unterminated last line
    stays in ``buf``, take_rest() returns it)."""

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
        try:
            self.sock.settimeout(timeout)
            chunk = self.sock.recv(1 << 16)
        except (socket.timeout, BlockingIOError):
            return False
        except OSError:  # reset, or a socket this side already closed
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

    def take_rest(self):
        """What is buffered after the last whole line (then empty)."""
        rest = bytes(self.buf)
        del self.buf[:]
        return rest

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

    def read_raw(self, timeout=TIMEOUT, more_timeout=None):
        """One message as sent, without judging it.

        Returns ('msg', [raw lines], object or None) -- several lines for a
        pretty-printed message, which starts with a line "{" and ends at a
        "}" in column 0 -- or ('timeout',), or ('eof', unterminated rest).
        The object is None when the text is not JSON."""
        first = self.readline(timeout)
        if first is None:
            if self.eof:
                return ('eof', self.take_rest())
            return ('timeout',)
        raw = [first]
        if first.strip() == b'{':
            while True:
                nxt = self.readline(timeout if more_timeout is None
                                    else more_timeout)
                if nxt is None:
                    break
                raw.append(nxt)
                if nxt.startswith(b'}'):
                    break
        try:
            obj = json.loads(b''.join(raw).decode('utf-8', 'replace'))
        except (ValueError, RecursionError):
            obj = None
        return ('msg', raw, obj)

    def recv_msg(self, timeout=TIMEOUT):
        """The next message, which must be JSON with "\\r\\n" line ends."""
        m = self.read_raw(timeout)
        if m[0] != 'msg':
            raise TestFailure("QMP: no message (eof=%s)" % self.eof)
        for line in m[1]:
            check(line.endswith(b"\r\n"), "QMP line without \\r\\n: %r"
                  % line)
        check(m[2] is not None, "QMP: not JSON: %r" % b''.join(m[1]))
        return m[2]

    def greeting(self, timeout=TIMEOUT):
        msg = self.recv_msg(timeout)
        check("QMP" in msg, "expected the greeting, got %r" % msg)
        return msg

    def send_raw(self, data):
        """Send bytes (or text) exactly as given: for bad-input tests."""
        self.send(data)

    def cmd_raw(self, text, timeout=TIMEOUT):
        """Send @text as is; return the next non-event message."""
        self.send(text)
        return self.reply(timeout)

    def reply(self, timeout=TIMEOUT):
        while True:
            msg = self.recv_msg(timeout)
            if "event" in msg:
                self.events.append(msg)
                continue
            return msg

    def request(self, name, args=None, timeout=TIMEOUT, **kw):
        """Run @name; the whole reply ({"return": ...} or {"error": ...}).
        Extra keywords are request members (id=...)."""
        req = {"execute": name}
        if args is not None:
            req["arguments"] = args
        req.update(kw)
        return self.cmd_raw(json.dumps(req) + "\n", timeout)

    # cmd() is request(); a test may override cmd() with its own calling
    # convention, so nothing in this class calls it.
    cmd = request

    def execute(self, name, args=None, timeout=TIMEOUT):
        """Run @name; its "return" value, or QmpError on an error reply."""
        r = self.request(name, args, timeout)
        if "error" in r:
            raise QmpError(name, r["error"])
        return r["return"]

    def negotiate(self, timeout=TIMEOUT):
        self.greeting(timeout)
        r = self.request("qmp_capabilities", timeout=timeout)
        check(r == {"return": {}}, "qmp_capabilities: %r" % r)

    def event(self, timeout=TIMEOUT):
        """Next event (stashed first)."""
        if self.events:
            return self.events.pop(0)
        msg = self.recv_msg(timeout)
        check("event" in msg, "expected an event, got %r" % msg)
        return msg

    def wait_event(self, name, timeout=TIMEOUT):
        """The next event called @name; the events before it are dropped.
        Replies that arrive meanwhile are a failure."""
        deadline = time.monotonic() + timeout
        while True:
            for i, ev in enumerate(self.events):
                if ev["event"] == name:
                    del self.events[:i + 1]
                    return ev
            left = deadline - time.monotonic()
            if left <= 0:
                raise TestFailure("no %s event (seen: %s)"
                                  % (name, self.seen()))
            try:
                msg = self.recv_msg(left)
            except TestFailure:
                raise TestFailure("no %s event (seen: %s)"
                                  % (name, self.seen()))
            if "event" in msg:
                self.events.append(msg)

    def seen(self):
        """The names of the stashed events (the last 12 of a long list),
        for failure messages."""
        names = [e["event"] for e in self.events]
        if len(names) > 12:
            return "%d events, the last: %s" % (len(names), names[-12:])
        return names


class QtestConn(LineConn):
    """The qtest protocol: one request line, one reply line."""

    def cmd(self, line, timeout=TIMEOUT):
        """Send one qtest line, return the reply without its newline."""
        self.send(line + "\n")
        r = self.readline(timeout)
        if r is None:
            raise TestFailure("qtest: no reply to %r" % line[:80])
        return r.decode(errors="replace").rstrip("\n")


def strip_event(ev):
    """An event without its timestamp, after checking the timestamp."""
    ts = ev.get("timestamp")
    check(isinstance(ts, dict) and list(ts) == ["seconds", "microseconds"]
          and 0 <= ts["microseconds"] < 1000000,
          "bad timestamp in %r" % ev)
    return {k: v for k, v in ev.items() if k != "timestamp"}


# ---- sockets and processes ----------------------------------------------

def unix_listen(path, backlog=1):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(backlog)
    return s


def accept(lsock, proc=None, timeout=TIMEOUT):
    """A connection on @lsock; None on timeout or when @proc exits."""
    deadline = time.monotonic() + timeout
    lsock.settimeout(0.05)
    while True:
        try:
            s, _ = lsock.accept()
            s.settimeout(None)
            return s
        except socket.timeout:
            pass
        if proc is not None and proc.poll() is not None:
            return None
        if time.monotonic() > deadline:
            return None


def try_connect(path, timeout=TIMEOUT, proc=None):
    """Connect to a unix socket, retrying while it is not there yet;
    None on timeout or when @proc exits."""
    deadline = time.monotonic() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
        if proc is not None and proc.poll() is not None:
            return None
        if time.monotonic() > deadline:
            return None
        time.sleep(0.005)


def unix_connect(path, timeout=TIMEOUT, proc=None):
    """Like try_connect(), but a failure raises TestFailure."""
    s = try_connect(path, timeout, proc)
    if s is None:
        raise TestFailure("cannot connect to " + path)
    return s


def qmp_connect(path, timeout=TIMEOUT, proc=None, negotiate=True):
    """A QmpConn to a server monitor, greeted and negotiated."""
    c = QmpConn(unix_connect(path, timeout, proc))
    if negotiate:
        c.negotiate(timeout)
    return c


def die_with_parent():
    """preexec_fn: the child gets SIGKILL when the thread that started it
    dies, so a killed test run leaves no VM behind (QEMU 7.2 has no
    -run-with exit-with-parent)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def spawn(argv, stdin=subprocess.DEVNULL, **kw):
    """Popen(@argv) for a VMM: stdin from /dev/null, dies with us."""
    return subprocess.Popen(argv, stdin=stdin, preexec_fn=die_with_parent,
                            **kw)


def kill(proc):
    """SIGKILL and reap, if still running."""
    if proc is not None and proc.poll() is None:
        proc.kill()
        proc.wait()


def wait(proc, timeout):
    """The exit status, or None if @proc still runs after @timeout."""
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        return None


def stop(proc, timeout=TIMEOUT):
    """SIGTERM (what libqtest's qtest_quit sends) and reap; the exit
    status (negative: signal).  A process that ignores it is killed and
    that is a TestFailure."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    rc = wait(proc, timeout)
    if rc is None:
        kill(proc)
        raise TestFailure("%s did not exit on SIGTERM"
                          % os.path.basename(str(proc.args[0])))
    return rc


class Vigil:
    """One Vigil process launched like libqtest, plus extra monitors.

    Everything lives in one private temporary directory that close()
    removes, and the child is always reaped."""

    def __init__(self, binary, extra=(), qmp_servers=0, negotiate=True,
                 stderr=subprocess.DEVNULL):
        self.binary = binary
        self.dir = tempfile.mkdtemp(prefix="vigil-test-")
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
        lq = unix_listen(qt_path)
        lm = unix_listen(qmp_path)
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
        self.proc = spawn(args, stderr=stderr)
        try:
            self.qt = QtestConn(self._accept(lq, "qtest"))
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
        s = accept(lsock, self.proc)
        if s is not None:
            return s
        if self.proc.poll() is not None:
            raise TestFailure("vigil exited (%d) before connecting to the "
                              "%s socket" % (self.proc.returncode, what))
        raise TestFailure("timeout waiting for the %s connection" % what)

    @property
    def pid(self):
        return self.proc.pid

    def mem(self):
        return proc_status(self.proc.pid)

    def qtest(self, line, timeout=TIMEOUT):
        """Send one qtest line, return the reply without its newline."""
        return self.qt.cmd(line, timeout)

    def monitor(self, i, negotiate=True):
        """Connect a client to the i-th -qmp server monitor."""
        c = QmpConn(unix_connect(self.server_paths[i]))
        if negotiate:
            c.negotiate()
        return c

    def quit(self, timeout=TIMEOUT):
        """SIGTERM and reap; returns the exit status (negative: signal)."""
        return stop(self.proc, timeout)

    def close(self):
        for c in (self.qt, self.qmp):
            if c:
                c.close()
        kill(self.proc)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


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


def boot_to_panic(vigil, machine, image, extra=(), timeout=30):
    """Boot a tiny guest on /dev/kvm until it reports a panic.

    @image: the option that loads the guest (["-kernel", ELF] or
    ["-bios", BIN]); @extra: more options (the pvpanic device among
    them).  The guest's COM1 goes to a file; the VM starts paused, is
    continued over QMP, and quits after GUEST_PANICKED.  Returns
    (event or None, serial text, failure message or None); Vigil's
    stderr, if any, is printed.
    """
    event, failure = None, None
    with tempfile.TemporaryDirectory() as tmp:
        sock = os.path.join(tmp, "qmp.sock")
        log = os.path.join(tmp, "serial.log")
        argv = [vigil, "-accel", "kvm", "-M", machine, "-nodefaults", "-S",
                "-m", "64", *image, *extra, "-serial", f"file:{log}",
                "-action", "panic=pause",
                "-qmp", f"unix:{sock},server=on,wait=off"]
        proc = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True)
        try:
            qmp = QmpConn(unix_connect(sock, timeout, proc=proc))
            qmp.greeting(timeout)
            check("return" in qmp.cmd("qmp_capabilities", timeout=timeout),
                  "qmp_capabilities failed")
            check("return" in qmp.cmd("cont", timeout=timeout),
                  "cont failed")
            event = qmp.wait_event("GUEST_PANICKED", timeout)
            qmp.cmd("quit", timeout=timeout)
        except (OSError, EOFError, ValueError, TestFailure) as e:
            failure = f"{type(e).__name__}: {e}"
        finally:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            err = proc.stderr.read()
            if err:
                print("vigil stderr:\n" + err)
        serial = file_text(log)
    return event, serial, failure
