#!/usr/bin/env python3
"""Bad input, end to end: every row of docs/devel/robustness.md that no
other test proves is checked here against the binary, with the exact
answer (CLI exit status and stderr, QMP reply lines, qtest reply lines,
QMP events and -d log lines for guest accesses).

Each case prints "ok GROUP/NAME" (the name robustness.md cites) or
"not ok GROUP/NAME: why".  Name groups or cases on the command line to
run only those.
"""

import argparse
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True   # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), 'pylib'))
import vigiltest as V  # noqa: E402

opts = None
results = []  # (name, error or None)


def case(name, fn, *args):
    if opts.only and not any(name == o or name.startswith(o + "/")
                             for o in opts.only):
        return
    try:
        fn(*args)
    except Exception as e:  # report and carry on
        results.append((name, "%s: %s" % (type(e).__name__, e)))
        print("not ok %s: %s: %s" % (name, type(e).__name__, e), flush=True)
        return
    results.append((name, None))
    print("ok %s" % name, flush=True)


# ---- CLI: exit status and the exact stderr, before any socket ----

# (name, args, exit status, stderr without the "PROG: " prefix); {T} is a
# private temporary directory.
CLI = [
    ("unknown-option", ["-foo"], 1, "-foo: invalid option"),
    ("unknown-option-value", ["-no-such-option=1"], 1,
     "-no-such-option=1: invalid option"),
    ("missing-argument", ["-device"], 1, "-device: requires an argument"),
    ("positional-image", ["disk.img"], 1,
     "disk.img: disk images are not supported (Vigil has no block devices)"),
    ("bad-memory-size", ["-m", "abc"], 1,
     "-m abc: Parameter 'size' expects a non-negative number below 2^64"),
    ("bad-memory-suffix", ["-m", "2048X"], 1,
     "-m 2048X: Parameter 'size' expects a non-negative number below 2^64"),
    ("negative-memory", ["-m", "-5"], 1,
     "-m -5: Parameter 'size' expects a non-negative number below 2^64"),
    ("bad-smp", ["-smp", "0"], 1, "-smp 0: Invalid CPU topology: CPU "
     "topology parameters must be greater than zero"),
    ("bad-smp-number", ["-smp", "abc"], 1,
     "-smp abc: Parameter 'smp.cpus' expects integer"),
    ("unknown-machine", ["-M", "bogus"], 1, "-machine bogus: unsupported "
     "machine type; use -machine help to list supported machines"),
    ("unknown-accel", ["-accel", "bogus"], 1,
     "-accel bogus: invalid accelerator bogus"),
    ("unknown-machine-accel", ["-machine", "pc,accel=bogus"], 1,
     "-machine pc,accel=bogus: invalid accelerator bogus"),
    ("unknown-log-item", ["-d", "bogus"], 1,
     "-d bogus: unknown log item 'bogus' (use -d help)"),
    ("bad-msg", ["-msg", "timestamp=maybe"], 1,
     "-msg timestamp=maybe: Parameter 'timestamp' expects 'on' or 'off'"),
    ("device-unknown", ["-device", "bogus"], 1,
     "-device bogus: 'bogus' is not a valid device model name"),
    ("device-unknown-property", ["-device", "pvpanic,bogus=1"], 1,
     "-device pvpanic,bogus=1: Property 'pvpanic.bogus' not found"),
    ("device-ioport-range", ["-device", "pvpanic,ioport=70000"], 1,
     "-device pvpanic,ioport=70000: Parameter 'ioport' expects uint16_t"),
    ("device-ioport-negative", ["-device", "pvpanic,ioport=-1"], 1,
     "-device pvpanic,ioport=-1: Parameter 'ioport' expects uint16_t"),
    ("device-ioport-text", ["-device", "pvpanic,ioport=abc"], 1,
     "-device pvpanic,ioport=abc: Parameter 'ioport' expects integer"),
    ("device-events-range", ["-device", "pvpanic,events=256"], 1,
     "-device pvpanic,events=256: Parameter 'events' expects uint8_t"),
    ("device-json-bad", ["-device", "{bad json"], 1, "-device {bad json: "
     "JSON parse error, string or '}' expected near 'bad'"),
    ("device-json-no-driver", ["-device", '{"ioport":1}'], 1,
     '-device {"ioport":1}: Parameter \'driver\' is missing'),
    ("device-json-string-number",
     ["-device", '{"driver":"pvpanic","ioport":"0x505"}'], 1,
     '-device {"driver":"pvpanic","ioport":"0x505"}: '
     "Parameter 'ioport' expects uint64"),
    ("device-second-pvpanic",
     ["-accel", "qtest", "-device", "pvpanic", "-device", "pvpanic"], 1,
     "-device pvpanic: Only one 'pvpanic' device is supported per machine; "
     "'/machine/peripheral-anon/device[0]' already exists"),
    ("device-port-collision",
     ["-accel", "qtest", "-device", "pvpanic,ioport=0x70"], 1,
     "-device pvpanic,ioport=0x70: I/O port range 0x70-0x70 of 'pvpanic' "
     "overlaps 0x70-0x71 of 'mc146818rtc'"),
    ("device-no-isa-bus", ["-M", "none", "-accel", "qtest", "-device",
                           "pvpanic"], 1,
     "-device pvpanic: No 'ISA' bus found for device 'pvpanic'"),
    ("device-help-unknown", ["-device", "nosuch,help"], 0,
     "-device nosuch,help: Device 'nosuch' not found"),
    ("action-bad-value", ["-action", "panic=bogus"], 1,
     "-action panic=bogus: Parameter 'panic' does not accept value 'bogus'"),
    ("action-bad-key", ["-action", "bogus=pause"], 1,
     "-action bogus=pause: Invalid parameter 'bogus'"),
    ("action-no-value", ["-action", "panic"], 1,
     "-action panic: Expected '=' after parameter 'panic'"),
    ("chardev-bad-backend", ["-chardev", "foo,id=x"], 1,
     "-chardev foo,id=x: 'foo' is not a valid char driver name"),
    ("chardev-no-id", ["-chardev", "socket,path={T}/x"], 1,
     "-chardev socket,path={T}/x: chardev: no id specified"),
    ("chardev-no-host", ["-chardev", "socket,id=x"], 1,
     "-chardev socket,id=x: chardev: socket: no host given"),
    ("chardev-file-no-path", ["-chardev", "file,id=x"], 1,
     "-chardev file,id=x: chardev: file: no filename given"),
    ("chardev-bad-bool",
     ["-chardev", "socket,id=x,path={T}/x,server=maybe"], 1,
     "-chardev socket,id=x,path={T}/x,server=maybe: "
     "Parameter 'server' expects 'on' or 'off'"),
    ("chardev-bad-key", ["-chardev", "null,id=x,bogus=1"], 1,
     "-chardev null,id=x,bogus=1: Invalid parameter 'bogus'"),
    ("chardev-duplicate-id",
     ["-accel", "qtest", "-chardev", "null,id=a", "-chardev", "null,id=a"], 1,
     "-chardev null,id=a: Duplicate ID 'a' for chardev"),
    ("mon-unknown-chardev", ["-mon", "chardev=nope,mode=control"], 1,
     '-mon chardev=nope,mode=control: chardev "nope" not found'),
    ("mon-bad-mode", ["-mon", "chardev=x,mode=bogus"], 1,
     "-mon chardev=x,mode=bogus: Parameter 'mode' does not accept value "
     "'bogus'"),
    ("mon-hmp", ["-accel", "qtest", "-chardev", "null,id=a", "-mon",
                 "chardev=a"], 1,
     "-mon chardev=a: HMP monitor (mode=readline, the default) is not "
     "supported; use mode=control"),
    ("qmp-bad-backend", ["-qmp", "bogus:x"], 1,
     "-qmp bogus:x: 'bogus:x' is not a valid char driver"),
    ("qtest-socket-missing", ["-accel", "qtest", "-qtest", "unix:{T}/none"],
     1, "Failed to connect to '{T}/none': No such file or directory"),
    ("qmp-socket-dir-missing",
     ["-accel", "qtest", "-qmp", "unix:{T}/no/s,server=on,wait=off"], 1,
     "Failed to bind socket to {T}/no/s: No such file or directory"),
    ("pidfile-dir-missing", ["-accel", "qtest", "-pidfile", "{T}/no/pid"], 1,
     "cannot create PID file: Could not create '{T}/no/pid': No such file "
     "or directory"),
    ("logfile-dir-missing", ["-accel", "qtest", "-D", "{T}/no/log"], 1,
     "Error opening logfile {T}/no/log: No such file or directory"),
    ("qtest-log-dir-missing", ["-accel", "qtest", "-qtest-log", "{T}/no/log",
                               "-qtest", "unix:{T}/none"], 1,
     "Could not open qtest log file '{T}/no/log': No such file or "
     "directory"),
]


