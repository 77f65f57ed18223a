#
# Plays one scenario against one binary and records a transcript.
#
# Transcript lines (plain strings, compared exactly after normalise()):
#   "T> cmd"        a qtest line sent          "T< reply"  a qtest reply
#   "Q> text"       QMP bytes sent             "Q< line"   a QMP line read
#   "Q< <eof>"      the QMP connection closed  "Q< <timeout ...>"
#   "O: text"       stdout line (cli)          "E: text"   stderr line
#   "-- SIGTERM"    the harness sent SIGTERM   "exit N"    exit status
#   "== upstream-only ID"  QEMU 7.2 only: from here on 7.2 plays the
#                   upstream-only entry's own steps (upstream.py)
# Received lines keep their "\r" visibly as the two characters \r, so a
# missing or extra carriage return is a difference like any other.
#
# Launch layout (reference §6.1, libqtest): the harness listens on two
# unix sockets and the binary connects to both as a client.  Vigil gets
# "-audio none -accel qtest"; QEMU 7.2 has neither, so it gets
# "-accel tcg -S" (and QEMU_AUDIO_DRV=none, as 7.2-era libqtest set).
# Scenarios that need a running VM contain a "start" step: for QEMU it
# sends a hidden "cont" (its RESUME is swallowed), for Vigil, which runs
# from the start under the qtest accelerator, it does nothing.
#

import os
import re
import shlex
import signal
import sys
import tempfile
import shutil
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), 'pylib'))
import vigiltest as vt  # noqa: E402

REPLY_TIMEOUT = 3.0
EVENT_TIMEOUT = 2.0
SETTLE = 0.3
EXIT_TIMEOUT = 3.0

QUIT_LINES = [
    '-- SIGTERM',
    'Q< {"timestamp": {"seconds": S, "microseconds": US}, "event": '
    '"SHUTDOWN", "data": {"guest": false, "reason": "host-signal"}}\\r',
    'Q< <eof>',
    'exit 0',
]


def ev(name, data=None):
    """The transcript line of an event, as upstream QEMU writes it."""
    body = '{"timestamp": {"seconds": S, "microseconds": US}, "event": "%s"' \
        % name
    if data is not None:
        body += ', "data": %s' % data
    return 'Q< ' + body + '}\\r'


class Scenario:
    """One scenario.

    mode: "qtest" (libqtest layout, both sockets client), "server" (qtest
    client + QMP server given by @qmp_opt, "{qmp}" = socket path) or "cli"
    (no sockets: stdout, stderr and exit status only).
    extra: arguments both sides get.  prelaunch: the scenario runs with -S
    on both sides.  accel: cli mode appends the accelerator options.
    known: list of known.Known ids (or (id, regex, replacement) tuples)
    applied to QEMU's transcript before comparing.
    """

    def __init__(self, name, steps, extra=(), mode='qtest', qmp_opt=None,
                 prelaunch=False, accel=True, known=(), stdout_filter=None):
        self.name = name
        self.steps = list(steps)
        self.extra = list(extra)
        self.mode = mode
        self.qmp_opt = qmp_opt
        self.prelaunch = prelaunch
        self.accel = accel
        self.known = list(known)
        self.stdout_filter = stdout_filter


def esc(data):
    """Bytes -> visible text: \\r, \\t and control bytes escaped."""
    out = []
    for ch in data.decode('utf-8', 'backslashreplace'):
        if ch == '\r':
            out.append('\\r')
        elif ch == '\t':
            out.append('\\t')
        elif ord(ch) < 0x20 or ch == '\x7f':
            out.append('\\x%02x' % ord(ch))
        else:
            out.append(ch)
    return ''.join(out)


