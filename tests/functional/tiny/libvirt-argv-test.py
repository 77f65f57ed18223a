#!/usr/bin/env python3
"""Run the tiny PVH guest under the command line libvirt 9.0 generates for
a domain (docs: ../shared reference, section 3.1), on this host's
/dev/kvm, in both forms libvirt uses: key=value -object/-device (what it
emits for Vigil's schema) and JSON (what it emits for QEMU's).

Only the parts that are libvirt's own plumbing differ: the monitor is a
socket path instead of an inherited fd, and the serial file is opened by
path instead of through -add-fd.  The guest must boot ("boot" on the
serial port), panic, and libvirt's -no-shutdown must turn the panic into
GUEST_PANICKED {"action": "pause"}; query-name and query-uuid return what
-name and -uuid said, and the RAM is the memory backend's, excluded from
core dumps (dump-guest-core=off).

Usage: libvirt-argv-test.py --vigil BIN --guest-dir DIR
Exit status: 0 pass, 1 fail.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True   # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'pylib'))
import vigiltest as vt  # noqa: E402

UUID = 'd1eeaee8-6a2d-4b7e-9c39-0b1f5d0c2a11'
RAM = 256 << 20


def libvirt_argv(vigil, d, kernel, json_form):
    secret = {'qom-type': 'secret', 'id': 'masterKey0', 'format': 'raw',
              'file': os.path.join(d, 'master-key.aes')}
    ram = {'qom-type': 'memory-backend-ram', 'id': 'pc.ram', 'size': RAM}
    serial = {'driver': 'isa-serial', 'chardev': 'charserial0',
              'id': 'serial0', 'index': 0}
    panic = {'driver': 'pvpanic', 'ioport': 1285}

    def kv(obj, first):
        return ','.join([str(obj[first])] +
                        ['%s=%s' % (k, v) for k, v in obj.items()
                         if k != first])

    def form(obj, first):
        return json.dumps(obj) if json_form else kv(obj, first)

    return [
        vigil, '-name', 'guest=vigil-panic,debug-threads=on', '-S',
        '-object', form(secret, 'qom-type'),
        '-machine', 'pc-i440fx-9.1,usb=off,dump-guest-core=off,'
                    'memory-backend=pc.ram',
        '-accel', 'kvm', '-cpu', 'qemu64', '-m', '256',
        '-object', form(ram, 'qom-type'),
        '-overcommit', 'mem-lock=off',
        '-smp', '1,sockets=1,cores=1,threads=1',
        '-uuid', UUID, '-display', 'none', '-no-user-config', '-nodefaults',
        '-chardev', 'socket,id=charmonitor,path=%s,server=on,wait=off'
                    % os.path.join(d, 'monitor.sock'),
        '-mon', 'chardev=charmonitor,id=monitor,mode=control',
        '-rtc', 'base=utc', '-no-shutdown', '-boot', 'strict=on',
        '-kernel', kernel, '-append', 'console=ttyS0 panic=0 quiet',
        '-chardev', 'file,id=charserial0,path=%s'
                    % os.path.join(d, 'serial.log'),
        '-device', form(serial, 'driver'),
        '-audiodev', '{"id":"audio1","driver":"none"}',
        '-device', form(panic, 'driver'),
        '-msg', 'timestamp=on',
    ]


def ram_excluded_from_dumps(pid):
    """Mappings marked MADV_DONTDUMP (VmFlags "dd") cover the guest RAM.
    Nothing else in Vigil is marked; the RAM may be split into several
    mappings (its first 2 MiB are kept off transparent huge pages)."""
    size = 0
    marked = 0
    with open('/proc/%d/smaps' % pid) as f:
        for line in f:
            head = line.split()[0]
            if '-' in head and ':' not in head:
                lo, hi = (int(x, 16) for x in head.split('-'))
                size = hi - lo
            elif line.startswith('VmFlags:') and 'dd' in line.split()[1:]:
                marked += size
    return marked >= RAM


def run(vigil, kernel, json_form):
    d = tempfile.mkdtemp(prefix='vigil-libvirt-argv-')
    log = open(os.path.join(d, 'stderr'), 'w+')
    proc = None
    try:
        with open(os.path.join(d, 'master-key.aes'), 'wb') as f:
            f.write(os.urandom(32))
        argv = libvirt_argv(vigil, d, kernel, json_form)
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=log)
        qmp = vt.qmp_connect(os.path.join(d, 'monitor.sock'), proc=proc)
        vt.check(qmp.execute('query-name') == {'name': 'vigil-panic'},
                 'query-name')
        vt.check(qmp.execute('query-uuid') == {'UUID': UUID}, 'query-uuid')
        vt.check(ram_excluded_from_dumps(proc.pid),
                 'guest RAM not marked MADV_DONTDUMP')
        qmp.execute('cont')
        ev = qmp.wait_event('GUEST_PANICKED', 15)
        vt.check(ev['data'] == {'action': 'pause'}, 'GUEST_PANICKED %r' % ev)
        st = qmp.execute('query-status')
        vt.check(st['status'] == 'guest-panicked', 'query-status %r' % st)
        with open(os.path.join(d, 'serial.log')) as f:
            serial = f.read()
        vt.check(serial.startswith('boot\n'), 'serial %r' % serial[:80])
        # libvirt stops the VMM with SIGTERM.
        proc.terminate()
        vt.check(proc.wait(10) == 0, 'exit status after SIGTERM')
    except Exception:
        log.seek(0)
        sys.stderr.write(log.read())
        raise
    finally:
        if proc and proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
        shutil.rmtree(d, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--vigil', required=True)
    ap.add_argument('--guest-dir', required=True)
    args = ap.parse_args()
    kernel = os.path.join(args.guest_dir, 'tiny-long.elf')
    for json_form in (False, True):
        name = 'json' if json_form else 'key=value'
        t0 = time.monotonic()
        try:
            run(args.vigil, kernel, json_form)
        except vt.TestFailure as e:
            print('FAIL %s: %s' % (name, e))
            return 1
        print('ok %s (%.2f s)' % (name, time.monotonic() - t0))
    return 0


if __name__ == '__main__':
    sys.exit(main())