def run_cli(args, want_rc, want_err):
    tmp = tempfile.mkdtemp(prefix="vigil-bad-")
    try:
        args = [a.replace("{T}", tmp) for a in args]
        prog = os.path.basename(opts.vigil)
        want = "%s: %s\n" % (prog, want_err.replace("{T}", tmp))
        p = subprocess.run([opts.vigil] + args, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=10)
        err = p.stderr.decode(errors="replace")
        V.check(p.returncode == want_rc, "exit status %d, want %d (stderr %r)"
                % (p.returncode, want_rc, err))
        V.check(err == want, "stderr %r, want %r" % (err, want))
        # Nothing is created before the options are all valid.
        V.check(os.listdir(tmp) == [], "files left: %s" % os.listdir(tmp))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def cli_action_help():
    p = subprocess.run([opts.vigil, "-action", "help"], capture_output=True,
                       timeout=10)
    V.check(p.returncode == 1, "exit status %d" % p.returncode)
    V.check(p.stdout == b"action options:\n  panic=<str>\n  reboot=<str>\n"
            b"  shutdown=<str>\n  watchdog=<str>\n", "stdout %r" % p.stdout)


def cli_kernel_missing():
    p = subprocess.run([opts.vigil, "-accel", "qtest", "-kernel",
                        "/nonexistent/bzImage"], capture_output=True,
                       timeout=10, env=dict(os.environ, LC_ALL="C"))
    err = p.stderr.decode(errors="replace")
    V.check(p.returncode == 1, "exit status %d" % p.returncode)
    V.check(err == "%s: could not load kernel '/nonexistent/bzImage': "
            "No such file or directory\n" % os.path.basename(opts.vigil),
            "stderr %r" % err)


