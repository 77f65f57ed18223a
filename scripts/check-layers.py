#!/usr/bin/env python3
"""Check that every #include in Vigil's C sources points down the layers.

The layers and the directions they may use are the table LAYERS below,
described in docs/devel/layers.rst.  Each source or header belongs to the
layer of the longest path prefix that matches it; a quoted include is
resolved the way the compiler resolves it (next to the including file
first, then under include/) and belongs to the layer of the file it
names.  A file may include a header of its own layer or of a layer its
layer may use (directly or through a layer it may use).  Anything else
is an upward (or sideways) dependency and is reported as

    FILE:LINE: LAYER may not include PATH (LAYER): RULE

Calls are covered through their headers: a function of a higher layer is
reachable only by including that layer's header.  The one way around
that, an "extern" declaration written in a .c file, is checked too: the
symbol's definition is looked up in the checked files, and its layer must
be one the declaring file may use.  And a header may declare only what its
own layer defines: a function or object declared in one layer's header
but defined in another layer's file would let callers reach that other
layer while including only the first.

Usage: check-layers.py [--root DIR] [FILE...]
  Without FILEs it checks the tracked .c and .h files (git ls-files, or a
  walk of DIR when it is not a git checkout).  Exit status 0: every
  include points down; 1: violations (listed); 2: usage or table error.
  Files under tests/, bench/, scripts/ and docs/ sit above main and are
  not checked; any other file that belongs to no layer is an error.
"""

import argparse
import os
import re
import subprocess
import sys

# name, path prefixes (longest match wins), layers it may use directly.
# Bottom first.  A directory prefix ends in "/".
LAYERS = [
    ("util", ["util/", "include/qemu/", "include/system/bql.h"], []),
    ("qobject", ["qobject/", "include/qobject/"], ["util"]),
    ("qom", ["qom/", "include/qom/"], ["util", "qobject"]),
    ("chardev", ["chardev/", "include/chardev/"], ["util", "qobject"]),
    ("runstate", ["system/runstate", "system/cpus.c",
                  "include/system/runstate.h"], ["util"]),
    ("config", ["system/system.c", "include/system/system.h"],
     ["chardev"]),
    ("hw-core", ["hw/core/", "include/hw/core/", "include/hw/boards.h",
                 "include/hw/irq.h", "system/memory.c",
                 "include/system/memory.h"], ["runstate"]),
    ("hw-dev", ["hw/", "include/hw/"], ["hw-core", "chardev"]),
    ("hw-board", ["hw/i386/", "include/hw/i386/", "hw/catalog.c",
                  "include/hw/catalog.h"], ["hw-dev", "config"]),
    ("dump", ["dump/", "include/system/dump.h"], ["hw-core"]),
    ("accel", ["accel/", "include/system/accel.h",
               "include/system/qtest.h"], ["hw-board", "dump"]),
    ("record", ["system/panic-", "include/system/panic-record.h"],
     ["accel", "qobject"]),
    ("monitor", ["monitor/", "include/monitor/", "system/qdev-monitor.c",
                 "include/system/qdev-monitor.h"],
     ["accel", "qobject", "qom", "record"]),
    ("main", ["system/", "include/system/"], ["monitor"]),
]

# Above main, never checked: test and benchmark harnesses may use anything.
# Every other .c/.h must belong to a layer (a new directory fails until it
# is added to LAYERS).
UNCHECKED_TOPS = ("tests/", "bench/", "scripts/", "docs/", "build")


def checked(path):
    return not path.startswith(UNCHECKED_TOPS)


INCLUDE_RE = re.compile(r'^\s*#\s*include\s+([<"])([^">]+)[">]')
# "extern const DeviceClass i8042_class;" / "extern int f(void);"
EXTERN_RE = re.compile(r'^\s*extern\s+[^;(]*?\b([A-Za-z_]\w*)\s*(?:\[[^]]*\])?'
                       r'\s*(?:\([^;]*\))?\s*;')


def closure(layers):
    """Layer name -> set of layers it may include (itself included)."""
    direct = {name: set(uses) for name, _, uses in layers}
    for name, _, uses in layers:
        for u in uses:
            if u not in direct:
                raise ValueError(f"layer {name} uses unknown layer {u}")
    order = [name for name, _, _ in layers]
    allowed = {}
    for name in order:  # bottom first: lower closures are complete
        acc = {name}
        for u in direct[name]:
            if order.index(u) >= order.index(name):
                raise ValueError(f"layer {name} uses {u}, which is not "
                                 "below it in LAYERS")
            acc |= allowed[u]
        allowed[name] = acc
    return allowed


def layer_of(path, layers):
    best, best_len = None, -1
    for name, prefixes, _ in layers:
        for p in prefixes:
            if path.startswith(p) and len(p) > best_len:
                best, best_len = name, len(p)
    return best


def resolve(root, src, inc, quoted=True):
    """The tree-relative path the compiler would open, or None."""
    here = os.path.normpath(os.path.join(os.path.dirname(src), inc))
    if quoted and os.path.isfile(os.path.join(root, here)):
        return here
    under = os.path.normpath(os.path.join("include", inc))
    if os.path.isfile(os.path.join(root, under)):
        return under
    return None


