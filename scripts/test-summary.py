#!/usr/bin/env python3
"""Summarise meson testlog.json files into one honest closing line.

Usage: test-summary.py [--strict] LOG.json [LOG.json ...]

Prints each failing test, every skip with its reason, then exactly
"N passed, N failed, N skipped" as the last line.  Exit status 0 only when
nothing failed and at least one test ran.

A test that skips (exit 77) says why on a line of its output:

    SKIP-REASON: <key>: <free text>

A GTest subtest says it in its g_test_skip() message, which GLib prints
as "ok N /path # SKIP <key>: <free text>".  <key> is one of REASONS below.
With --strict (also CI=true or VIGIL_STRICT=1 in the environment) a skip
counts as a failure unless every reason it gives has a known key whose
condition is true on this machine: "no /dev/kvm" passes only where
/dev/kvm really is missing.
"""
import json
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "pylib"))
import vigiltest as vt  # noqa: E402

PASS = {"OK", "EXPECTEDFAIL"}
SKIP = {"SKIP"}

REASON_RE = re.compile(r"^SKIP-REASON: ([a-z0-9-]+): (.*)$", re.M)
SUBTEST_SKIP_RE = re.compile(r"^ok \d+ (\S+) # SKIP(?: (.*))?$", re.M)
SUBTEST_KEY_RE = re.compile(r"^([a-z0-9-]+): (.*)$")


def _missing(tool):
    return shutil.which(tool) is None


def _harness_is_qemu(rec):
    binary = (rec.get("env") or {}).get("QTEST_QEMU_BINARY", "")
    return os.path.basename(binary).startswith("qemu-system")


# key -> (what it claims, check(record) -> is the claim true here?)
REASONS = {
    "no-dev-kvm": ("/dev/kvm does not exist",
                   lambda rec: not os.path.exists("/dev/kvm")),
    "dev-kvm-unusable": ("/dev/kvm cannot be opened read-write",
                         lambda rec: not vt.kvm_usable()),
    "no-qemu-system": ("qemu-system-x86_64 is not installed",
                       lambda rec: _missing("qemu-system-x86_64")),
    "no-kvm-no-qemu": ("neither hardware KVM nor qemu-system-x86_64",
                       lambda rec: not (vt.hardware_virt() and vt.kvm_usable())
                       and _missing("qemu-system-x86_64")),
    "no-libvirt": ("libvirtd or virsh is not installed",
                   lambda rec: _missing("libvirtd") or _missing("virsh")),
    "not-root": ("the test needs root (the privileged libvirtd)",
                 lambda rec: os.geteuid() != 0),
    "no-dev-full": ("/dev/full is not writable",
                    lambda rec: not os.access("/dev/full", os.W_OK)),
    "harness-is-qemu": ("the qtest harness drives QEMU, not Vigil",
                        _harness_is_qemu),
    "no-clang-format": ("clang-format is not installed",
                        lambda rec: _missing("clang-format")),
    "no-cppcheck": ("cppcheck is not installed",
                    lambda rec: _missing("cppcheck")),
    "no-clang-tidy": ("clang-tidy is not installed",
                      lambda rec: _missing("clang-tidy")),
    "no-makedumpfile": ("makedumpfile or crash is not installed",
                        lambda rec: _missing("makedumpfile")
                        or _missing("crash")),
}


def check_reasons(keys, rec):
    """None when every key is known and true here, else the problem."""
    if not keys:
        return "no SKIP-REASON given"
    for key in keys:
        if key not in REASONS:
            return "unknown skip reason '%s'" % key
        if not REASONS[key][1](rec):
            return "'%s' is not true on this machine" % key
    return None


def output_of(rec):
    return (rec.get("stdout") or "") + (rec.get("stderr") or "")


def summarise(paths, strict, out=None):
    out = out or sys.stdout
    passed = failed = skipped = 0
    failures = []
    skips = []

    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                lines = f.readlines()
        except OSError as e:
            print(f"test-summary: cannot read {path}: {e}", file=out)
            failed += 1
            failures.append(f"{path} (missing log)")
            continue
        for line in lines:
            line = line.strip()
            if not line:
                continue
            rec = json.loads(line)
            res = rec.get("result")
            name = rec.get("name")
            text = output_of(rec)
            if res in SKIP:
                found = REASON_RE.findall(text)
                why = "; ".join(f"{k}: {t}" for k, t in found)
                skips.append(f"{name}: {why or '(no reason given)'}")
                problem = check_reasons([k for k, _ in found], rec)
                if strict and problem:
                    failed += 1
                    failures.append(f"{name} [SKIP: {problem}] ({path})")
                else:
                    skipped += 1
                continue
            if res not in PASS:
                failed += 1
                failures.append(f"{name} [{res}] ({path})")
                continue
            # A test that ran may still have skipped some GTest subtests.
            problems = []
            for sub, why in SUBTEST_SKIP_RE.findall(text):
                m = SUBTEST_KEY_RE.match(why or "")
                skips.append(f"{name} {sub}: {why or '(no reason given)'}")
                problem = check_reasons([m.group(1)] if m else [], rec)
                if problem:
                    problems.append(f"{sub}: {problem}")
            if strict and problems:
                failed += 1
                failures.append(f"{name} [subtest SKIP: "
                                f"{'; '.join(problems)}] ({path})")
            else:
                passed += 1

    for s in skips:
        print(f"SKIPPED: {s}", file=out)
    for f in failures:
        print(f"FAILED: {f}", file=out)
    print(f"{passed} passed, {failed} failed, {skipped} skipped", file=out)
    return 0 if failed == 0 and passed > 0 else 1


def main(argv):
    strict = (os.environ.get("CI") == "true" or
              os.environ.get("VIGIL_STRICT") == "1")
    if argv and argv[0] == "--strict":
        strict = True
        argv = argv[1:]
    if strict:
        print("test-summary: strict: a skip needs a reason that is true "
              "here")
    return summarise(argv, strict)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