def cli_passed_fd_mismatch(server):
    """fd=N of the wrong kind: a listening socket without server=on, or a
    connected one with server=on.  Refused at start, never a hang."""
    if server:
        a, b = socket.socketpair()
        fd, word, want = a.fileno(), "on", "is not listening (server=on " \
            "needs a listening socket)"
    else:
        a = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        a.bind("\0vigil-badinput-%d" % os.getpid())  # abstract: no file
        a.listen(1)
        b, fd, word = None, a.fileno(), "off"
        want = "is a listening socket (add server=on)"
    try:
        p = subprocess.run([opts.vigil, "-accel", "qtest", "-chardev",
                            "socket,id=m,fd=%d,server=%s,wait=off" % (fd, word),
                            "-mon", "chardev=m,mode=control"],
                           pass_fds=(fd,), stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=10)
        err = p.stderr.decode(errors="replace")
        V.check(p.returncode == 1, "exit status %d" % p.returncode)
        V.check(err == "%s: chardev: socket: fd %d %s\n"
                % (os.path.basename(opts.vigil), fd, want), "stderr %r" % err)
    finally:
        a.close()
        if b:
            b.close()


def cli_logfile_truncated():
    with tempfile.NamedTemporaryFile("w", delete=False) as f:
        f.write("stale line from an earlier run\n")
    try:
        p = subprocess.run([opts.vigil, "-accel", "qtest", "-M", "none",
                            "-D", f.name, "-d", "guest_errors",
                            "-qmp", "stdio"],
                           input=b'{"execute": "qmp_capabilities"}\n'
                                 b'{"execute": "quit"}\n',
                           capture_output=True, timeout=10)
        V.check(p.returncode == 0, "exit status %d" % p.returncode)
        with open(f.name) as log:
            V.check("stale" not in log.read(), "-D appended to the old log")
    finally:
        os.unlink(f.name)


# ---- QMP: exact reply lines; a marker request ends each case ----

MARK = b'{"execute": "query-name", "id": "mark"}\n'
MARK_REPLY = b'{"return": {}, "id": "mark"}\r\n'


def err(cls, desc, id_json=None):
    line = '{"error": {"class": "%s", "desc": "%s"}}' % (cls, desc)
    if id_json is not None:
        line = '{"id": %s, %s' % (id_json, line[1:])
    return (line + "\r\n").encode()


def gen(desc):
    return err("GenericError", desc)


PARSE = gen("JSON parse error, expecting value")