def list_files(root):
    try:
        out = subprocess.run(["git", "ls-files", "-z", "--", "*.c", "*.h"],
                             cwd=root, capture_output=True, check=True)
        files = [f for f in out.stdout.decode().split("\0") if f]
        # New files not added yet are still part of the tree.
        out = subprocess.run(["git", "ls-files", "-z", "--others",
                              "--exclude-standard", "--", "*.c", "*.h"],
                             cwd=root, capture_output=True, check=True)
        files += [f for f in out.stdout.decode().split("\0") if f]
        if files:
            return sorted(set(f for f in files
                              if os.path.isfile(os.path.join(root, f))))
    except (OSError, subprocess.CalledProcessError):
        pass
    files = []
    for d, dirs, names in os.walk(root):
        dirs[:] = [x for x in dirs if not x.startswith(".")
                   and not x.startswith("build")]
        for n in names:
            if n.endswith((".c", ".h")):
                files.append(os.path.relpath(os.path.join(d, n), root))
    return sorted(files)


def definitions(root, files):
    """Symbol -> file defining it (non-static, at file scope)."""
    defs = {}
    for f in files:
        if not f.endswith(".c") or not checked(f):
            continue
        with open(os.path.join(root, f), encoding="utf-8",
                  errors="replace") as fh:
            for line in fh:
                # Column 0, not static/extern/typedef/preprocessor/comment,
                # and not a prototype ("...);").
                if not line[:1].isalpha() or line.startswith(
                        ("static", "extern", "typedef")):
                    continue
                if line.rstrip().endswith(";") and "=" not in line:
                    continue
                m = re.search(r"\b([A-Za-z_]\w*)\s*(?:\[[^]]*\]\s*)?[=(]",
                              line)
                if m:
                    defs.setdefault(m.group(1), f)
    return defs


PROTO_RE = re.compile(r"^(?!typedef|static|extern|#)[A-Za-z_][^;=]*?"
                      r"\b([A-Za-z_]\w*)\s*\(")


def header_declarations(path):
    """(line, name) of the functions and objects a header declares."""
    out = []
    with open(path, encoding="utf-8", errors="replace") as fh:
        for lineno, line in enumerate(fh, 1):
            m = EXTERN_RE.match(line) or PROTO_RE.match(line)
            if m:
                out.append((lineno, m.group(1)))
    return out


def violation(f, lineno, mine, what, theirs, allowed):
    uses = ", ".join(sorted(allowed[mine] - {mine})) or "nothing"
    return (f"{f}:{lineno}: {mine} may not {what} ({theirs}): {mine} may use "
            f"only {uses} (docs/devel/layers.rst)")


def check(root, files, layers=LAYERS):
    """List of violation lines for @files (tree-relative paths)."""
    allowed = closure(layers)
    defs = definitions(root, files)
    problems = []
    for f in files:
        if not checked(f):
            continue
        mine = layer_of(f, layers)
        if mine is None:
            problems.append(f"{f}:1: file belongs to no layer: add its "
                            "directory to LAYERS in scripts/check-layers.py")
            continue
        with open(os.path.join(root, f), encoding="utf-8",
                  errors="replace") as fh:
            for lineno, line in enumerate(fh, 1):
                m = INCLUDE_RE.match(line)
                if m:
                    target = resolve(root, f, m.group(2), m.group(1) == '"')
                    if target is None:
                        continue  # a system header: not ours
                    theirs = layer_of(target, layers)
                    if theirs is not None and theirs not in allowed[mine]:
                        problems.append(violation(
                            f, lineno, mine, f"include {target}", theirs,
                            allowed))
                    continue
                m = EXTERN_RE.match(line)
                if m and f.endswith(".c") and defs.get(m.group(1)) != f:
                    where = defs.get(m.group(1))
                    theirs = where and layer_of(where, layers)
                    if theirs and theirs not in allowed[mine]:
                        problems.append(violation(
                            f, lineno, mine,
                            f"use {m.group(1)} of {where}", theirs, allowed))
        if f.endswith(".h"):
            for lineno, name in header_declarations(os.path.join(root, f)):
                where = defs.get(name)
                theirs = where and layer_of(where, layers)
                if theirs and theirs != mine:
                    problems.append(
                        f"{f}:{lineno}: {mine} header declares {name}, "
                        f"defined in {where} ({theirs}): declare it in a "
                        f"header of {theirs} (docs/devel/layers.rst)")
    return problems


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), os.pardir))
    ap.add_argument("files", nargs="*")
    args = ap.parse_args(argv)
    root = os.path.abspath(args.root)
    try:
        closure(LAYERS)
    except ValueError as e:
        print(f"check-layers: bad table: {e}", file=sys.stderr)
        return 2
    files = [os.path.relpath(os.path.abspath(f), root) for f in args.files] \
        if args.files else list_files(root)
    problems = check(root, files)
    for p in problems:
        print(p)
    count = sum(1 for f in files if checked(f))
    if problems:
        print(f"check-layers: {len(problems)} upward dependencies in "
              f"{count} files", file=sys.stderr)
        return 1
    print(f"check-layers: {count} files, every dependency points down")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