class Side:
    """One binary ("qemu" or "vigil") playing one scenario."""

    def __init__(self, kind, binary, scn):
        self.kind = kind
        self.binary = binary
        self.scn = scn
        self.lines = []
        self.proc = None
        self.qt = None
        self.qmp = None
        self.exit_recorded = False
        self.stopped = False   # QEMU side reached an upstream_only step
        self.argv = None
        self.reply_timeouts = 0
        self.qmp2 = None

    # ---- launching -------------------------------------------------

    def accel_args(self):
        if self.kind == 'qemu':
            return ['-accel', 'tcg', '-S']
        args = ['-accel', 'qtest']
        if self.scn.prelaunch:
            args.append('-S')
        return args

    def env(self):
        env = dict(os.environ)
        if self.kind == 'qemu':
            env['QEMU_AUDIO_DRV'] = 'none'
        return env

    def spawn(self, argv):
        self.errf = open(os.path.join(self.tmp, 'stderr'), 'wb+')
        self.outf = open(os.path.join(self.tmp, 'stdout'), 'wb+')
        self.argv = argv
        self.proc = vt.spawn(argv, stdout=self.outf, stderr=self.errf,
                             env=self.env(), cwd=self.tmp)

    def listen(self, name):
        path = os.path.join(self.tmp, name)
        return vt.unix_listen(path), path

    def accept(self, lsock):
        return vt.accept(lsock, self.proc, timeout=5)

    def connect(self, path):
        return vt.try_connect(path, timeout=5, proc=self.proc)

    def command_line(self):
        """The command line as run, with the private directory as $TMP."""
        return shlex.join(self.argv).replace(self.tmp, '$TMP')

    def launch(self):
        scn = self.scn
        audio = ['-audio', 'none'] if self.kind == 'vigil' else []
        if scn.mode == 'cli':
            argv = [self.binary] + scn.extra
            if scn.accel:
                argv += ['-display', 'none'] + self.accel_args()
            self.spawn(argv)
            return True
        qt_l, qt_path = self.listen('qtest.sock')
        argv = [self.binary, '-qtest', 'unix:' + qt_path,
                '-qtest-log', '/dev/null']
        qmp_path = os.path.join(self.tmp, 'qmp.sock')
        self.qmp_path = qmp_path
        if scn.mode == 'qtest':
            qmp_l, qmp_path = self.listen('qmp.sock')
            argv += ['-chardev', 'socket,path=%s,id=char0' % qmp_path,
                     '-mon', 'chardev=char0,mode=control']
        else:
            opt, val = scn.qmp_opt
            argv += [opt, val.format(qmp=qmp_path)]
        argv += ['-display', 'none'] + audio + scn.extra + self.accel_args()
        self.spawn(argv)
        conn = self.accept(qt_l)
        qt_l.close()
        if conn is None:
            self.lines.append('<qtest socket: no connection>')
            return False
        self.qt = vt.LineConn(conn)
        if scn.mode == 'qtest':
            conn = self.accept(qmp_l)
            qmp_l.close()
        else:
            conn = self.connect(qmp_path)
        if conn is None:
            self.lines.append('<qmp socket: no connection>')
            return False
        self.qmp = vt.QmpConn(conn)
        return True

    # ---- QMP reading -----------------------------------------------

    def read_msg(self, timeout):
        """('msg', [raw lines], event name or None) | ('timeout',) |
        ('eof', partial bytes)."""
        m = self.qmp.read_raw(timeout, more_timeout=REPLY_TIMEOUT)
        if m[0] != 'msg':
            return m
        obj = m[2]
        name = obj.get('event') if isinstance(obj, dict) else None
        return ('msg', m[1], name)

    def record_msg(self, raw):
        for r in raw:
            self.lines.append('Q< ' + esc(r[:-1]))

    def read_until(self, pred, timeout, what, record=True):
        """Reads QMP messages (recording them) until pred(raw, name)."""
        deadline = time.monotonic() + timeout
        while True:
            left = max(0.0, deadline - time.monotonic())
            m = self.read_msg(left)
            if m[0] == 'timeout':
                if record:
                    self.lines.append('Q< <timeout waiting for %s>' % what)
                if what in ('reply', 'sync reply', 'greeting'):
                    self.reply_timeouts += 1
                return False
            if m[0] == 'eof':
                if record:
                    if m[1]:
                        self.lines.append('Q< ' + esc(m[1]) + '<no newline>')
                    self.lines.append('Q< <eof>')
                return False
            if record:
                self.record_msg(m[1])
            if pred(m[1], m[2]):
                return True

    def drain(self, quiet, record=True):
        """Reads until @quiet seconds pass with no message, or EOF."""
        while True:
            m = self.read_msg(quiet)
            if m[0] == 'timeout':
                return
            if m[0] == 'eof':
                if record:
                    if m[1]:
                        self.lines.append('Q< ' + esc(m[1]) + '<no newline>')
                    self.lines.append('Q< <eof>')
                return
            if record:
                self.record_msg(m[1])

    # ---- steps -----------------------------------------------------

    def send_qmp(self, data, show=None):
        if isinstance(data, str):
            data = data.encode()
        self.lines.append('Q> ' + (show if show is not None
                                   else esc(data.rstrip(b'\n'))))
        try:
            self.qmp.sock.sendall(data)
        except OSError as e:
            self.lines.append('Q> <send failed: %s>' % e.strerror)

    def send_qt(self, line):
        self.lines.append('T> ' + esc(line.encode()))
        try:
            self.qt.sock.sendall(line.encode() + b'\n')
        except OSError as e:
            self.lines.append('T> <send failed: %s>' % e.strerror)

    def read_qt(self):
        while True:
            r = self.qt.readline(REPLY_TIMEOUT)
            if r is None and not self.qt.eof:
                self.lines.append('T< <timeout>')
                self.reply_timeouts += 1
                return
            if r is None:
                rest = self.qt.take_rest()
                if rest:
                    self.lines.append('T< ' + esc(rest) + '<no newline>')
                self.lines.append('T< <eof>')
                return
            self.lines.append('T< ' + esc(r[:-1]))
            if not r.startswith(b'IRQ '):
                return

    def wait_exit(self, timeout):
        return vt.wait(self.proc, timeout)

    def record_exit(self, rc):
        if rc is None:
            self.lines.append('<still running>')
        elif rc < 0:
            self.lines.append('exit signal %d' % -rc)
        else:
            self.lines.append('exit %d' % rc)
        self.exit_recorded = rc is not None

    def hidden_cont(self):
        self.qmp.sock.sendall(b'{"execute": "cont"}\n')
        seen = []

        def pred(raw, name):
            seen.append(name)
            return name is None
        if not self.read_until(pred, REPLY_TIMEOUT, 'cont', record=False) \
                or 'RESUME' not in seen:
            self.lines.append('<hidden cont for QEMU failed>')

    def step(self, st):
        op = st[0]
        if op == 'qt':
            self.send_qt(st[1])
            self.read_qt()
        elif op == 'qt_noreply':
            self.send_qt(st[1])
        elif op == 'greet':
            self.read_until(lambda raw, name: True, REPLY_TIMEOUT, 'greeting')
        elif op == 'qmp':
            # Send, then read until the first non-event message.
            self.send_qmp(st[1] + '\n')
            self.read_until(lambda raw, name: name is None, REPLY_TIMEOUT,
                            'reply')
        elif op == 'qmp_raw':
            # Raw bytes; then a sync command whose reply ends the step.
            self.send_qmp(st[1])
            self.send_qmp('{"execute": "query-name", "id": "sync"}\n')
            self.read_until(lambda raw, name: b'"sync"' in b''.join(raw),
                            REPLY_TIMEOUT, 'sync reply')
        elif op == 'qmp_filter':
            # Like 'qmp', but only the parts of the reply that @fn picks
            # are recorded (for replies listing a whole QEMU's types).
            self.send_qmp(st[1] + '\n')
            got = []

            def pred(raw, name):
                if name is None:
                    got.append(raw)
                    return True
                self.record_msg(raw)
                return False
            self.read_until(pred, REPLY_TIMEOUT, 'reply', record=False)
            if got:
                raw = b''.join(got[0])
                for part in st[2](raw.decode('utf-8', 'replace')):
                    self.lines.append('Q< ' + part)
                self.lines.append('Q< ' + ('<ends \\r\\n>' if
                                  raw.endswith(b'\r\n') else '<no \\r\\n>'))
            else:
                self.lines.append('Q< <no reply>')
        elif op == 'connect2':
            # A second client of a server-mode monitor.
            self.qmp_path2 = self.qmp_path
            conn = self.connect(self.qmp_path)
            self.qmp2 = vt.QmpConn(conn) if conn else None
            self.lines.append('Q2: connect ' + ('ok' if conn else 'failed'))
        elif op == 'read2':
            # One line from the second client, or its absence.
            if self.qmp2 is None:
                self.lines.append('Q2< <not connected>')
            else:
                r = self.qmp2.readline(st[1])
                if r is None and self.qmp2.eof:
                    r = self.qmp2.take_rest()
                self.lines.append('Q2< ' + ('<nothing>' if r is None else
                                            '<eof>' if not r else
                                            esc(r.rstrip(b'\n'))))
        elif op == 'close':
            self.lines.append('Q: close')
            self.qmp.sock.close()
        elif op == 'swap2':
            # The second client becomes the one later steps talk to.
            self.qmp, self.qmp2 = self.qmp2, None
        elif op == 'reconnect':
            self.lines.append('Q: reconnect')
            conn = self.connect(self.qmp_path)
            if conn is None:
                self.lines.append('Q< <reconnect failed>')
            else:
                self.qmp = vt.QmpConn(conn)
        elif op == 'qmp_send':
            self.send_qmp(st[1])
        elif op == 'wait':
            self.read_until(lambda raw, name: name == st[1],
                            st[2] if len(st) > 2 else EVENT_TIMEOUT, st[1])
        elif op == 'settle':
            self.drain(st[1] if len(st) > 1 else SETTLE)
        elif op == 'eof':
            self.read_until(lambda raw, name: False, EXIT_TIMEOUT, 'eof')
        elif op == 'exit':
            self.record_exit(self.wait_exit(EXIT_TIMEOUT))
        elif op == 'sigterm':
            self.lines.append('-- SIGTERM')
            self.proc.send_signal(signal.SIGTERM)
        elif op == 'start':
            if self.kind == 'qemu':
                self.hidden_cont()
        elif op == 'upstream_only':
            self.upstream_only(st)
        else:
            raise ValueError('unknown step %r' % (op,))

    def upstream_only(self, st):
        """('upstream_only', id, qemu_steps).

        From here on QEMU 7.2 cannot show what upstream QEMU (and Vigil)
        do.  The QEMU side marks the place, plays @qemu_steps (what 7.2
        does instead goes into its transcript and recording) and ends as
        usual; upstream.py holds what upstream does from the mark on.
        Vigil ignores this step and plays on."""
        if self.kind != 'qemu':
            return
        _, kid, qemu_steps = st
        self.lines.append('== upstream-only ' + kid)
        for s in qemu_steps:
            self.step(s)
        self.stopped = True

    # ---- the whole run ---------------------------------------------

    def finish(self):
        """What libqtest's qtest_quit does: SIGTERM, expect exit 0."""
        if self.proc.poll() is None and self.scn.mode != 'cli':
            self.lines.append('-- SIGTERM')
            self.proc.send_signal(signal.SIGTERM)
            if self.qmp is not None:
                self.read_until(lambda raw, name: False, EXIT_TIMEOUT, 'eof')
        rc = self.wait_exit(EXIT_TIMEOUT)
        if not self.exit_recorded or rc is None:
            self.record_exit(rc)

    def play(self):
        self.tmp = tempfile.mkdtemp(prefix='vdiff-')
        try:
            if self.launch():
                for st in self.scn.steps:
                    self.step(st)
                    if self.stopped:
                        break
                    if self.reply_timeouts >= 2:
                        # A wedged side would cost a timeout per step.
                        self.lines.append('<steps abandoned after 2 reply '
                                          'timeouts>')
                        break
            self.finish()
            self.record_output()
        except Exception as e:  # a harness bug must show, not hide
            self.lines.append('<harness error: %r>' % (e,))
        finally:
            self.cleanup()
        return self.lines

    def record_output(self):
        filt = self.scn.stdout_filter
        if self.scn.mode == 'cli':
            self.outf.seek(0)
            for line in self.outf.read().splitlines():
                if filt is None or filt(line):
                    self.lines.append('O: ' + esc(line))
        self.errf.seek(0)
        for line in self.errf.read().splitlines():
            self.lines.append('E: ' + esc(line))

    def cleanup(self):
        vt.kill(self.proc)
        for r in (self.qt, self.qmp, self.qmp2):
            if r is not None:
                r.close()
        for f in ('errf', 'outf'):
            if hasattr(self, f):
                getattr(self, f).close()
        shutil.rmtree(self.tmp, ignore_errors=True)