QMP = [
    ("not-object-array", b"[]\n", [gen("QMP input must be a JSON object")]),
    ("not-object-string", b'"str"\n',
     [gen("QMP input must be a JSON object")]),
    ("not-object-number", b"1\n", [gen("QMP input must be a JSON object")]),
    ("not-object-null", b"null\n", [gen("QMP input must be a JSON object")]),
    ("no-execute", b"{}\n", [gen("QMP input lacks member 'execute'")]),
    ("execute-not-string", b'{"execute": 1}\n',
     [gen("QMP input member 'execute' must be a string")]),
    ("arguments-not-object", b'{"execute": "cont", "arguments": []}\n',
     [gen("QMP input member 'arguments' must be an object")]),
    ("arguments-null", b'{"execute": "cont", "arguments": null}\n',
     [gen("QMP input member 'arguments' must be an object")]),
    ("unexpected-member", b'{"execute": "cont", "foo": 1}\n',
     [gen("QMP input member 'foo' is unexpected")]),
    ("exec-oob-not-enabled", b'{"exec-oob": "cont"}\n',
     [gen("QMP input member 'exec-oob' is unexpected")]),
    ("unknown-command", b'{"execute": "nope"}\n',
     [err("CommandNotFound", "The command nope has not been found")]),
    ("unknown-command-id", b'{"execute": "nope", "id": {"a": [1, 2]}}\n',
     [err("CommandNotFound", "The command nope has not been found",
          '{"a": [1, 2]}')]),
    ("bad-enum", b'{"execute": "set-action", "arguments": '
     b'{"panic": "bogus"}}\n',
     [gen("Parameter 'panic' does not accept value 'bogus'")]),
    ("bad-arg-type", b'{"execute": "set-action", "arguments": '
     b'{"panic": 1}}\n',
     [gen("Invalid parameter type for 'panic', expected: string")]),
    ("unexpected-arg", b'{"execute": "set-action", "arguments": '
     b'{"foo": "x"}}\n', [gen("Parameter 'foo' is unexpected")]),
    ("arg-for-argless", b'{"execute": "system_reset", "arguments": '
     b'{"x": 1}}\n', [gen("Parameter 'x' is unexpected")]),
    ("missing-arg", b'{"execute": "qom-list"}\n',
     [gen("Parameter 'path' is missing")]),
    ("unknown-path", b'{"execute": "qom-list", "arguments": '
     b'{"path": "/nope"}}\n',
     [err("DeviceNotFound", "Device '/nope' not found")]),
    ("unknown-type", b'{"execute": "device-list-properties", "arguments": '
     b'{"typename": "nope"}}\n',
     [err("DeviceNotFound", "Device 'nope' not found")]),
    ("hmp-unknown", b'{"execute": "human-monitor-command", "arguments": '
     b'{"command-line": "bogus"}}\n',
     [b'{"return": "unknown command: \'bogus\'\\r\\n"}\r\n']),
    ("renegotiate", b'{"execute": "qmp_capabilities"}\n',
     [err("CommandNotFound", "Capabilities negotiation is already complete, "
          "command ignored")]),
    ("json-missing-colon", b'{"execute"}\n',
     [gen("JSON parse error, missing : in object pair")]),
    ("json-duplicate-key", b'{"a": 1, "a": 2}\n',
     [gen("JSON parse error, duplicate key")]),
    ("json-control-byte", b"\x01\n",
     [gen("JSON parse error, stray '\\u0001'")]),
    ("json-ff-byte", b"\xff\n", [gen("JSON parse error, stray '\\uFFFD'")]),
    ("json-stray-close", b"}\n", [PARSE]),
    ("json-bad-utf8", b'{"execute": "query-status", "id": "\xc3("}\n',
     [gen("JSON parse error, invalid UTF-8 sequence in string")]),
    ("json-lone-surrogate", b'{"execute": "query-status", "id": '
     b'"\\ud800"}\n',
     [gen("JSON parse error, \\\\ud800 is not a valid Unicode character")]),
    ("json-int-too-large", b'{"execute": "query-status", "id": '
     b'18446744073709551616}\n', [gen("JSON parse error, number too large")]),
    ("json-float-overflow", b'{"execute": "query-status", "id": 1.5e999}\n',
     [gen("JSON parse error, number too large")]),
    ("blank-line", b"\n", []),
    ("nesting-1024-ok", b"[" * 1024 + b"]" * 1024 + b"\n",
     [gen("QMP input must be a JSON object")]),
    # The rest of a refused text is read as new input, as QEMU does.
    ("nesting-1025", b"[" * 1025 + b"]" * 1025 + b"\n",
     [gen("JSON nesting depth limit exceeded")] + [PARSE] * 1025),
]


