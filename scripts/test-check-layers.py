#!/usr/bin/env python3
"""Self-test of scripts/check-layers.py: it must fail on upward includes.

Each case builds a small tree in a temporary directory, runs the checker
on it as CI does (a separate process, exit status and output), and
asserts the verdict.  The last case copies the real tree, adds one
deliberately wrong include to a device, and expects exactly that line to
be reported.  Standard library only.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKER = os.path.join(HERE, "check-layers.py")
SOURCE_ROOT = os.path.normpath(os.path.join(HERE, os.pardir))

# A minimal tree whose includes all point down.
CLEAN = {
    "include/qemu/common.h": "",
    "util/log.c": '#include "qemu/common.h"\n',
    "include/system/runstate.h": '#include "qemu/common.h"\n',
    "system/runstate.c": '#include "system/runstate.h"\n',
    "include/chardev/char.h": '#include "qemu/common.h"\n',
    "chardev/char.c": '#include "chardev/char.h"\n',
    "include/hw/core/qdev.h": '#include "qemu/common.h"\n',
    "hw/core/qdev.c": '#include "hw/core/qdev.h"\n',
    "hw/misc/pvpanic.c": ('#include "hw/core/qdev.h"\n'
                          '#include "system/runstate.h"\n'
                          '#include <stdio.h>\n'
                          'const int pvpanic_class = 1;\n'),
    "include/monitor/monitor.h": '#include "chardev/char.h"\n',
    "monitor/qmp.c": ('#include "monitor/monitor.h"\n'
                      '#include "system/runstate.h"\n'
                      '#include "hw/core/qdev.h"\n'),
    "system/main.c": '#include "monitor/monitor.h"\n',
    # Above main: never checked.
    "tests/unit/test-x.c": '#include "../../monitor/qmp.c"\n',
}


def source_files():
    """The real tree's .c/.h files, as check-layers.py lists them."""
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard",
                          "--", "*.c", "*.h"], cwd=SOURCE_ROOT,
                         capture_output=True, text=True)
    if out.returncode == 0 and out.stdout:
        return out.stdout.split()
    files = []  # not a git checkout (a release tarball)
    for d, dirs, names in os.walk(SOURCE_ROOT):
        dirs[:] = [x for x in dirs if not x.startswith((".", "build"))]
        files += [os.path.relpath(os.path.join(d, n), SOURCE_ROOT)
                  for n in names if n.endswith((".c", ".h"))]
    return files


def run_checker(root):
    proc = subprocess.run([sys.executable, CHECKER, "--root", root],
                          capture_output=True, text=True)
    return proc.returncode, proc.stdout + proc.stderr


class CheckLayersTest(unittest.TestCase):
    def tree(self, extra):
        root = tempfile.mkdtemp(prefix="check-layers-")
        self.addCleanup(shutil.rmtree, root)
        files = dict(CLEAN)
        files.update(extra)
        for path, text in files.items():
            full = os.path.join(root, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w") as fh:
                fh.write(text)
        return root

    def assert_fails(self, extra, expected):
        rc, out = run_checker(self.tree(extra))
        self.assertEqual(rc, 1, out)
        self.assertIn(expected, out)

    def test_clean_tree_passes(self):
        rc, out = run_checker(self.tree({}))
        self.assertEqual(rc, 0, out)
        self.assertIn("every dependency points down", out)

    def test_device_including_monitor_fails(self):
        # A device reports a panic through runstate, never the monitor.
        self.assert_fails(
            {"hw/misc/pvpanic.c": '#include "hw/core/qdev.h"\n'
                                  '#include "monitor/monitor.h"\n'},
            "hw/misc/pvpanic.c:2: hw-dev may not include "
            "include/monitor/monitor.h (monitor)")

    def test_runstate_including_monitor_fails(self):
        self.assert_fails(
            {"system/runstate.c": '#include "system/runstate.h"\n\n'
                                  '#include "monitor/monitor.h"\n'},
            "system/runstate.c:3: runstate may not include "
            "include/monitor/monitor.h (monitor)")

    def test_header_including_upward_fails(self):
        self.assert_fails(
            {"include/chardev/char.h": '#include "system/runstate.h"\n'},
            "include/chardev/char.h:1: chardev may not include "
            "include/system/runstate.h (runstate)")

    def test_sibling_fails(self):
        # chardev and runstate are peers: neither may use the other.
        self.assert_fails(
            {"chardev/char.c": '#include "system/runstate.h"\n'},
            "chardev/char.c:1: chardev may not include "
            "include/system/runstate.h (runstate)")

    def test_angle_include_fails(self):
        self.assert_fails(
            {"util/log.c": '#include <monitor/monitor.h>\n'},
            "util/log.c:1: util may not include include/monitor/monitor.h")

    def test_relative_include_fails(self):
        self.assert_fails(
            {"hw/core/qdev.c": '#include "../../monitor/qmp.c"\n'},
            "hw/core/qdev.c:1: hw-core may not include monitor/qmp.c")

    def test_extern_of_upper_layer_fails(self):
        # The include rule's loophole: declaring an upper symbol by hand.
        self.assert_fails(
            {"hw/core/qdev.c": '#include "hw/core/qdev.h"\n'
                               'extern const int pvpanic_class;\n'},
            "hw/core/qdev.c:2: hw-core may not use pvpanic_class of "
            "hw/misc/pvpanic.c (hw-dev)")

    def test_header_declaring_another_layer_fails(self):
        # runstate.h once declared main-loop functions: callers reached
        # the loop while including only runstate.
        self.assert_fails(
            {"include/system/runstate.h": '#include "qemu/common.h"\n'
                                          'bool main_loop_busy(void);\n',
             "system/main-loop.c": 'bool main_loop_busy(void)\n{\n}\n'},
            "include/system/runstate.h:2: runstate header declares "
            "main_loop_busy, defined in system/main-loop.c (main)")

    def test_unknown_directory_fails(self):
        # A new directory must be given a layer before it passes.
        self.assert_fails({"netdev/tap.c": ""},
                          "netdev/tap.c:1: file belongs to no layer")
        self.assert_fails(
            {"include/net/net.h": "", "util/log.c": '#include "net/net.h"\n'},
            "include/net/net.h:1: file belongs to no layer")

    def test_real_tree_with_wrong_include_fails(self):
        # The real sources, one deliberately wrong include added.
        root = tempfile.mkdtemp(prefix="check-layers-real-")
        self.addCleanup(shutil.rmtree, root)
        for f in source_files():
            src = os.path.join(SOURCE_ROOT, f)
            if not os.path.isfile(src):
                continue
            os.makedirs(os.path.join(root, os.path.dirname(f)), exist_ok=True)
            shutil.copy(src, os.path.join(root, f))
        rc, text = run_checker(root)
        self.assertEqual(rc, 0, "the real tree must pass first:\n" + text)
        victim = os.path.join(root, "hw/misc/pvpanic.c")
        with open(victim) as fh:
            n = sum(1 for _ in fh)
        with open(victim, "a") as fh:
            fh.write('#include "monitor/qmp-events.h"\n')
        rc, text = run_checker(root)
        self.assertEqual(rc, 1, text)
        self.assertEqual(
            text.splitlines()[0],
            f"hw/misc/pvpanic.c:{n + 1}: hw-dev may not include "
            "include/monitor/qmp-events.h (monitor): hw-dev may use only "
            "chardev, hw-core, qobject, runstate, util "
            "(docs/devel/layers.rst)")


if __name__ == "__main__":
    unittest.main(verbosity=2)
