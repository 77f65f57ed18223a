#!/usr/bin/env python3
"""Unit tests for scripts/test-summary.py over small fake testlog.json files.

Run: python3 scripts/test-summary-test.py   (meson: the lint suite)
"""
import importlib.util
import io
import json
import os
import re
import shutil
import sys
import tempfile
import unittest
from unittest import mock

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "test_summary", os.path.join(HERE, "test-summary.py"))
ts = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ts)

COUNTS_RE = re.compile(r"^\d+ passed, \d+ failed, \d+ skipped$")

# Reasons whose truth the tests control, next to the real table.
FAKE_REASONS = dict(ts.REASONS)
FAKE_REASONS["always-true"] = ("a claim that holds", lambda rec: True)
FAKE_REASONS["always-false"] = ("a claim that does not", lambda rec: False)


def rec(name, result, stdout="", env=None):
    return {"name": name, "result": result, "stdout": stdout,
            "returncode": {"OK": 0, "SKIP": 77}.get(result, 1),
            "env": env or {}}


class Summary(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="test-summary-test-")
        patcher = mock.patch.object(ts, "REASONS", FAKE_REASONS)
        patcher.start()
        self.addCleanup(patcher.stop)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def log(self, *records):
        path = os.path.join(self.dir, "testlog-%d.json" % len(os.listdir(
            self.dir)))
        with open(path, "w", encoding="utf-8") as f:
            for r in records:
                f.write(json.dumps(r) + "\n")
        return path

    def run_summary(self, paths, strict):
        out = io.StringIO()
        status = ts.summarise(paths, strict, out)
        lines = out.getvalue().splitlines()
        self.assertRegex(lines[-1], COUNTS_RE)
        return status, lines

    def test_counts_line_format(self):
        path = self.log(rec("s:a", "OK"), rec("s:b", "FAIL"),
                        rec("s:c", "OK"), rec("s:d", "TIMEOUT"),
                        rec("s:e", "SKIP", "SKIP-REASON: always-true: x\n"))
        status, lines = self.run_summary([path], strict=False)
        self.assertEqual(lines[-1], "2 passed, 2 failed, 1 skipped")
        self.assertEqual(status, 1)
        self.assertIn("FAILED: s:b [FAIL] (%s)" % path, lines)
        self.assertIn("FAILED: s:d [TIMEOUT] (%s)" % path, lines)

    def test_all_passed(self):
        status, lines = self.run_summary([self.log(rec("s:a", "OK"))],
                                         strict=True)
        self.assertEqual(lines, ["1 passed, 0 failed, 0 skipped"])
        self.assertEqual(status, 0)

    def test_nothing_ran_fails(self):
        status, lines = self.run_summary([self.log()], strict=False)
        self.assertEqual(lines[-1], "0 passed, 0 failed, 0 skipped")
        self.assertEqual(status, 1)

    def test_missing_log_fails(self):
        status, lines = self.run_summary(
            [self.log(rec("s:a", "OK")), os.path.join(self.dir, "nope")],
            strict=False)
        self.assertEqual(lines[-1], "1 passed, 1 failed, 0 skipped")
        self.assertEqual(status, 1)

    def test_true_reason_passes_under_ci(self):
        path = self.log(rec("s:a", "OK"), rec(
            "s:kvm", "SKIP", "noise\nSKIP-REASON: always-true: no kvm\n"))
        status, lines = self.run_summary([path], strict=True)
        self.assertEqual(lines[-1], "1 passed, 0 failed, 1 skipped")
        self.assertIn("SKIPPED: s:kvm: always-true: no kvm", lines)
        self.assertEqual(status, 0)

    def test_false_reason_fails_under_ci(self):
        path = self.log(rec("s:a", "OK"), rec(
            "s:kvm", "SKIP", "SKIP-REASON: always-false: no kvm\n"))
        status, lines = self.run_summary([path], strict=True)
        self.assertEqual(lines[-1], "1 passed, 1 failed, 0 skipped")
        self.assertIn("SKIPPED: s:kvm: always-false: no kvm", lines)
        self.assertTrue(any(line.startswith("FAILED: s:kvm [SKIP: "
                                            "'always-false' is not true")
                            for line in lines), lines)
        self.assertEqual(status, 1)
        # Outside CI the same log is a plain skip, still with its reason.
        status, lines = self.run_summary([path], strict=False)
        self.assertEqual(lines[-1], "1 passed, 0 failed, 1 skipped")
        self.assertIn("SKIPPED: s:kvm: always-false: no kvm", lines)
        self.assertEqual(status, 0)

    def test_missing_reason_fails_under_ci(self):
        path = self.log(rec("s:a", "OK"),
                        rec("s:b", "SKIP", "SKIP: /dev/kvm is not usable\n"))
        status, lines = self.run_summary([path], strict=True)
        self.assertEqual(lines[-1], "1 passed, 1 failed, 0 skipped")
        self.assertIn("SKIPPED: s:b: (no reason given)", lines)
        self.assertIn("FAILED: s:b [SKIP: no SKIP-REASON given] (%s)" % path,
                      lines)
        self.assertEqual(status, 1)

    def test_unknown_key_fails_under_ci(self):
        path = self.log(rec("s:a", "OK"),
                        rec("s:b", "SKIP", "SKIP-REASON: made-up: why not\n"))
        status, lines = self.run_summary([path], strict=True)
        self.assertEqual(lines[-1], "1 passed, 1 failed, 0 skipped")
        self.assertEqual(status, 1)

    def test_every_reason_must_hold(self):
        path = self.log(rec("s:a", "OK"), rec(
            "s:lint", "SKIP", "SKIP-REASON: always-true: a\n"
            "SKIP-REASON: always-false: b\n"))
        status, lines = self.run_summary([path], strict=True)
        self.assertEqual(lines[-1], "1 passed, 1 failed, 0 skipped")

    def test_gtest_subtest_skip(self):
        tap = ("1..3\nok 1 /dump/a\nok 2 /dump/full # SKIP %s\n"
               "ok 3 /dump/b\n")
        good = self.log(rec("q:dump", "OK", tap % "always-true: no full"))
        bad = self.log(rec("q:dump", "OK", tap % "always-false: no full"))
        bare = self.log(rec("q:dump", "OK", tap % "no /dev/full"))
        status, lines = self.run_summary([good], strict=True)
        self.assertEqual(lines[-1], "1 passed, 0 failed, 0 skipped")
        self.assertIn("SKIPPED: q:dump /dump/full: always-true: no full",
                      lines)
        for path in (bad, bare):
            status, lines = self.run_summary([path], strict=True)
            self.assertEqual(lines[-1], "0 passed, 1 failed, 0 skipped")
            self.assertEqual(status, 1)
            status, lines = self.run_summary([path], strict=False)
            self.assertEqual(lines[-1], "1 passed, 0 failed, 0 skipped")

    def test_real_key_checked_on_this_machine(self):
        path = self.log(rec("s:a", "OK"), rec(
            "s:kvm", "SKIP", "SKIP-REASON: no-dev-kvm: no /dev/kvm\n"))
        status, lines = self.run_summary([path], strict=True)
        if os.path.exists("/dev/kvm"):
            self.assertEqual(lines[-1], "1 passed, 1 failed, 0 skipped")
        else:
            self.assertEqual(lines[-1], "1 passed, 0 failed, 1 skipped")

    def test_harness_key_reads_the_test_env(self):
        skip = "ok 1 /qmp/stdio # SKIP harness-is-qemu: needs -accel qtest\n"
        qemu = {"QTEST_QEMU_BINARY": "/usr/bin/qemu-system-x86_64"}
        vigil = {"QTEST_QEMU_BINARY": "/b/vigil-system-x86_64"}
        status, _ = self.run_summary(
            [self.log(rec("q:qmp", "OK", skip, qemu))], strict=True)
        self.assertEqual(status, 0)
        status, _ = self.run_summary(
            [self.log(rec("q:qmp", "OK", skip, vigil))], strict=True)
        self.assertEqual(status, 1)

    def test_ci_environment_means_strict(self):
        path = self.log(rec("s:a", "OK"), rec("s:b", "SKIP"))
        for env, want in (({"CI": "true"}, 1), ({"VIGIL_STRICT": "1"}, 1),
                          ({}, 0)):
            with mock.patch.dict(os.environ, env, clear=True), \
                    mock.patch("sys.stdout", new_callable=io.StringIO):
                self.assertEqual(ts.main([path]), want, env)
        with mock.patch.dict(os.environ, {}, clear=True), \
                mock.patch("sys.stdout", new_callable=io.StringIO):
            self.assertEqual(ts.main(["--strict", path]), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