NEGOTIATE_FIRST = err("CommandNotFound", "Expecting capabilities negotiation "
                      "with 'qmp_capabilities'", '"mark"')


def qmp_case(conn, data, want, mark_reply=MARK_REPLY):
    conn.send(data + MARK)
    got = []
    while True:
        line = conn.readline()
        V.check(line is not None, "no reply (eof=%s) after %r" % (conn.eof,
                                                                 got[-3:]))
        if line == mark_reply:
            break
        got.append(line)
    if got != want:
        for i, (g, w) in enumerate(zip(got, want)):
            if g != w:
                raise V.TestFailure("line %d: got %r, want %r" % (i, g, w))
        raise V.TestFailure("got %d lines, want %d: %r" % (len(got),
                                                           len(want),
                                                           got[len(want):]))


def qmp_send_in_thread(conn, data):
    """Send a huge input while the caller reads (no deadlock)."""
    t = threading.Thread(target=conn.send, args=(data + MARK,), daemon=True)
    t.start()
    return t


def qmp_limit(conn, data, first):
    """A limit error first, the stream resynchronised, the monitor alive."""
    t = qmp_send_in_thread(conn, data)
    got = []
    while True:
        line = conn.readline(60)
        V.check(line is not None, "no reply (eof=%s)" % conn.eof)
        if line == MARK_REPLY:
            break
        got.append(line)
    t.join()
    V.check(got and got[0] == gen(first), "first reply %r" % got[:1])
    V.check(len(got) <= 4, "%d replies: %r" % (len(got), got[:5]))


def qmp_tests():
    with V.Vigil(opts.vigil, ["-device", "pvpanic"], qmp_servers=1) as v:
        # Before negotiation.
        c = v.monitor(0, negotiate=False)
        c.greeting()
        case("qmp/before-negotiation", qmp_case, c,
             b'{"execute": "query-status", "id": 1}\n',
             [err("CommandNotFound", "Expecting capabilities negotiation "
                  "with 'qmp_capabilities'", "1")], NEGOTIATE_FIRST)
        case("qmp/bad-capability", lambda: V.check(
            c.cmd("qmp_capabilities", {"enable": ["foo"]}) ==
            {"error": {"class": "GenericError",
                       "desc": "Parameter 'null' does not accept value "
                               "'foo'"}}, "reply"))
        c.close()
        for name, data, want in QMP:
            case("qmp/" + name, qmp_case, v.qmp, data, want)
        # Limits (docs/specs/qmp.rst): refused, then resynchronised.
        case("qmp/token-size-limit", qmp_limit, v.qmp,
             b'"' + b"a" * (64 << 20) + b'"\n',
             "JSON token size limit exceeded")
        n = 1048577  # 2n+1 tokens: just over 2M
        case("qmp/token-count-limit", qmp_limit, v.qmp,
             b"[" + b"1," * (n - 1) + b"1]\n",
             "JSON token count limit exceeded")
        case("qmp/huge-valid-id", qmp_case, v.qmp,
             b'{"execute": "query-status", "id": "' + b"x" * 100000 +
             b'"}\n',
             [b'{"return": {"status": "running", "running": true}, "id": "' +
              b"x" * 100000 + b'"}\r\n'])
        # One reply bigger than the per-client output cap still reaches a
        # client that reads (the cap judges what was left unread before).
        def reply_larger_than_cap():
            big = 6 << 20
            v.qmp.send(b'{"execute": "query-status", "id": "' + b"y" * big +
                       b'"}\n')
            r = v.qmp.readline(30)
            V.check(r == b'{"return": {"status": "running", "running": '
                    b'true}, "id": "' + b"y" * big + b'"}\r\n',
                    "got %r" % (r[:60] if r else r))
            V.check(v.qmp.cmd("query-status")["return"]["running"], "after")
        case("qmp/reply-larger-than-cap", reply_larger_than_cap)
        # A client that goes away mid-message or mid-command.
        case("qmp/disconnect-mid-object", qmp_disconnect, v,
             b'{"execute": "query-st')
        case("qmp/disconnect-mid-string", qmp_disconnect, v,
             b'{"execute": "query-status", "id": "abc')
        case("qmp/disconnect-mid-utf8", qmp_disconnect, v,
             b'{"execute": "qmp_capabilities", "id": "\xe2\x82')
        case("qmp/disconnect-before-reply", qmp_disconnect, v,
             b'{"execute": "qmp_capabilities"}\n'
             b'{"execute": "query-qmp-schema"}\n' * 50)
        case("qmp/still-alive", lambda: V.check(
            v.qtest("inb 0x505") == "OK 0x0007" and
            v.qmp.cmd("query-status")["return"]["running"], "dead"))
        V.check(v.quit() == 0, "exit status")


