#!/usr/bin/env python3
"""Concurrency: many monitors, an event storm, dropped and stuck clients.

Tests (run all, or name some on the command line):

fanout    64 -qmp server monitors plus the libqtest monitor, all
          connected and negotiated at once.  qtest writes a storm of
          crash-loaded events with a panic (panic=none: no state change)
          every 50th write as a marker.  56 steady clients and the
          libqtest one must each receive exactly the emitted sequence,
          byte for byte, with the same timestamp for the same event on
          every client (formatted once).  Meanwhile the other 8 monitors
          churn: clients connect, negotiate or not, send half a JSON
          object (or half a UTF-8 sequence, or a command whose reply they
          never read) and close; a second client waits in the backlog.
          Afterwards every churned monitor greets a new client in
          negotiation mode with no trace of the half message.
stuck     A negotiated client that never reads while events pile up.
          Vigil must keep answering qtest and the healthy client
          promptly, and must drop the stuck client once more than
          MONITOR_OUTQ_MAX (4 MiB, monitor/monitor-internal.h) is queued
          for it; a client waiting in the backlog then gets the
          greeting.  VmRSS is sampled throughout and must stay bounded;
          a second stuck client on the same monitor must not add to it.
stuckcmd  The same with a client that sends commands (query-qmp-schema,
          ~7.7 KB replies) and never reads the replies.
"""

import argparse
import fcntl
import os
import re
import select
import selectors
import socket
import struct
import sys
import termios
import time

sys.dont_write_bytecode = True   # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), 'pylib'))
import vigiltest as V  # noqa: E402

TS = re.compile(rb'^\{"timestamp": \{"seconds": (\d+), "microseconds": '
                rb'(\d+)\}, ')
CRASH = b'"event": "GUEST_CRASHLOADED", "data": {"action": "run"}}\r\n'
PANIC = b'"event": "GUEST_PANICKED", "data": {"action": "run"}}\r\n'
OUTQ_MAX = 4 << 20  # MONITOR_OUTQ_MAX in monitor/monitor-internal.h

opts = None


def storm_lines(n, marker_every=50):
    """The qtest lines of a storm and the event tails they must give."""
    lines, want = [], []
    for i in range(n):
        if i % marker_every == marker_every - 1:
            lines.append("outb 0x505 1")
            want.append(PANIC)
        else:
            lines.append("outb 0x505 2")
            want.append(CRASH)
    return lines, want


def qtest_batch(v, lines):
    """Send @lines in one write, read one OK each; return the seconds."""
    t0 = time.monotonic()
    v.qt.send("".join(line + "\n" for line in lines))
    for line in lines:
        r = v.qt.readline()
        V.check(r == b"OK\n", "qtest %r: %r" % (line, r))
    return time.monotonic() - t0


class Sink:
    """A client that reads everything and checks it against @want."""

    def __init__(self, name, conn, want):
        self.name = name
        self.conn = conn
        self.want = want
        self.got = 0
        self.nbytes = 0
        self.stamps = []
        conn.sock.setblocking(False)

    def take(self):
        try:
            chunk = self.conn.sock.recv(1 << 16)
        except BlockingIOError:
            return
        if not chunk:
            raise V.TestFailure("%s: EOF after %d events" % (self.name,
                                                            self.got))
        self.conn.buf += chunk
        while True:
            line = self.conn.pop_line()
            if line is None:
                return
            m = TS.match(line)
            V.check(m, "%s: not an event: %r" % (self.name, line))
            if self.want is None:  # count only: a crash-loaded storm
                exp = CRASH
            else:
                V.check(self.got < len(self.want),
                        "%s: extra event %r" % (self.name, line))
                exp = self.want[self.got]
            V.check(line[m.end():] == exp, "%s: event %d: expected %r, "
                    "got %r" % (self.name, self.got, exp, line))
            if self.want is not None:
                self.stamps.append(m.group(0))
            self.nbytes += len(line)
            self.got += 1

    @property
    def done(self):
        return self.got == len(self.want)


def drain(sel, timeout):
    for key, _ in sel.select(timeout):
        key.data.take()


