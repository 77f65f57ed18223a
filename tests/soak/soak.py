#!/usr/bin/env python3
"""Soak: many panic -> cont and panic -> system_reset -> cont cycles.

Vigil runs under -accel qtest with a pvpanic device and
-action panic=pause, launched like libqtest.  Each round does

  A: outb 0x505 1 -> GUEST_PANICKED{pause}, STOP;  cont -> RESUME, {}
  B: outb 0x505 1 -> GUEST_PANICKED{pause}, STOP;
     system_reset -> RESET{false, host-qmp-system-reset}, {};
     cont -> RESUME, {}

Every QMP line is compared byte for byte (timestamp aside) with what
QEMU sends, so a lost, duplicated, reordered or misformatted event fails
at once.  Every --check-every rounds query-status is checked after the
panic (guest-panicked), after the reset (prelaunch) and after cont
(running).  VmRSS is sampled after a warm-up and at the end; growth
beyond --rss-limit-kib fails.

  soak.py --vigil build/vigil --cycles 100000
"""

import argparse
import os
import re
import sys
import time

sys.dont_write_bytecode = True   # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), 'pylib'))
import vigiltest as V  # noqa: E402

TS = re.compile(rb'^\{"timestamp": \{"seconds": (\d+), "microseconds": '
                rb'(\d+)\}, ')


def ev(name, data=None):
    line = b'{"timestamp": T, "event": "' + name.encode() + b'"'
    if data:
        line += b', "data": ' + data.encode()
    return line + b"}\r\n"


PANICKED = ev("GUEST_PANICKED", '{"action": "pause"}')
STOP = ev("STOP")
RESUME = ev("RESUME")
RESET = ev("RESET", '{"guest": false, "reason": "host-qmp-system-reset"}')
RETURN = b'{"return": {}}\r\n'

CONT = b'{"execute": "cont"}\n'
RESET_CMD = b'{"execute": "system_reset"}\n'
STATUS_CMD = b'{"execute": "query-status"}\n'


def status_reply(status):
    running = "true" if status == "running" else "false"
    return ('{"return": {"status": "%s", "running": %s}}\r\n'
            % (status, running)).encode()


class Soak:
    def __init__(self, vigil):
        self.v = vigil
        self.qmp = vigil.qmp
        self.last_ts = (0, 0)
        self.ts_backwards = 0
        self.lines = 0

    def expect(self, *want):
        """The next QMP lines must be exactly @want (timestamps aside)."""
        for w in want:
            line = self.qmp.readline()
            if line is None:
                raise V.TestFailure("expected %r, got nothing (eof=%s)"
                                    % (w, self.qmp.eof))
            m = TS.match(line)
            if m:
                ts = (int(m.group(1)), int(m.group(2)))
                V.check(ts[1] < 1000000, "bad microseconds: %r" % line)
                if ts < self.last_ts:
                    self.ts_backwards += 1
                self.last_ts = ts
                line = b'{"timestamp": T, ' + line[m.end():]
            if line != w:
                raise V.TestFailure("after %d lines: expected %r, got %r"
                                    % (self.lines, w, line))
            self.lines += 1

    def panic(self):
        r = self.v.qtest("outb 0x505 1")
        V.check(r == "OK", "outb: %r" % r)
        self.expect(PANICKED, STOP)

    def status(self, want):
        self.qmp.send(STATUS_CMD)
        self.expect(status_reply(want))

    def cont(self, check):
        self.qmp.send(CONT)
        self.expect(RESUME, RETURN)
        if check:
            self.status("running")

    def round(self, check):
        # A: panic -> cont
        self.panic()
        if check:
            self.status("guest-panicked")
        self.cont(check)
        # B: panic -> system_reset -> cont
        self.panic()
        self.qmp.send(RESET_CMD)
        self.expect(RESET, RETURN)
        if check:
            self.status("prelaunch")
        self.cont(check)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vigil", default=V.default_binary())
    ap.add_argument("--cycles", type=int, default=2000,
                    help="cycles of each kind (default 2000)")
    ap.add_argument("--check-every", type=int, default=50,
                    help="query-status checks every K rounds")
    ap.add_argument("--warmup", type=int, default=None,
                    help="rounds before the RSS baseline (default 10%%, "
                    "at least 100)")
    ap.add_argument("--rss-limit-kib", type=int, default=1024,
                    help="allowed VmRSS growth after warm-up")
    opts = ap.parse_args()
    warmup = opts.warmup
    if warmup is None:
        warmup = max(100, opts.cycles // 10)
    warmup = min(warmup, opts.cycles)

    with V.Vigil(opts.vigil, ["-device", "pvpanic",
                              "-action", "panic=pause"]) as v:
        s = Soak(v)
        start = v.mem()
        base = None
        peak_rss = start["VmRSS"]
        t0 = time.monotonic()
        try:
            for i in range(opts.cycles):
                if i == warmup:
                    base = v.mem()
                s.round(i % opts.check_every == 0)
                if i % 1000 == 999:
                    peak_rss = max(peak_rss, v.mem()["VmRSS"])
        except V.TestFailure as e:
            print("FAIL round %d: %s" % (i, e))
            return 1
        elapsed = time.monotonic() - t0
        end = v.mem()
        if base is None:
            base = end
        status = v.quit()
        peak_rss = max(peak_rss, end["VmRSS"])

    growth = end["VmRSS"] - base["VmRSS"]
    print("soak: %d x (panic->cont) + %d x (panic->system_reset->cont) "
          "in %.1f s (%.0f rounds/s), %d QMP lines checked"
          % (opts.cycles, opts.cycles, elapsed,
             opts.cycles / elapsed if elapsed else 0, s.lines))
    print("soak: VmRSS start %d KiB, after %d-round warm-up %d KiB, end %d "
          "KiB (growth %+d KiB, limit %d); peak sampled %d KiB; VmHWM end "
          "%d KiB" % (start["VmRSS"], warmup, base["VmRSS"], end["VmRSS"],
                      growth, opts.rss_limit_kib, peak_rss, end["VmHWM"]))
    if s.ts_backwards:
        print("soak: note: wall-clock timestamps went backwards %d times"
              % s.ts_backwards)
    ok = True
    if status != 0:
        print("FAIL: exit status %d after SIGTERM (want 0)" % status)
        ok = False
    if growth > opts.rss_limit_kib and not V.RSS_CHECKS:
        print("soak: note: RSS not judged in this build (sanitizer)")
    elif growth > opts.rss_limit_kib:
        print("FAIL: VmRSS grew by %d KiB after warm-up (limit %d KiB)"
              % (growth, opts.rss_limit_kib))
        ok = False
    print("soak: %s" % ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