def qmp_disconnect(v, data):
    c = v.monitor(0, negotiate=False)
    c.greeting()
    c.send(data)
    c.close()
    c = v.monitor(0, negotiate=False)
    c.greeting()
    qmp_case(c, b'{"execute": "query-status", "id": 1}\n',
             [err("CommandNotFound", "Expecting capabilities negotiation "
                  "with 'qmp_capabilities'", "1")], NEGOTIATE_FIRST)
    c.close()


# ---- qtest: exact reply lines ----

QTEST = [
    ("blank-word", " ", "FAIL Unknown command ''"),
    ("unknown", "bogus", "FAIL Unknown command 'bogus'"),
    ("case", "OUTB 0x505 1", "FAIL Unknown command 'OUTB'"),
    ("too-few", "outb 0x505", "FAIL wrong number of arguments for 'outb'"),
    ("too-many", "outb 0x505 1 2",
     "FAIL wrong number of arguments for 'outb'"),
    ("double-space", "outb  0x505 1",
     "FAIL wrong number of arguments for 'outb'"),
    ("extra-arg", "endianness x",
     "FAIL wrong number of arguments for 'endianness'"),
    ("port-range", "outb 0x10000 1", "FAIL port out of range (0..0xffff)"),
    ("in-port-range", "inb 0x10000", "FAIL port out of range (0..0xffff)"),
    ("negative", "outb -1 1", "FAIL invalid number '-1'"),
    ("not-number", "outb 0x505 abc", "FAIL invalid number 'abc'"),
    ("bare-0x", "outb 0x505 0x", "FAIL invalid number '0x'"),
    ("bad-octal", "outb 0x505 09", "FAIL invalid number '09'"),
    ("overflow", "outb 0x505 99999999999999999999",
     "FAIL invalid number '99999999999999999999'"),
    ("crlf", "outb 0x505 1\r", "FAIL invalid number '1\r'"),
    ("addr-wrap", "readq 0xfffffffffffffffc",
     "FAIL address range wraps around"),
    ("write-wrap", "writeq 0xfffffffffffffff9 1",
     "FAIL address range wraps around"),
    ("read-wrap", "read 0xffffffffffffffff 2",
     "FAIL address range wraps around"),
    ("read-zero", "read 0 0", "FAIL size must not be zero"),
    ("read-huge", "read 0 0x1000001",
     "FAIL size exceeds the limit of 16777216 bytes"),
    ("memset-huge", "memset 0 0x1000001 0",
     "FAIL size exceeds the limit of 16777216 bytes"),
    ("write-short-data", "write 0 1 0", "ERR invalid argument size"),
    ("write-bad-prefix", "write 0 1 zzzz", "FAIL data must start with 0x"),
    ("write-bad-hex", "write 0 1 0xzz", "FAIL invalid hex data"),
    ("b64-short", "b64write 0 4 a", "ERR invalid argument size"),
    ("b64-bad-chars", "b64write 0 4 !!!!", "FAIL invalid base64 data"),
    ("b64-bad-padding", "b64write 0 4 QUJD=", "FAIL invalid base64 data"),
    ("clock-bad-number", "clock_step abc", "FAIL invalid number 'abc'"),
    ("clock-set-bad-number", "clock_set abc", "FAIL invalid number 'abc'"),
    ("clock-no-deadline", "clock_step", "FAIL cannot advance clock to the "
     "next deadline because there is no pending deadline"),
    ("irq-unknown-device", "irq_intercept_in /nope", "FAIL Unknown device"),
    ("set-irq-unknown-device", "set_irq_in /nope x 0 1",
     "FAIL Unknown device"),
    ("module-load", "module_load a b", "FAIL"),
    # Unassigned guest memory reads 0 (QEMU: unassigned_mem_read).
    ("unassigned-mmio-read", "readl 0xfee00000", "OK 0x0000000000000000"),
    ("unassigned-mmio-write", "writel 0xfee00000 1", "OK"),
    ("beyond-ram-read", "read 0x40000000 4", "OK 0x00000000"),
    ("top-of-space-read", "readb 0xffffffffffffffff",
     "OK 0x0000000000000000"),
]