class Churner:
    """Misbehaving clients on one monitor, one step per call."""

    ACTIONS = ("half-object", "half-utf8", "no-negotiation", "unread-reply",
               "half-string", "backlog")

    def __init__(self, v, idx, seed):
        self.v = v
        self.idx = idx
        self.step_no = seed
        self.conn = v.monitor(idx)  # connected and negotiated at start

    def step(self):
        action = self.ACTIONS[self.step_no % len(self.ACTIONS)]
        self.step_no += 1
        if action == "backlog":
            # A second client waits behind the current one, then takes over.
            waiter = V.QmpConn(V.unix_connect(self.v.server_paths[self.idx]))
            line = waiter.readline(0.05)
            V.check(line is None, "backlog client greeted while the monitor "
                    "is busy: %r" % line)
            self.conn.close()
            self.conn = waiter
            self.conn.negotiate()
            return
        c = self.conn
        if action == "half-object":
            c.send(b'{"execute": "query-st')
        elif action == "half-utf8":
            c.send(b'{"execute": "qmp_capabilities", "id": "\xc3')
        elif action == "half-string":
            c.send(b'{"execute": "query-status", "id": "abc')
        elif action == "unread-reply":
            c.send(b'{"execute": "query-qmp-schema"}\n' * 4)
        elif action == "no-negotiation":
            pass
        c.close()
        self.conn = self.v.monitor(self.idx, negotiate=False)
        self.check_fresh()

    def check_fresh(self):
        """A new client: greeting, negotiation mode, no leftover input."""
        c = self.conn
        c.greeting()
        r = c.cmd("query-status", id=1)
        V.check(r == {"id": 1, "error": {
            "class": "CommandNotFound",
            "desc": "Expecting capabilities negotiation with "
                    "'qmp_capabilities'"}}, "monitor %d: %r" % (self.idx, r))
        r = c.cmd("qmp_capabilities")
        V.check(r == {"return": {}}, "monitor %d: %r" % (self.idx, r))
        # Events may already be arriving; reply() stashes them.
        r = c.cmd("query-status")
        V.check(r == {"return": {"status": "running", "running": True}},
                "monitor %d: %r" % (self.idx, r))


