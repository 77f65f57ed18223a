#!/usr/bin/env python3
"""Run the tiny guests (tiny-common.S) under `vigil -accel kvm` on this
host's /dev/kvm and check what QMP and the serial port show.

Usage: tiny-test.py --vigil BIN --guest-dir DIR CASE
Exit status: 0 pass, 1 fail, 77 skip (no usable /dev/kvm).
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

SKIP = 77


class Fail(Exception):
    pass


class QMP:
    """A minimal QMP client: events are kept in order as they arrive."""

    def __init__(self, path, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise Fail('cannot connect to QMP at ' + path)
                time.sleep(0.05)
        self.buf = b''
        self.events = []
        greeting = self._read_msg(timeout)
        if 'QMP' not in greeting:
            raise Fail('bad greeting %r' % greeting)
        self.cmd('qmp_capabilities')

    def _read_msg(self, timeout):
        deadline = time.monotonic() + timeout
        while b'\n' not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Fail('QMP timeout')
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                raise Fail('QMP timeout')
            if not data:
                raise Fail('QMP connection closed')
            self.buf += data
        line, self.buf = self.buf.split(b'\n', 1)
        return json.loads(line)

    def cmd(self, name, timeout=10, **args):
        req = {'execute': name}
        if args:
            req['arguments'] = args
        self.sock.sendall(json.dumps(req).encode() + b'\n')
        while True:
            msg = self._read_msg(timeout)
            if 'event' in msg:
                self.events.append(msg)
                continue
            if 'error' in msg:
                raise Fail('%s: %s' % (name, msg['error']))
            return msg['return']

    def event(self, name, timeout=15):
        """Next event called @name (earlier ones are consumed)."""
        deadline = time.monotonic() + timeout
        while True:
            for i, ev in enumerate(self.events):
                if ev['event'] == name:
                    del self.events[:i + 1]
                    return ev
            left = deadline - time.monotonic()
            if left <= 0:
                raise Fail('no %s event (seen: %s)' %
                           (name, [e['event'] for e in self.events]))
            try:
                msg = self._read_msg(left)
            except Fail:
                raise Fail('no %s event (seen: %s)' %
                           (name, [e['event'] for e in self.events]))
            if 'event' in msg:
                self.events.append(msg)

    def close(self):
        self.sock.close()


class Vigil:
    def __init__(self, ctx, args):
        self.dir = tempfile.mkdtemp(prefix='vigil-tiny-')
        self.qmp_path = os.path.join(self.dir, 'qmp.sock')
        self.serial = os.path.join(self.dir, 'serial.log')
        # -S: the guest panics within milliseconds, and QMP drops events
        # until capabilities are negotiated; start it once we listen.
        cmd = [ctx.vigil, '-S', '-accel', 'kvm', '-M', 'pc', '-m', '64',
               '-display', 'none', '-nodefaults',
               '-device', 'pvpanic', '-serial', 'file:' + self.serial,
               '-qmp', 'unix:%s,server=on,wait=off' % self.qmp_path] + args
        self.stderr = open(os.path.join(self.dir, 'stderr'), 'w+')
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=self.stderr, stderr=self.stderr)
        try:
            self.qmp = QMP(self.qmp_path)
            self.qmp.cmd('cont')
        except Fail as e:
            self.kill()
            raise Fail('vigil did not start (%s): %s' % (e, self.log()))

    def log(self):
        self.stderr.seek(0)
        return self.stderr.read()

    def serial_text(self):
        try:
            with open(self.serial, 'rb') as f:
                return f.read().decode('latin-1')
        except FileNotFoundError:
            return ''

    def wait_serial(self, pred, what, timeout=10):
        deadline = time.monotonic() + timeout
        while not pred(self.serial_text()):
            if time.monotonic() > deadline:
                raise Fail('serial: no %s in %r' % (what,
                                                   self.serial_text()[-200:]))
            time.sleep(0.02)

    def wait_exit(self, timeout=10):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise Fail('vigil did not exit')

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def quit(self):
        try:
            self.qmp.cmd('quit')
        except Fail:
            pass
        status = self.wait_exit()
        if status != 0:
            raise Fail('exit status %d after quit' % status)


def expect(cond, msg):
    if not cond:
        raise Fail(msg)


def panicked(vm, action):
    ev = vm.qmp.event('GUEST_PANICKED')
    expect(ev['data'] == {'action': action}, 'GUEST_PANICKED data %r' % ev)


def case_real_panic(ctx):
    """-bios real-mode guest: boot, 1000 in/out pairs, panic, pause."""
    vm = ctx.start(['-bios', ctx.guest('tiny-real.bin'),
                    '-action', 'panic=pause'])
    panicked(vm, 'pause')
    vm.qmp.event('STOP')
    st = vm.qmp.cmd('query-status')
    expect(st['status'] == 'guest-panicked' and not st['running'],
           'query-status %r' % st)
    expect(vm.serial_text().startswith('boot\n'),
           'serial %r' % vm.serial_text())
    expect('E' not in vm.serial_text(), 'pvpanic read gave 0')
    vm.quit()


def case_long_panic(ctx):
    """PVH ELF, long mode: the default panic action ends the process."""
    vm = ctx.start(['-kernel', ctx.guest('tiny-long.elf')])
    panicked(vm, 'poweroff')
    ev = vm.qmp.event('SHUTDOWN')
    expect(ev['data'] == {'guest': True, 'reason': 'guest-panic'},
           'SHUTDOWN %r' % ev)
    expect(vm.wait_exit() == 0, 'exit status')
    expect(vm.serial_text().startswith('boot\n'), 'no boot on serial')


def case_actions(ctx):
    """-action panic=... outcomes, as the process and QMP show them."""
    vm = ctx.start(['-kernel', ctx.guest('tiny-long.elf'),
                    '-action', 'panic=exit-failure'])
    panicked(vm, 'poweroff')
    expect(vm.wait_exit() == 1, 'exit-failure must exit 1')

    vm = ctx.start(['-kernel', ctx.guest('tiny-long.elf'),
                    '-action', 'panic=none'])
    panicked(vm, 'run')
    expect(vm.qmp.cmd('query-status')['running'], 'panic=none stopped')
    vm.wait_serial(lambda t: t.count('.') >= 3, 'ticks after panic=none')
    vm.quit()

    vm = ctx.start(['-kernel', ctx.guest('tiny-long.elf'), '-no-shutdown'])
    panicked(vm, 'pause')
    expect(vm.qmp.cmd('query-status')['status'] == 'guest-panicked',
           '-no-shutdown must leave guest-panicked')
    vm.quit()


def ticks_frozen(vm, seconds=0.4):
    before = vm.serial_text()
    time.sleep(seconds)
    return vm.serial_text() == before


def case_stop_cont_reset(ctx):
    """stop really stops the vCPU, cont resumes it, system_reset reboots."""
    vm = ctx.start(['-bios', ctx.guest('tiny-real.bin'),
                    '-action', 'panic=none'])
    panicked(vm, 'run')
    vm.wait_serial(lambda t: t.count('.') >= 3, 'ticks')
    vm.qmp.cmd('stop')
    vm.qmp.event('STOP')
    time.sleep(0.05)    # a byte already on its way to the file
    expect(ticks_frozen(vm), 'guest still prints while stopped')
    expect(vm.qmp.cmd('query-status')['status'] == 'paused', 'not paused')
    n = vm.serial_text().count('.')
    vm.qmp.cmd('cont')
    vm.qmp.event('RESUME')
    vm.wait_serial(lambda t: t.count('.') >= n + 3, 'ticks after cont')

    vm.qmp.cmd('system_reset')
    ev = vm.qmp.event('RESET')
    expect(ev['data'] == {'guest': False, 'reason': 'host-qmp-system-reset'},
           'RESET %r' % ev)
    panicked(vm, 'run')
    vm.wait_serial(lambda t: t.count('boot\n') == 2, 'second boot')
    vm.quit()


def case_smp(ctx):
    """-smp 2 and -smp 8 start (APs wait for SIPI) and the BSP runs."""
    for n in ('2', '8'):
        vm = ctx.start(['-smp', n, '-kernel', ctx.guest('tiny-long.elf'),
                        '-action', 'panic=pause'])
        panicked(vm, 'pause')
        vm.quit()


def kvm_is_pvm():
    return os.path.isdir('/sys/module/kvm_pvm')


def case_internal_error(ctx, elf):
    """kvm_pvm cannot deliver an exception through an empty IDT and
    reports an emulation failure instead of a triple fault: that must
    give the internal-error state, not a crash."""
    vm = ctx.start(['-kernel', elf, '-action', 'panic=none'])
    panicked(vm, 'run')
    vm.qmp.event('STOP')
    st = vm.qmp.cmd('query-status')
    expect(st['status'] == 'internal-error', 'query-status %r' % st)
    vm.quit()


def case_reboot(ctx):
    """Guest resets: 0xcf9, i8042 0xfe, triple fault; -no-reboot."""
    for variant in ('cf9', 'kbd', 'triple'):
        elf = ctx.guest('tiny-long-%s.elf' % variant)
        if variant == 'triple' and kvm_is_pvm():
            case_internal_error(ctx, elf)
            continue
        vm = ctx.start(['-kernel', elf, '-action', 'panic=none'])
        panicked(vm, 'run')
        ev = vm.qmp.event('RESET')
        expect(ev['data'] == {'guest': True, 'reason': 'guest-reset'},
               '%s: RESET %r' % (variant, ev))
        panicked(vm, 'run')     # the kernel was loaded again and ran
        vm.quit()
        vm = ctx.start(['-kernel', elf, '-action', 'panic=none',
                        '-no-reboot'])
        ev = vm.qmp.event('SHUTDOWN')
        expect(ev['data'] == {'guest': True, 'reason': 'guest-reset'},
               '%s -no-reboot: SHUTDOWN %r' % (variant, ev))
        expect(vm.wait_exit() == 0, 'exit status under -no-reboot')


CASES = {
    'real-panic': case_real_panic,
    'long-panic': case_long_panic,
    'actions': case_actions,
    'stop-cont-reset': case_stop_cont_reset,
    'smp': case_smp,
    'reboot': case_reboot,
}


class Ctx:
    def __init__(self, vigil, guest_dir):
        self.vigil = vigil
        self.guest_dir = guest_dir
        self.vms = []

    def guest(self, name):
        return os.path.join(self.guest_dir, name)

    def start(self, args):
        vm = Vigil(self, args)
        self.vms.append(vm)
        return vm

    def cleanup(self):
        for vm in self.vms:
            vm.kill()
            if hasattr(vm, 'qmp'):
                vm.qmp.close()


def kvm_usable():
    try:
        fd = os.open('/dev/kvm', os.O_RDWR)
    except OSError:
        return False
    os.close(fd)
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--vigil', required=True)
    ap.add_argument('--guest-dir', required=True)
    ap.add_argument('case', choices=sorted(CASES))
    a = ap.parse_args()
    if not kvm_usable():
        print('SKIP: /dev/kvm is not usable')
        return SKIP
    ctx = Ctx(os.path.abspath(a.vigil), a.guest_dir)
    try:
        CASES[a.case](ctx)
    except Fail as e:
        print('FAIL %s: %s' % (a.case, e))
        for vm in ctx.vms:
            print('--- vigil %s stderr:\n%s' % (vm.proc.args, vm.log()))
        return 1
    finally:
        ctx.cleanup()
    print('PASS', a.case)
    return 0


if __name__ == '__main__':
    sys.exit(main())