def qtest_tests():
    with V.Vigil(opts.vigil, ["-device", "pvpanic", "-m", "16M"]) as v:
        for name, line, want in QTEST:
            case("qtest/" + name, lambda: V.check(
                v.qtest(line) == want, "got %r, want %r"
                % (v.qtest(line), want)))

        def blank():
            v.qt.send("\n\n")
            V.check(v.qtest("inb 0x505") == "OK 0x0007", "after blanks")
        case("qtest/blank-line", blank)

        def too_long():
            v.qt.send("outb " + "x" * (2 * 16 * 1024 * 1024 + 300) + " 1\n")
            r = v.qt.readline(60)
            V.check(r == b"FAIL line too long (limit 33554688 bytes)\n",
                    "got %r" % r)
            V.check(v.qtest("inb 0x505") == "OK 0x0007", "after")
        case("qtest/line-too-long", too_long)

        def big_ok():
            r = v.qtest("memset 0 0x1000000 0x41")
            V.check(r == "OK", "memset %r" % r)
            r = v.qtest("read 0 0x1000000", timeout=60)
            V.check(r == "OK 0x" + "41" * (16 << 20), "read len %d" % len(r))
        case("qtest/max-size-transfer", big_ok)

        def split_line():
            v.qt.send("out")
            time.sleep(0.01)
            v.qt.send("b 0x505 0\ninb 0x5")
            time.sleep(0.01)
            v.qt.send("05\n")
            V.check(v.qt.readline() == b"OK\n", "split 1")
            V.check(v.qt.readline() == b"OK 0x0007\n", "split 2")
        case("qtest/split-across-reads", split_line)

        def unread_replies_bounded():
            # A client that sends without reading: Vigil stops reading its
            # commands instead of queueing replies without limit, and
            # answers all of them, in order, once the client reads.
            rss0 = v.mem()["VmRSS"]
            v.qt.send("read 0 0x1000000\n" * 8)
            time.sleep(1.0)
            grown = v.mem()["VmRSS"] - rss0
            V.check_rss(grown < 96 * 1024, "VmRSS grew by %d KiB with 8 unread "
                    "32 MiB replies queued" % grown)
            for i in range(8):
                r = v.qt.readline(60)
                V.check(r is not None and r.startswith(b"OK 0x") and
                        len(r) == 5 + 2 * (16 << 20) + 1,
                        "reply %d: %r" % (i, r[:40] if r else r))
            V.check(v.qtest("inb 0x505") == "OK 0x0007", "after")
        case("qtest/unread-replies-bounded", unread_replies_bounded)

        def nul_byte():
            r = v.qtest("irq_intercept_in /ma\x00chine")
            V.check(r == "FAIL Unknown device", "got %r" % r)
        case("qtest/nul-byte", nul_byte)
        case("qtest/no-events", lambda: V.check(
            v.qmp.readline(0.05) is None, "unexpected QMP output"))
        V.check(v.quit() == 0, "exit status")


# ---- guest: pvpanic bits, wide accesses, unassigned ports ----

def tail(line):
    """An event line without its timestamp."""
    i = line.index(b'"event"')
    return line[i:]


def ev(name, data=None):
    t = b'"event": "' + name.encode() + b'"'
    if data:
        t += b', "data": ' + data
    return t + b"}\r\n"


PANIC = ev("GUEST_PANICKED", b'{"action": "run"}')
CRASH = ev("GUEST_CRASHLOADED", b'{"action": "run"}')

# (name, qtest line, reply, events); -action panic=none, no shutdown.
GUEST = [
    ("unknown-bit-alone", "outb 0x505 0x80", "OK", []),
    ("unknown-bits-with-panic", "outb 0x505 0x81", "OK", [PANIC]),
    ("all-bits", "outb 0x505 0xff", "OK", [PANIC]),
    ("priority", "outb 0x505 0x03", "OK", [PANIC]),
    ("unknown-bit-8", "outb 0x505 0x08", "OK", []),
    ("zero", "outb 0x505 0", "OK", []),
    ("value-truncated", "outb 0x505 0x100", "OK", []),
    ("wide-write-word", "outw 0x505 0x0201", "OK", [PANIC, CRASH]),
    ("wide-write-long", "outl 0x505 0x02010201", "OK",
     [PANIC, CRASH, PANIC, CRASH]),
    ("wide-read-word", "inw 0x505", "OK 0x0707", []),
    ("wide-read-long", "inl 0x505", "OK 0x7070707", []),
    ("unassigned-inb", "inb 0x1234", "OK 0x00ff", []),
    ("unassigned-inw", "inw 0x1234", "OK 0xffff", []),
    ("unassigned-inl", "inl 0x1234", "OK 0xffffffff", []),
    ("unassigned-out", "outl 0x1234 0xffffffff", "OK", []),
    ("top-port-word", "inw 0xffff", "OK 0xffff", []),
    ("top-port-long", "inl 0xfffe", "OK 0xffffffff", []),
]


