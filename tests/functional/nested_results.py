"""Results of the real-kernel cases (tests/functional/nested.py, bench/boot):
the markers tests/guest/qmp-case.c and tests/guest/l1-libvirt.sh print (one
line each, see their header comments) parsed into one CaseResult per case,
and the helpers the cases' checks share."""

import json
import re


class CaseResult:
    def __init__(self, name):
        self.name = name
        self.started = False
        self.qmp = []         # (t, text) received
        self.events = []      # parsed events
        self.returns = []     # "return" values in order
        self.errors = []      # "error" replies
        self.steps = []
        self.serial = []
        self.stderr = []
        self.exit = None
        self.runner = None    # (PASS|FAIL, reason)
        self.time = None
        self.kvmstat = {}     # L1 KVM counters over the case (nested only)
        self.core = {}        # "step core": what the dump held
        self.vmcoreinfo = {}  # "step core": the dump's VMCOREINFO note
        self.trace = []       # L1 tracefs lines (case key 'trace')
        self.trace_t0 = None  # the VMM's start on the trace clock
        self.virsh = []       # libvirt: (command, output lines, rc)
        self.lv_events = []   # libvirt: `virsh event` lines
        self.lvlog = []       # libvirt: libvirtd log lines (failures)

    def vl2(self, key):
        """Values of the guest's "VL2 KEY value" console lines."""
        out = []
        for line in self.serial:
            m = re.match(r'.*?VL2 (\S+) ?(.*?)\s*$', line)
            if m and m.group(1) == key:
                out.append(m.group(2))
        return out

    def event_time(self, name):
        for t, text in self.qmp:
            try:
                if json.loads(text).get('event') == name:
                    return t
            except ValueError:
                pass
        return None


MARKER = re.compile(r'^(CASE|QMP>?|STEP|SERIAL|STDERR|TRACE|VIRSH|EVENT|'
                    r'LVLOG|LIBVIRTD) ([^\s|]+)(\|)?(?: (.*))?$')
VIRSH_CMD = re.compile(r'^t=\S+ \$ virsh (.*)$')
VIRSH_RC = re.compile(r'^t=\S+ rc=(\d+)$')


def parse(lines):
    results = {}
    for raw in lines:
        line = raw.rstrip('\r\n')
        m = MARKER.match(line)
        if not m:
            continue
        kind, name, bar, rest = m.groups()
        rest = rest or ''
        if kind == 'LIBVIRTD':
            # l1-libvirt.sh's own lines (libvirtd), for all of its cases.
            name, rest, bar = 'libvirtd', line, '|'
            kind = 'STDERR'
        r = results.setdefault(name, CaseResult(name))
        if kind == 'VIRSH':
            cmd, rc = VIRSH_CMD.match(rest), VIRSH_RC.match(rest)
            if bar and r.virsh:
                r.virsh[-1][1].append(rest)
            elif cmd:
                r.virsh.append((cmd.group(1), [], None))
            elif rc and r.virsh:
                r.virsh[-1] = r.virsh[-1][:2] + (int(rc.group(1)),)
        elif kind == 'EVENT' and bar:
            r.lv_events.append(rest)
        elif kind == 'LVLOG' and bar:
            r.lvlog.append(rest)
        elif kind == 'SERIAL' and bar:
            r.serial.append(rest)
        elif kind == 'STDERR' and bar:
            r.stderr.append(rest)
        elif kind == 'TRACE' and bar:
            r.trace.append(rest)
        elif kind == 'STEP':
            r.steps.append(rest)
        elif kind == 'QMP':
            t, _, text = rest.partition(' ')
            if text.startswith('{'):
                r.qmp.append((float(t[2:]), text))
                try:
                    obj = json.loads(text)
                except ValueError:
                    continue
                if 'event' in obj:
                    r.events.append(obj)
                elif 'return' in obj:
                    r.returns.append(obj['return'])
                elif 'error' in obj:
                    r.errors.append(obj['error'])
        elif kind == 'CASE':
            word, _, arg = rest.partition(' ')
            if word == 'START':
                r.started = True
            elif word == 'EXIT':
                r.exit = arg
            elif word == 'KVMSTAT':
                r.kvmstat = {k: int(v) for k, _, v in
                             (w.partition('=') for w in arg.split())}
            elif word == 'CORE':
                r.core = dict(w.partition('=')[::2] for w in arg.split())
            elif word == 'VMCOREINFO':
                r.vmcoreinfo = dict(w.partition('=')[::2]
                                    for w in arg.split())
            elif word == 'TIME':
                r.time = float(arg)
            elif word == 'TRACE-T0':
                r.trace_t0 = float(arg)
            elif word == 'RESULT':
                status, _, reason = arg.partition(' ')
                r.runner = (status, reason)
    return results


# ---- helpers for the checks ------------------------------------------------

def ev(r, name):
    """The data of every QMP event @name, in order."""
    return [e.get('data') for e in r.events if e.get('event') == name]


def expect(problems, cond, msg):
    """Record @msg as a problem unless @cond."""
    if not cond:
        problems.append(msg)


def check_driver(p, r, capability, events=None, port='0505'):
    """The guest's pvpanic driver, as its VL2 lines report it."""
    expect(p, r.vl2('QEMU0001') == ['yes'] * len(r.vl2('BOOT')),
           'guest lacks ACPI QEMU0001: %s' % r.vl2('QEMU0001'))
    expect(p, r.vl2('BOUND')[:1] == ['yes'],
           'pvpanic-mmio not bound: %s' % r.vl2('BOUND'))
    expect(p, r.vl2('CAPABILITY')[:1] == [capability],
           'capability %s, expected %s' % (r.vl2('CAPABILITY'), capability))
    expect(p, r.vl2('EVENTS')[:1] == [events or capability],
           'events %s, expected %s' % (r.vl2('EVENTS'), events or capability))
    expect(p, r.vl2('IOPORT')[:1] == ['%s-%s' % (port, port)],
           'ioport %s, expected %s' % (r.vl2('IOPORT'), port))