def test_fanout():
    nmon, nchurn = 64, 8
    lines, want = storm_lines(opts.events)
    with V.Vigil(opts.vigil, ["-device", "pvpanic", "-action", "panic=none"],
                 qmp_servers=nmon) as v:
        sel = selectors.DefaultSelector()
        sinks = [Sink("libqtest-monitor", v.qmp, want)]
        for i in range(nmon - nchurn):
            sinks.append(Sink("monitor %d" % i, v.monitor(i), want))
        churn = [Churner(v, i, i) for i in range(nmon - nchurn, nmon)]
        for s in sinks:
            sel.register(s.conn.sock, selectors.EVENT_READ, s)
        connected = len(sinks) + len(churn)
        rss0 = v.mem()["VmRSS"]
        worst = 0.0
        t0 = time.monotonic()
        for b in range(0, len(lines), 100):
            worst = max(worst, qtest_batch(v, lines[b:b + 100]))
            churn[(b // 100) % nchurn].step()
            drain(sel, 0)
        deadline = time.monotonic() + V.TIMEOUT
        while not all(s.done for s in sinks):
            V.check(time.monotonic() < deadline, "events missing: %s" % [
                (s.name, s.got) for s in sinks if not s.done][:5])
            drain(sel, 0.1)
        elapsed = time.monotonic() - t0
        drain(sel, 0.05)  # anything extra fails in take()
        for i in range(len(want)):
            stamps = {s.stamps[i] for s in sinks}
            V.check(len(stamps) == 1, "event %d has %d different "
                    "timestamps" % (i, len(stamps)))
        for c in churn:
            c.step()
        rss1 = v.mem()["VmRSS"]
        for s in sinks[:3]:
            s.conn.sock.setblocking(True)
        r = sinks[1].conn.cmd("query-status")
        V.check(r["return"]["status"] == "running", "query-status %r" % r)
        V.check(v.quit() == 0, "exit status after SIGTERM")
    print("# fanout: %d clients connected at once (%d steady + %d churning); "
          "%d events x %d steady clients = %d delivered in %.2f s, none "
          "lost; worst 100-line qtest batch %.1f ms; VmRSS %d -> %d KiB"
          % (connected, len(sinks), nchurn, len(want), len(sinks),
             len(want) * len(sinks), elapsed, worst * 1000, rss0, rss1))


def healthy_bytes(healthy, nevents):
    """Bytes of events the healthy client got, once it has @nevents."""
    deadline = time.monotonic() + V.TIMEOUT
    while healthy.got < nevents:
        V.check(time.monotonic() < deadline, "healthy client: %d of %d "
                "events" % (healthy.got, nevents))
        time.sleep(0.001)
        healthy.take()
    return healthy.nbytes


def stuck_common(what, flood, reply_size=None):
    """
    @flood(v, stuck) makes Vigil queue output for the stuck client and
    returns the bytes it queued, or None for "as many as the healthy
    client received" (events go to both, formatted once).
    @reply_size["n"] is the size of one reply when the flood is commands.
    """
    events = 0
    with V.Vigil(opts.vigil, ["-device", "pvpanic", "-action", "panic=none"],
                 qmp_servers=2) as v:
        healthy = Sink("healthy", v.monitor(1), None)
        rss_start = v.mem()["VmRSS"]
        for rnd in range(2):
            stuck = v.monitor(0)
            stuck.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            # Waits in the backlog; greeted once the stuck client is gone.
            waiter = V.QmpConn(V.unix_connect(v.server_paths[0]))
            base_bytes = healthy.nbytes
            produced = 0
            worst = 0.0
            peak = 0
            # The drop is a close(): the kernel marks the stuck end hung
            # up at once, so polling it (without reading) tells exactly
            # which flood step crossed the cap, whatever the scheduling
            # of the accept that greets the waiter.
            hup = select.poll()
            hup.register(stuck.sock, select.POLLRDHUP)
            prev = 0
            for _ in range(4 * OUTQ_MAX // 20000):
                prev = produced
                n = flood(v, stuck)
                t0 = time.monotonic()
                r = v.qtest("inb 0x505")
                worst = max(worst, time.monotonic() - t0)
                V.check(r == "OK 0x0007", "inb: %r" % r)
                peak = max(peak, v.mem()["VmRSS"])
                if n is None:
                    # Every event of the step has reached the healthy
                    # client, so the flush that sent them (to the stuck
                    # client first) is over: its drop decision is made.
                    events += 200
                    produced = healthy_bytes(healthy, events) - base_bytes
                else:
                    produced += n
                    healthy.take()
                if hup.poll(0):
                    break
            else:
                raise V.TestFailure("stuck client still connected after "
                                    "%d bytes of output" % produced)
            # What the stuck client can still read, then EOF.
            readable, end = 0, "EOF"
            stuck.sock.settimeout(V.TIMEOUT)
            while True:
                try:
                    chunk = stuck.sock.recv(1 << 16)
                except ConnectionResetError:
                    end = "ECONNRESET"  # our unread requests were dropped
                    break
                if not chunk:
                    break
                readable += len(chunk)
            stuck.close()
            queued = produced - readable
            where = ("(%d bytes produced before the step that dropped it, "
                     "%d after; %d readable from the socket)"
                     % (prev, produced, readable))
            V.check(queued > OUTQ_MAX, "dropped with only %d bytes queued %s"
                    % (queued, where))
            # Exact: before the last step nothing was dropped, so at most
            # the cap plus one message was queued then.
            msg = len(CRASH) + 64 if n is None else reply_size["n"]
            V.check(prev - readable <= OUTQ_MAX + msg,
                    "not dropped although %d bytes were queued %s"
                    % (prev - readable, where))
            # No timed assertion (bench/ measures speed): a Vigil that
            # blocked on the stuck client would never answer, and
            # v.qtest() fails after V.TIMEOUT.  The worst case is reported.
            # The waiting client takes over, from the greeting.
            waiter.greeting()
            waiter.cmd("qmp_capabilities")
            r = waiter.cmd("query-status")
            V.check(r["return"]["running"] is True, "query-status %r" % r)
            waiter.close()
            after = v.mem()["VmRSS"]
            V.check_rss(peak - rss_start < 16 * 1024, "VmRSS grew by %d KiB"
                    % (peak - rss_start))
            print("# stuck (%s): round %d: dropped after %d bytes of output "
                  "(%d of them still readable by the client, then %s); "
                  "worst inb %.1f ms; VmRSS start %d, peak %d, after drop "
                  "%d KiB" % (what, rnd + 1, produced, readable, end,
                              worst * 1000, rss_start, peak, after))
        # The healthy client saw every event, in order, and still works.
        healthy_bytes(healthy, events)
        healthy.conn.sock.setblocking(True)
        r = healthy.conn.cmd("query-status", id="end")
        V.check(r == {"return": {"status": "running", "running": True},
                      "id": "end"}, "healthy: %r" % r)
        V.check(not healthy.conn.events, "healthy: extra events %r"
                % healthy.conn.events[:3])
        V.check(v.quit() == 0, "exit status after SIGTERM")
    if events:
        print("# stuck (%s): healthy client received all %d events"
              % (what, events))


STORM200 = storm_lines(200, marker_every=1 << 30)[0]


def test_stuck():
    def flood(v, stuck):
        qtest_batch(v, STORM200)
        return None

    stuck_common("events", flood)


def unread_by_peer(sock):
    """Bytes @sock sent that the peer has not read yet (SIOCOUTQ)."""
    buf = fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0" * 4)
    return struct.unpack("i", buf)[0]


def test_stuckcmd():
    size = {}

    def flood(v, stuck):
        if not size:
            stuck.send('{"execute": "query-qmp-schema"}\n')
            size["n"] = len(stuck.readline())
        try:
            stuck.send('{"execute": "query-qmp-schema"}\n' * 8)
        except (BrokenPipeError, ConnectionResetError):
            return 0  # dropped: the waiter will see its greeting
        # Wait until Vigil has read the requests (a close discards them
        # too); the caller's qtest round trip then orders us after the
        # read handler that ran them, so every reply counted was made.
        deadline = time.monotonic() + V.TIMEOUT
        while unread_by_peer(stuck.sock):
            V.check(time.monotonic() < deadline, "requests left unread")
            time.sleep(0.0005)
        return 8 * size["n"]

    stuck_common("replies", flood, size)


TESTS = [("fanout", test_fanout), ("stuck", test_stuck),
         ("stuckcmd", test_stuckcmd)]


def main():
    global opts
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vigil", default=V.default_binary())
    ap.add_argument("--events", type=int, default=3000,
                    help="events in the fan-out storm")
    ap.add_argument("tests", nargs="*")
    opts = ap.parse_args()
    return V.run_tests(TESTS, opts.tests)


if __name__ == "__main__":
    sys.exit(main())
