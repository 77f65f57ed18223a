#!/usr/bin/env python3
"""docs/interop/qmp.rst lists exactly the QMP commands and events the
binary has (query-commands, and the events of query-qmp-schema), each
once.

Usage: check-qmp-list.py --vigil BUILD/vigil --doc docs/interop/qmp.rst
Exit status: 0 the lists agree, 1 otherwise.
"""
import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time


def qmp_names(vigil):
    d = tempfile.mkdtemp(prefix='vigil-qmplist-')
    path = os.path.join(d, 'qmp.sock')
    p = subprocess.Popen([vigil, '-M', 'none', '-display', 'none',
                          '-nodefaults', '-accel', 'qtest', '-S', '-qmp',
                          'unix:%s,server=on,wait=off' % path],
                         stdin=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if os.path.exists(path):
                break
            time.sleep(0.05)
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        f = s.makefile('rwb')
        f.readline()

        def cmd(name):
            f.write((json.dumps({'execute': name}) + '\n').encode())
            f.flush()
            while True:
                msg = json.loads(f.readline())
                if 'event' not in msg:
                    return msg['return']
        cmd('qmp_capabilities')
        cmds = [c['name'] for c in cmd('query-commands')]
        evs = [e['name'] for e in cmd('query-qmp-schema')
               if e['meta-type'] == 'event']
        cmd('quit')
        return cmds, evs
    finally:
        p.wait(timeout=10)
        os.unlink(path) if os.path.exists(path) else None
        os.rmdir(d)


def doc_names(doc):
    """Names in the first column of each table, by section."""
    out = {'Commands': [], 'Events': []}
    section = None
    with open(doc) as f:
        lines = f.read().splitlines()
    for i, line in enumerate(lines):
        if i + 1 < len(lines) and set(lines[i + 1]) == {'-'}:
            section = line.strip()
        m = re.match(r'^``([^`]+)``\s', line)
        if m and section in out:
            out[section].append(m.group(1))
    return out['Commands'], out['Events']


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--vigil', required=True)
    ap.add_argument('--doc', required=True)
    a = ap.parse_args()
    cmds, evs = qmp_names(a.vigil)
    dcmds, devs = doc_names(a.doc)
    fails = []
    for what, have, doc in (('command', cmds, dcmds), ('event', evs, devs)):
        for n in sorted(set(have) - set(doc)):
            fails.append('%s %s is not in %s' % (what, n, a.doc))
        for n in sorted(set(doc) - set(have)):
            fails.append('%s %s is in %s but not in the binary'
                         % (what, n, a.doc))
        for n in sorted(set(x for x in doc if doc.count(x) > 1)):
            fails.append('%s %s is listed twice' % (what, n))
    for f in fails:
        print('FAIL ' + f)
    print('%d commands, %d events; %d problems' % (len(cmds), len(evs),
                                                  len(fails)))
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