# ---- normalisation (both sides) ------------------------------------

_NORM = [
    (re.compile(r'"timestamp": \{"seconds": -?\d+, "microseconds": -?\d+\}'),
     '"timestamp": {"seconds": S, "microseconds": US}'),
    (re.compile(r'^(Q< +"seconds": )-?\d+'), r'\1S'),
    (re.compile(r'^(Q< +"microseconds": )-?\d+'), r'\1US'),
    (re.compile(r'"qemu": \{"micro": \d+, "minor": \d+, "major": \d+\}, '
                r'"package": "(?:[^"\\]|\\.)*"'),
     '"qemu": {"micro": N, "minor": N, "major": N}, "package": "PKG"'),
    (re.compile(r'^(Q< +"(?:micro|minor|major)": )\d+'), r'\1N'),
    (re.compile(r'^(Q< +"package": )"(?:[^"\\]|\\.)*"'), r'\1"PKG"'),
    # stderr: the program-name prefix QEMU's error_report() adds.
    (re.compile(r'^E: (?:qemu-system-x86_64|vigil(?:-system-x86_64)?): '),
     'E: PROG: '),
]


def normalise(lines):
    out = []
    for line in lines:
        for rx, rep in _NORM:
            line = rx.sub(rep, line)
        out.append(line)
    return out
