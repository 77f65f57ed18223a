#!/usr/bin/env python3
#
# Differential test: Vigil against Debian's QEMU 7.2.
#
# Every scenario (scenarios.py) is a short table of steps.  The same
# steps are played against both binaries, each in its own fresh process,
# and the transcripts (qtest lines, QMP lines with their "\r\n", process
# exit status, stderr) are compared line by line after normalisation.
# Normalisation hides only timestamps and version numbers/package.
#
# What Vigil is compared with is QEMU 7.2's transcript as recorded from a
# real run (recordings/NAME.txt, with the QEMU version, command line and
# date that produced it; `--record` rewrites them).  Each run also plays
# the scenario against the installed QEMU and fails if that live
# transcript differs from the recording, so a recording cannot drift
# from what QEMU really does.  On top of the recording:
#   - known.py rewrites documented 7.2-vs-upstream and Vigil-vs-QEMU
#     differences (docs/devel/qemu-7.2-differences.rst);
#   - upstream.py supplies, separately labelled, what upstream QEMU does
#     where 7.2 cannot show it at all (from an "== upstream-only" mark on).
# Anything left over is a failure: that is how this test finds Vigil bugs.
#
# Python standard library only.
#
# Exit status: 0 all scenarios pass, 1 some fail.  Without
# qemu-system-x86_64 the comparison uses the recordings alone (said so on
# the first line), so the test never skips.

import argparse
import concurrent.futures
import difflib
import os
import shutil
import sys
import time

sys.dont_write_bytecode = True   # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import known  # noqa: E402
import recording  # noqa: E402
import upstream  # noqa: E402
from runner import Side, normalise  # noqa: E402
from scenarios import SCENARIOS  # noqa: E402


class Result:
    def __init__(self, scn):
        self.scn = scn
        self.live = None       # QEMU 7.2's transcript from this run
        self.qemu_argv = None
        self.vigil = None


def run_one(scn, qemu, vigil):
    """Plays @scn against QEMU (if @qemu) and Vigil (if @vigil)."""
    res = Result(scn)
    sides = []
    if qemu:
        sides.append(Side('qemu', qemu, scn))
    if vigil:
        sides.append(Side('vigil', vigil, scn))
    # The two processes are independent: run them side by side.
    with concurrent.futures.ThreadPoolExecutor(len(sides)) as ex:
        lines = list(ex.map(lambda s: s.play(), sides))
    for side, got in zip(sides, lines):
        if side.kind == 'qemu':
            res.live = normalise(got)
            res.qemu_argv = side.command_line() if side.argv else '?'
        else:
            res.vigil = normalise(got)
    return res


def expected_for(scn, qlines):
    """What Vigil must print, from QEMU 7.2's transcript @qlines.

    Returns (expected lines, notes, problems, index of the first
    upstream-only line or None)."""
    before, mark, after = upstream.split(qlines)
    expected, notes = known.apply(scn, before)
    problems = []
    first_upstream = None
    if mark is not None:
        entry = upstream.BY_ID.get(mark)
        if entry is None:
            problems.append('recording has the mark of an unknown '
                            'upstream-only entry %r' % mark)
        else:
            why = upstream.check_7_2(entry, after)
            if why:
                problems.append(why)
            notes.append('upstream-only ' + mark)
            first_upstream = len(expected)
            expected = expected + entry.lines
    return expected, notes, problems, first_upstream


def unified(a, b, name_a, name_b):
    return ['    ' + x for x in difflib.unified_diff(
        a, b, name_a, name_b, lineterm='', n=3)]