def guest_tests():
    tmp = tempfile.mkdtemp(prefix="vigil-bad-")
    log = os.path.join(tmp, "log")
    try:
        with V.Vigil(opts.vigil, ["-device", "pvpanic", "-action",
                                  "panic=none", "-d", "guest_errors,ioport",
                                  "-D", log]) as v:
            def one(line, reply, events):
                r = v.qtest(line)
                V.check(r == reply, "reply %r, want %r" % (r, reply))
                got = []
                while True:
                    ln = v.qmp.readline(0.05 if len(got) >= len(events)
                                        else V.TIMEOUT)
                    if ln is None:
                        break
                    got.append(tail(ln))
                V.check(got == events, "events %r, want %r" % (got, events))
            for name, line, reply, events in GUEST:
                case("guest/" + name, one, line, reply, events)

            def logged():
                with open(log) as f:
                    text = f.read()
                lines = text.splitlines()
                V.check(lines.count("pvpanic: unknown event 0x80") == 1,
                        "unknown-bit line: %r" % lines[:6])
                V.check(not any("unknown event 0x8" == x or
                                "unknown event 0xff" in x for x in lines),
                        "logged more than once: %r" % lines)
                v.qtest("readl 0xfee00000")
                with open(log) as f:
                    lines = f.read().splitlines()
                for want in ["unassigned io read addr 0x1234 size 1",
                             "unassigned memory read addr 0xfee00000 "
                             "size 4",
                             "unassigned io write addr 0x1234 size 4 "
                             "value 0xffffffff"]:
                    V.check(want in lines, "missing %r in %r" % (want, lines))
            case("guest/logged-once", logged)

            def random_io():
                # Random port I/O of every width over the whole space,
                # except the reset/shutdown registers of the board.
                rnd = random.Random(opts.seed)
                skip = {0xcf9, 0x64, 0x92}
                batch = []
                for _ in range(opts.random_io):
                    port = rnd.randrange(0x10000)
                    if any(p in skip for p in range(port, port + 4)):
                        continue
                    w = rnd.choice("bwl")
                    if rnd.random() < 0.5:
                        batch.append("in%s 0x%x" % (w, port))
                    else:
                        batch.append("out%s 0x%x 0x%x"
                                     % (w, port, rnd.getrandbits(32)))
                for i in range(0, len(batch), 500):
                    chunk = batch[i:i + 500]
                    v.qt.send("".join(x + "\n" for x in chunk))
                    for x in chunk:
                        r = v.qt.readline()
                        V.check(r is not None and r.startswith(b"OK"),
                                "%s -> %r" % (x, r))
                r = v.qmp.cmd("query-status")
                V.check("status" in r.get("return", {}), "query-status %r"
                        % r)
            case("guest/random-port-io", random_io)
            V.check(v.quit() == 0, "exit status")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    global opts
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vigil", default=V.default_binary())
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--random-io", type=int, default=20000)
    ap.add_argument("only", nargs="*", help="groups or cases to run")
    opts = ap.parse_args()
    if not opts.only or "cli" in opts.only or any(
            o.startswith("cli/") for o in opts.only):
        for name, args, rc, text in CLI:
            case("cli/" + name, run_cli, args, rc, text)
        case("cli/action-help", cli_action_help)
        case("cli/kernel-missing", cli_kernel_missing)
        case("cli/logfile-truncated", cli_logfile_truncated)
        case("cli/passed-fd-listening", cli_passed_fd_mismatch, False)
        case("cli/passed-fd-connected", cli_passed_fd_mismatch, True)
    if not opts.only or any(o.split("/")[0] == "qmp" for o in opts.only):
        qmp_tests()
    if not opts.only or any(o.split("/")[0] == "qtest" for o in opts.only):
        qtest_tests()
    if not opts.only or any(o.split("/")[0] == "guest" for o in opts.only):
        guest_tests()
    bad = [n for n, e in results if e]
    print("# %d cases, %d failed%s" % (len(results), len(bad),
                                       (": " + ", ".join(bad)) if bad else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
