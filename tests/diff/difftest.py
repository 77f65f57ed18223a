#!/usr/bin/env python3
#
# Differential test: Vigil against Debian's QEMU 7.2.
#
# Every scenario (scenarios.py) is a short table of steps.  The same
# steps are played against both binaries, each in its own fresh process,
# and the two transcripts (qtest lines, QMP lines with their "\r\n",
# process exit status, stderr) are compared line by line after
# normalisation.  Normalisation hides only timestamps and version
# numbers/package; every other difference must come from the table of
# documented differences (known.py, docs/devel/qemu-7.2-differences.rst),
# which turns 7.2's transcript into what upstream QEMU says.  Anything
# left over is a failure: that is how this test finds Vigil bugs.
#
# Python standard library only.
#
# Exit status: 0 all scenarios pass, 1 some fail, 77 no qemu-system-x86_64.

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
from runner import Side, normalise  # noqa: E402
from scenarios import SCENARIOS  # noqa: E402


def run_one(scn, qemu, vigil, only_qemu):
    """Plays @scn against both binaries; returns (qemu_lines, vigil_lines)."""
    sides = [Side('qemu', qemu, scn)]
    if not only_qemu:
        sides.append(Side('vigil', vigil, scn))
    # The two processes are independent: run them side by side.
    with concurrent.futures.ThreadPoolExecutor(len(sides)) as ex:
        results = list(ex.map(lambda s: s.play(), sides))
    q = normalise(results[0])
    v = normalise(results[1]) if not only_qemu else None
    return q, v


def compare(scn, qlines, vlines):
    """Applies the scenario's known differences to the QEMU side."""
    expected, notes = known.apply(scn, qlines)
    return expected, notes, expected == vlines


def main():
    ap = argparse.ArgumentParser(
        description='Differential test: Vigil against QEMU 7.2 '
        '(docs/devel/qemu-7.2-differences.rst)')
    ap.add_argument('--vigil', help='path to vigil-system-x86_64')
    ap.add_argument('--qemu', default=None,
                    help='QEMU 7.2 binary (default: qemu-system-x86_64)')
    ap.add_argument('--only', action='append', default=[],
                    help='run only scenarios whose name contains this')
    ap.add_argument('--qemu-only', action='store_true',
                    help='print QEMU transcripts, compare nothing')
    ap.add_argument('--show', action='store_true',
                    help='print both transcripts for every scenario')
    ap.add_argument('--jobs', type=int, default=3)
    ap.add_argument('--list-known', action='store_true',
                    help='print the table of known differences')
    args = ap.parse_args()

    if args.list_known:
        known.print_table()
        return 0

    qemu = args.qemu or shutil.which('qemu-system-x86_64')
    if not qemu or not os.access(qemu, os.X_OK):
        print('SKIP: qemu-system-x86_64 not found')
        return 77
    if not args.qemu_only:
        if not args.vigil or not os.access(args.vigil, os.X_OK):
            print('ERROR: --vigil BINARY is required and must be executable')
            return 1
        args.vigil = os.path.abspath(args.vigil)

    scns = [s for s in SCENARIOS
            if not args.only or any(o in s.name for o in args.only)]
    t0 = time.monotonic()
    failed = []
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        futs = [ex.submit(run_one, s, qemu, args.vigil, args.qemu_only)
                for s in scns]
        for scn, fut in zip(scns, futs):
            qlines, vlines = fut.result()
            if args.qemu_only:
                print('==== %s' % scn.name)
                print('\n'.join(qlines))
                continue
            expected, notes, ok = compare(scn, qlines, vlines)
            tag = 'PASS' if ok else 'FAIL'
            suffix = ' (known: %s)' % ', '.join(notes) if notes else ''
            print('%s %s%s' % (tag, scn.name, suffix), flush=True)
            if not ok:
                failed.append(scn.name)
                diff = difflib.unified_diff(
                    expected, vlines, 'qemu-7.2 (as upstream)', 'vigil',
                    lineterm='', n=3)
                for line in diff:
                    print('    ' + line)
            if args.show:
                print('  -- qemu 7.2 raw:')
                print('\n'.join('    ' + x for x in qlines))
                print('  -- vigil:')
                print('\n'.join('    ' + x for x in vlines))
            sys.stdout.flush()
    if args.qemu_only:
        return 0
    n = len(scns)
    print('%d scenarios: %d passed, %d failed (%.1f s)' %
          (n, n - len(failed), len(failed), time.monotonic() - t0))
    if failed:
        print('failed: ' + ' '.join(failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