def main():
    ap = argparse.ArgumentParser(
        description='Differential test: Vigil against QEMU 7.2 '
        '(docs/devel/qemu-7.2-differences.rst)')
    ap.add_argument('--vigil', help='path to vigil-system-x86_64')
    ap.add_argument('--qemu', default=None,
                    help='QEMU 7.2 binary (default: qemu-system-x86_64)')
    ap.add_argument('--only', action='append', default=[],
                    help='run only scenarios whose name contains this')
    ap.add_argument('--record', action='store_true',
                    help='play the scenarios against QEMU and write '
                    'tests/diff/recordings/ (compares nothing)')
    ap.add_argument('--no-live', action='store_true',
                    help='compare with the recordings only, do not run '
                    'QEMU')
    ap.add_argument('--qemu-only', action='store_true',
                    help='print QEMU transcripts, compare nothing')
    ap.add_argument('--show', action='store_true',
                    help='print the transcripts for every scenario')
    ap.add_argument('--jobs', type=int, default=3)
    ap.add_argument('--list-known', action='store_true',
                    help='print the tables of known differences and of '
                    'upstream-only expectations')
    args = ap.parse_args()

    if args.list_known:
        known.print_table()
        upstream.print_table()
        return 0

    qemu = None
    if not args.no_live:
        qemu = args.qemu or shutil.which('qemu-system-x86_64')
        if not qemu or not os.access(qemu, os.X_OK):
            if args.record or args.qemu_only or args.qemu:
                print('ERROR: no QEMU binary to run (%s)' % (args.qemu or
                      'qemu-system-x86_64 not found'))
                return 1
            print('NOTE: qemu-system-x86_64 not found: comparing with the '
                  'recordings only')
            qemu = None
        else:
            qemu = os.path.abspath(qemu)
    vigil = None
    if not (args.qemu_only or args.record):
        if not args.vigil or not os.access(args.vigil, os.X_OK):
            print('ERROR: --vigil BINARY is required and must be executable')
            return 1
        vigil = os.path.abspath(args.vigil)

    version = recording.qemu_version(qemu) if qemu else None
    scns = [s for s in SCENARIOS
            if not args.only or any(o in s.name for o in args.only)]
    t0 = time.monotonic()
    failed = []
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        futs = [ex.submit(run_one, s, qemu, vigil) for s in scns]
        for scn, fut in zip(scns, futs):
            res = fut.result()
            if args.qemu_only:
                print('==== %s' % scn.name)
                print('\n'.join(res.live))
                continue
            if args.record:
                new = recording.save(scn.name, res.live, version, qemu,
                                     res.qemu_argv, 'QEMU_AUDIO_DRV=none')
                print('%s %s (%d lines)' % ('recorded' if new else
                                            'unchanged', scn.name,
                                            len(res.live)), flush=True)
                continue
            if not report(scn, res, version, args.show):
                failed.append(scn.name)
    if args.qemu_only or args.record:
        return 0
    n = len(scns)
    print('%d scenarios: %d passed, %d failed (%.1f s; %s)' %
          (n, n - len(failed), len(failed), time.monotonic() - t0,
           'recordings checked against live %s' % version if qemu else
           'recordings only, no live QEMU'))
    if failed:
        print('failed: ' + ' '.join(failed))
    return 1 if failed else 0


def report(scn, res, version, show):
    """Prints PASS/FAIL for one scenario and why; True if it passed."""
    rec = recording.load(scn.name)
    problems, details = [], []
    if rec is None:
        problems.append('no recording %s: run difftest.py --record --only '
                        '%s' % (os.path.relpath(recording.path(scn.name)),
                                scn.name))
        base = res.live
    else:
        base = rec.lines
        if res.live is not None and res.live != rec.lines:
            problems.append('live QEMU 7.2 differs from the recording '
                            '(recorded with %s; running %s): re-record with '
                            '--record if QEMU changed' %
                            (rec.headers.get('qemu', '?'), version))
            details += unified(rec.lines, res.live, 'recording', 'live qemu')
    if base is None:
        expected, notes, first_up = [], [], None
    else:
        expected, notes, more, first_up = expected_for(scn, base)
        problems += more
    ok = base is not None and expected == res.vigil
    if not ok and base is not None:
        details += unified(expected, res.vigil,
                           'qemu-7.2 recording (as upstream)', 'vigil')
        if first_up is not None:
            details.append('    (expected lines from %d on come from '
                           'upstream.py, not from a recording)'
                           % (first_up + 1))
    ok = ok and not problems
    suffix = ' (known: %s)' % ', '.join(notes) if notes else ''
    print('%s %s%s' % ('PASS' if ok else 'FAIL', scn.name, suffix),
          flush=True)
    for p in problems:
        print('    ' + p)
    for d in details:
        print(d)
    if show:
        print('  -- qemu 7.2 %s:' % ('recording' if rec else 'live'))
        print('\n'.join('    ' + x for x in (base or [])))
        print('  -- vigil:')
        print('\n'.join('    ' + x for x in res.vigil))
    sys.stdout.flush()
    return ok


if __name__ == '__main__':
    sys.exit(main())
