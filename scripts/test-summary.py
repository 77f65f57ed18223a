#!/usr/bin/env python3
"""Summarise meson testlog.json files into one honest closing line.

Usage: test-summary.py LOG.json [LOG.json ...]
Prints each failing test, then "N passed, N failed, N skipped".
Exit status 0 only when nothing failed and at least one test ran.
"""
import json
import sys

PASS = {"OK", "EXPECTEDFAIL"}
SKIP = {"SKIP"}


def main(paths):
    passed = failed = skipped = 0
    failures = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                lines = f.readlines()
        except OSError as e:
            print(f"test-summary: cannot read {path}: {e}")
            failed += 1
            failures.append(f"{path} (missing log)")
            continue
        for line in lines:
            line = line.strip()
            if not line:
                continue
            rec = json.loads(line)
            res = rec.get("result")
            name = f"{rec.get('suite', [''])[0] if rec.get('suite') else ''}:{rec.get('name')}"
            if res in PASS:
                passed += 1
            elif res in SKIP:
                skipped += 1
            else:
                failed += 1
                failures.append(f"{name} [{res}] ({path})")
    for f in failures:
        print(f"FAILED: {f}")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
