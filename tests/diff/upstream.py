#
# Upstream-only expectations: what upstream QEMU does where Debian's QEMU
# 7.2, the only QEMU that runs here, cannot show it.
#
# These lines are NOT a recording.  They are written from the upstream
# sources named in each entry (docs/devel/qemu-7.2-differences.rst,
# /work/shared/reference/qemu-pvpanic.md) and are labelled as such
# wherever the test prints them.  A scenario reaches one through an
# ('upstream_only', ID, qemu_steps) step: QEMU 7.2 marks the place in
# its transcript ("== upstream-only ID"), plays qemu_steps, and that is
# recorded like any other transcript.  Vigil is then held to
#
#     the 7.2 recording up to the mark  +  the entry's upstream lines
#
# and the recording after the mark must show what the entry says 7.2
# does instead (on_7_2, one regular expression per line): an entry that
# 7.2 no longer needs is itself a failure.
#

import re

from runner import QUIT_LINES, ev


def lit(lines):
    """Regular expressions matching exactly these lines."""
    return [re.escape(x) for x in lines]


class UpstreamOnly:
    def __init__(self, uid, title, upstream, on_7_2, lines):
        self.id = uid
        self.title = title
        self.upstream = upstream  # the upstream version and commits
        self.on_7_2 = [re.compile(rx) for rx in on_7_2]
        self.lines = list(lines)


PVSHUTDOWN = ('upstream QEMU 9.1 and later: commits 6269086b01 (bit 2) '
              'and 8db1f7be78 (GUEST_PVSHUTDOWN), 2024-05-27; reference '
              'qemu-pvpanic.md sections 3.1 and 4.3')

TABLE = [
    UpstreamOnly(
        'pvshutdown',
        'a write of bit 2 (PVPANIC_SHUTDOWN): 7.2 ignores it; upstream sends '
        'GUEST_PVSHUTDOWN, then SHUTDOWN {guest: true, reason: '
        'guest-shutdown}, and exits 0 under the default shutdown=poweroff',
        PVSHUTDOWN,
        on_7_2=lit(['T> outb 0x505 0x4', 'T< OK'] + QUIT_LINES),
        lines=['T> outb 0x505 0x4', 'T< OK', ev('GUEST_PVSHUTDOWN'),
               ev('SHUTDOWN', '{"guest": true, "reason": "guest-shutdown"}'),
               'Q< <eof>', 'exit 0']),
    UpstreamOnly(
        'pvshutdown-no-shutdown',
        'the same write under -no-shutdown: upstream stops in run state '
        '"shutdown" (STOP after SHUTDOWN), where cont needs a reset first',
        PVSHUTDOWN,
        on_7_2=lit(['T> outb 0x505 0x4', 'T< OK'] + QUIT_LINES),
        lines=['T> outb 0x505 0x4', 'T< OK', ev('GUEST_PVSHUTDOWN'),
               ev('SHUTDOWN', '{"guest": true, "reason": "guest-shutdown"}'),
               ev('STOP'),
               'Q> {"execute": "query-status"}',
               'Q< {"return": {"status": "shutdown", "running": false}}\\r',
               'Q> {"execute": "cont"}',
               'Q< {"error": {"class": "GenericError", "desc": "Resetting '
               'the Virtual Machine is required"}}\\r'] + QUIT_LINES),
    UpstreamOnly(
        'blank-qtest-line',
        'an empty qtest line: 7.2 aborts (assertion failed: (command)); '
        'upstream ignores it and sends no reply',
        'upstream QEMU 10.2 and later: commit 3de6afef49; reference '
        'qemu-pvpanic.md, qtest framing',
        on_7_2=lit(['T> ', 'T< <eof>', 'exit signal 6', 'E: **']) +
        [r'E: ERROR:.*: assertion failed: \(command\)'],
        lines=['T> ', 'T> inb 0x505', 'T< OK 0x0007'] + QUIT_LINES),
]

BY_ID = {u.id: u for u in TABLE}

MARK = '== upstream-only '


def split(lines):
    """(lines before the mark, the entry id it names or None, lines
    after the mark)."""
    for i, line in enumerate(lines):
        if line.startswith(MARK):
            return lines[:i], line[len(MARK):], lines[i + 1:]
    return lines, None, []


def check_7_2(entry, tail):
    """None if 7.2's lines after the mark are what @entry says, else why."""
    if len(tail) == len(entry.on_7_2) and all(
            rx.fullmatch(line) for rx, line in zip(entry.on_7_2, tail)):
        return None
    return ('upstream-only entry %s: QEMU 7.2 no longer shows what the '
            'entry says it does instead: %r' % (entry.id, tail))


def print_table():
    print('Upstream only (written from upstream sources, not recorded):')
    for u in TABLE:
        print('  %-22s %s\n  %-22s (%s)' % (u.id, u.title, '', u.upstream))
