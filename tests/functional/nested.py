#!/usr/bin/env python3
"""Functional tests with a real Debian kernel (tests/guest/ kit).

Each case starts the VMM under test with the L2 kit, scripts its QMP
session with qmp-case (tests/guest/qmp-case.c) and then checks the QMP
transcript, the guest console and the exit status here.  The libvirt cases
instead have Debian's libvirtd start the VMM as a domain's emulator
(tests/guest/l1-libvirt.sh, virsh only) and check what libvirt reports.

Where the host has hardware virtualisation (vmx/svm in /proc/cpuinfo and a
usable /dev/kvm) the cases run directly.  Otherwise they run nested: Debian's
qemu-system-x86_64 (TCG, -cpu qemu64,+svm,+npt) boots the same kernel as L1
with kvm-amd, and the VMM under test runs inside L1 on its /dev/kvm.  One L1
boot runs one group of cases.  Exit status 77 (skip) only when neither
hardware KVM nor qemu-system-x86_64 exists.

  nested.py --vigil build/vigil --build-dir build --group panic
  nested.py --vmm qemu --group all     (harness self-test: QEMU inside)
  nested.py --vigil build/vigil --build-dir build --group libvirt
  nested.py --vigil build/vigil --build-dir build --demo
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

SRC = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(SRC, 'tests', 'guest'))
import kit as guestkit  # noqa: E402

sys.path.insert(0, os.path.join(SRC, 'tests', 'pylib'))
import vigiltest as vt  # noqa: E402

import nested_libvirt  # noqa: E402
import nested_pci  # noqa: E402
from nested_results import check_driver, ev, expect, parse  # noqa: E402

SKIP = 77
L1_CPU = 'qemu64,+svm,+npt'
L1_APPEND = 'console=ttyS0 quiet loglevel=1 panic=-1'
L2_APPEND = 'console=ttyS0 panic=0 quiet loglevel=1'


# ---- cases -----------------------------------------------------------------
#
# A case: VMM arguments (besides kernel, initrd, serial and QMP), the L2
# action (vigil.* on the guest command line), qmp-case steps, and a check
# over the parsed result (a list of problems; empty means pass).

def check_pause_cont_reset(r):
    p = []
    check_driver(p, r, '3')
    expect(p, ev(r, 'GUEST_PANICKED') == [{'action': 'pause'}] * 2,
           'GUEST_PANICKED %s' % ev(r, 'GUEST_PANICKED'))
    st = [x for x in r.returns if isinstance(x, dict) and 'status' in x]
    expect(p, len(st) == 2 and st[0]['status'] == 'guest-panicked' and
           not st[0]['running'], 'query-status after panic: %s' % st[:1])
    expect(p, len(st) == 2 and st[1]['status'] == 'running' and
           st[1]['running'], 'query-status after cont: %s' % st[1:])
    expect(p, len(ev(r, 'RESUME')) == 1, 'RESUME %s' % ev(r, 'RESUME'))
    # QEMU's SeaBIOS adds guest resets of its own after a reset: check the
    # first one only.
    expect(p, ev(r, 'RESET')[:1] ==
           [{'guest': False, 'reason': 'host-qmp-system-reset'}],
           'RESET %s' % ev(r, 'RESET'))
    expect(p, len(r.vl2('BOOT')) == 2, 'guest booted %d times, expected 2'
           % len(r.vl2('BOOT')))
    return p


def check_shutdown_events1(r):
    p = []
    check_driver(p, r, '1')
    expect(p, ev(r, 'GUEST_PANICKED') == [{'action': 'poweroff'}],
           'GUEST_PANICKED %s' % ev(r, 'GUEST_PANICKED'))
    expect(p, ev(r, 'SHUTDOWN') == [{'guest': True, 'reason': 'guest-panic'}],
           'SHUTDOWN %s' % ev(r, 'SHUTDOWN'))
    return p


def check_exit_failure_port(r):
    p = []
    check_driver(p, r, '3', port='0540')
    expect(p, ev(r, 'GUEST_PANICKED') == [{'action': 'poweroff'}],
           'GUEST_PANICKED %s' % ev(r, 'GUEST_PANICKED'))
    expect(p, ev(r, 'SHUTDOWN') == [{'guest': True, 'reason': 'guest-panic'}],
           'SHUTDOWN %s' % ev(r, 'SHUTDOWN'))
    return p


def check_none_smp2(r):
    p = []
    check_driver(p, r, '3')
    expect(p, r.vl2('CPUS') == ['2'], 'CPUs online %s' % r.vl2('CPUS'))
    expect(p, ev(r, 'GUEST_PANICKED') == [{'action': 'run'}],
           'GUEST_PANICKED %s' % ev(r, 'GUEST_PANICKED'))
    expect(p, not ev(r, 'STOP'), 'STOP after panic=none')
    st = [x for x in r.returns if isinstance(x, dict) and 'status' in x]
    expect(p, st and st[0]['status'] == 'running', 'query-status %s' % st)
    return p


def check_nodevice_poweroff(r):
    p = []
    expect(p, r.vl2('QEMU0001') == ['no'], 'QEMU0001 %s' % r.vl2('QEMU0001'))
    expect(p, r.vl2('BOUND') == ['no'], 'BOUND %s' % r.vl2('BOUND'))
    expect(p, r.vl2('CPUS') == ['1'], 'CPUs online %s' % r.vl2('CPUS'))
    expect(p, ev(r, 'SHUTDOWN') ==
           [{'guest': True, 'reason': 'guest-shutdown'}],
           'SHUTDOWN %s' % ev(r, 'SHUTDOWN'))
    return p


def check_reboot(r):
    p = []
    resets = ev(r, 'RESET')
    expect(p, resets[:1] == [{'guest': True, 'reason': 'guest-reset'}],
           'RESET %s' % resets)
    expect(p, len(r.vl2('BOOT')) >= 2, 'guest did not boot again')
    return p


def check_reboot_no_reboot(r):
    p = []
    expect(p, ev(r, 'SHUTDOWN') == [{'guest': True, 'reason': 'guest-reset'}],
           'SHUTDOWN %s' % ev(r, 'SHUTDOWN'))
    expect(p, not ev(r, 'RESET'), 'RESET under -no-reboot')
    return p


def check_powerdown(r):
    p = []
    expect(p, len(ev(r, 'POWERDOWN')) == 1, 'POWERDOWN %s' % ev(r, 'POWERDOWN'))
    expect(p, r.vl2('POWER-BUTTON') == [''], 'guest saw no power button')
    expect(p, ev(r, 'SHUTDOWN') ==
           [{'guest': True, 'reason': 'guest-shutdown'}],
           'SHUTDOWN %s' % ev(r, 'SHUTDOWN'))
    return p


def check_events_sysfs(r):
    p = []
    check_driver(p, r, '3')
    expect(p, r.vl2('EVENTS-WRITTEN') == ['2'],
           'events after sysfs write: %s' % r.vl2('EVENTS-WRITTEN'))
    expect(p, not ev(r, 'GUEST_PANICKED'), 'GUEST_PANICKED although masked')
    return p


def check_pvh_panic(r):
    p = []
    check_driver(p, r, '3')
    expect(p, ev(r, 'GUEST_PANICKED') == [{'action': 'pause'}] * 2,
           'GUEST_PANICKED %s' % ev(r, 'GUEST_PANICKED'))
    expect(p, len(r.vl2('BOOT')) == 2, 'guest booted %d times, expected 2'
           % len(r.vl2('BOOT')))
    return p


def check_dump(r):
    """A real kernel's panic, dumped: the core holds the kernel (its
    banner) and vCPU 0 stopped in kernel code with paging on."""
    p = []
    check_driver(p, r, '3')
    size = 256 << 20
    done = [d.get('result', {}) for d in ev(r, 'DUMP_COMPLETED')]
    # QEMU (the harness self-test) also dumps its firmware ROMs.
    expect(p, len(done) == 1 and done[0].get('status') == 'completed' and
           done[0].get('total') == done[0].get('completed') and
           done[0].get('total', 0) >= size,
           'DUMP_COMPLETED %s' % ev(r, 'DUMP_COMPLETED'))
    c = r.core
    expect(p, c.get('class') == '2' and c.get('cpus') == '2' and
           int(c.get('bytes', '0')) >= size, 'core: %s' % c)
    rip, cr0 = int(c.get('rip', '0'), 16), int(c.get('cr0', '0'), 16)
    expect(p, rip >= 0xffffffff80000000 and c.get('cs') == '0x10',
           'vCPU 0 not in kernel code: rip %#x cs %s' % (rip, c.get('cs')))
    expect(p, cr0 & 0x80000001 == 0x80000001 and
           int(c.get('cr3', '0'), 16) != 0, 'vCPU 0 paging: %s' % c)
    expect(p, int(c.get('banner', '0')) >= 1,
           'no "Linux version " banner in the dumped memory')
    return p


# The kernel log lines about clocks that /init prints for 'boot-clock'.
CLOCK_LOG = 'clock|tsc|TSC|Calibrat|calibrat|PIT|HPET|hpet'


def check_clock(r):
    """The guest takes its clocks from the VMM instead of measuring them:
    kvm-clock (CPUID 0x40000001) from the start, the TSC frequency from
    it, no PIT calibration of the TSC or the delay loop, TSC-deadline."""
    p = []
    log = '\n'.join(r.serial)
    expect(p, len(ev(r, 'GUEST_PANICKED')) == 1,
           'GUEST_PANICKED %s' % ev(r, 'GUEST_PANICKED'))
    for want, why in [
            ('kvm-clock: Using msrs', 'no kvm-clock (CPUID 0x40000001)'),
            ('Switched to clocksource kvm-clock', 'clocksource is not '
             'kvm-clock'),
            ('Calibrating delay loop (skipped)', 'the delay loop was '
             'calibrated'),
            ('TSC deadline timer available', 'no TSC-deadline timer')]:
        expect(p, want in log, why)
    expect(p, re.search(r'tsc: Detected [0-9.]+ MHz processor', log),
           'no TSC frequency')
    bad = [line for line in r.serial
           if re.search(r'TSC calibration|calibration using PIT|Refined TSC|'
                        r'Unable to calibrate', line)]
    expect(p, not bad, 'the guest calibrated its TSC: %s' % bad[:2])
    return p


def check_panicked(r):
    p = []
    expect(p, len(ev(r, 'GUEST_PANICKED')) == 1,
           'GUEST_PANICKED %s' % ev(r, 'GUEST_PANICKED'))
    return p


QUIT = ['send {"execute": "quit"}', 'exit 0']
STATUS = 'send {"execute": "query-status"}'

# A case: args (the VMM's extra arguments), guest (L2's command line),
# steps (qmp-case's, tests/guest/qmp-case.c), check; optionally timeout,
# kernel='vmlinux', trace, machine, vmm, libvirt, and makedumpfile=True
# (L1 gets Debian's makedumpfile for 'sh' steps).  '{core}' in a step is
# the case's core file, '{work}' in an argument or a step the directory
# the runner works in (/tmp in L1).
CASES = {
    'panic-pause-cont-reset': dict(
        args=['-device', 'pvpanic', '-action', 'panic=pause'],
        guest='vigil.test=panic',
        steps=['event GUEST_PANICKED', 'event STOP', STATUS,
               'send {"execute": "cont"}', 'event RESUME', STATUS,
               'send {"execute": "system_reset"}', 'event RESET',
               'event GUEST_PANICKED'] + QUIT,
        check=check_pause_cont_reset, timeout=150),
    'panic-shutdown-events1': dict(
        args=['-device', 'pvpanic,events=1'],
        guest='vigil.test=panic',
        steps=['event GUEST_PANICKED', 'event SHUTDOWN', 'exit 0'],
        check=check_shutdown_events1),
    'panic-exit-failure-ioport': dict(
        args=['-device', 'pvpanic,ioport=0x540',
              '-action', 'panic=exit-failure'],
        guest='vigil.test=panic',
        steps=['event GUEST_PANICKED', 'exit 1'],
        check=check_exit_failure_port),
    'panic-none-smp2': dict(
        args=['-smp', '2', '-device', 'pvpanic', '-action', 'panic=none'],
        guest='vigil.test=panic',
        steps=['event GUEST_PANICKED', 'no-event STOP 1', STATUS] + QUIT,
        check=check_none_smp2),
    'nodevice-poweroff': dict(
        args=[], guest='vigil.test=poweroff',
        steps=['event SHUTDOWN', 'exit 0'],
        check=check_nodevice_poweroff),
    'guest-reboot': dict(
        args=['-device', 'pvpanic'], guest='vigil.test=reboot',
        steps=['event RESET', 'serial 2 VL2 BOOT'] + QUIT,
        check=check_reboot, timeout=150),
    'guest-reboot-no-reboot': dict(
        args=['-device', 'pvpanic', '-no-reboot'], guest='vigil.test=reboot',
        steps=['event SHUTDOWN', 'exit 0'],
        check=check_reboot_no_reboot),
    'system-powerdown': dict(
        args=['-device', 'pvpanic'], guest='vigil.test=powerbutton',
        steps=['serial 1 VL2 WAITING-POWER-BUTTON',
               'send {"execute": "system_powerdown"}', 'event POWERDOWN',
               'event SHUTDOWN', 'exit 0'],
        check=check_powerdown),
    'events-sysfs-mask': dict(
        args=['-device', 'pvpanic', '-action', 'panic=pause'],
        guest='vigil.test=panic vigil.events=2',
        steps=['serial 1 VL2 ACTION panic', 'no-event GUEST_PANICKED 3']
        + QUIT,
        check=check_events_sysfs),
    # Debian's kernel as an uncompressed ELF vmlinux, entered through its
    # PVH note (no decompressor, no KASLR) instead of the bzImage.
    'pvh-vmlinux-panic': dict(
        args=['-device', 'pvpanic', '-action', 'panic=pause'],
        kernel='vmlinux', guest='vigil.test=panic',
        steps=['event GUEST_PANICKED', 'event STOP',
               'send {"execute": "cont"}', 'event RESUME',
               'send {"execute": "system_reset"}', 'event RESET',
               'event GUEST_PANICKED'] + QUIT,
        check=check_pvh_panic, timeout=150),
    # The host-side vmcore: dump-guest-memory of the paused, panicked guest.
    'panic-dump-smp2': dict(
        args=['-smp', '2', '-device', 'pvpanic', '-action', 'panic=pause'],
        guest='vigil.test=panic',
        steps=['event GUEST_PANICKED', 'event STOP',
               'send {"execute": "dump-guest-memory", "arguments": '
               '{"paging": false, "protocol": "file:{core}"}}',
               'event DUMP_COMPLETED', 'core {core}'] + QUIT,
        check=check_dump),
    # The kernel log's clock lines: what the paravirtual CPUID gives it.
    'boot-clock': dict(
        args=['-device', 'pvpanic', '-action', 'panic=pause'],
        guest='vigil.test=panic vigil.dmesg=' + CLOCK_LOG,
        steps=['event GUEST_PANICKED'] + QUIT,
        check=check_clock),
    'bench': dict(
        args=['-device', 'pvpanic', '-action', 'panic=pause'],
        guest='vigil.test=panic',
        steps=['event GUEST_PANICKED'] + QUIT,
        check=check_panicked),
    'demo': dict(
        args=['-device', 'pvpanic', '-action', 'panic=pause'],
        guest='vigil.test=panic',
        steps=['event GUEST_PANICKED'] + QUIT,
        check=check_panicked),
}
CASES.update(nested_libvirt.CASES)
CASES.update(nested_pci.CASES)

GROUPS = {
    'panic': ['panic-pause-cont-reset', 'panic-shutdown-events1',
              'panic-exit-failure-ioport', 'panic-none-smp2',
              'pvh-vmlinux-panic', 'panic-dump-smp2'],
    'power': ['nodevice-poweroff', 'guest-reboot', 'guest-reboot-no-reboot',
              'system-powerdown', 'events-sysfs-mask', 'boot-clock'],
    'smoke': ['demo'],
    'libvirt': list(nested_libvirt.CASES),
    'pci': list(nested_pci.CASES),
}
GROUPS['all'] = GROUPS['panic'] + GROUPS['power'] + GROUPS['pci']


# ---- environments ----------------------------------------------------------

def hardware_kvm():
    """Hardware virtualization with a usable /dev/kvm: no nesting needed."""
    return vt.hardware_virt() and vt.kvm_usable()


class Env:
    """Where cases run: paths the VMM sees and how to start the runner."""

    def __init__(self, args, kit, tmp):
        self.args = args
        self.kit = kit
        self.tmp = tmp
        self.nested = args.mode == 'nested'
        if self.nested:
            self.kernel = guestkit.L1_L2_KERNEL
            self.initrd = guestkit.L1_L2_INITRD
            self.vmlinux = guestkit.L1_L2_VMLINUX
            self.work = '/tmp'
            self.vigil = guestkit.L1_VIGIL
            self.qemu = [guestkit.L1_QEMU, '-L', guestkit.L1_FW]
        else:
            self.kernel = kit.l2_kernel()
            self.initrd = kit.l2_initrd()
            self.vmlinux = None  # unpacked only when a case needs it
            self.work = tmp
            self.vigil = args.vigil and os.path.abspath(args.vigil)
            self.qemu = [shutil.which('qemu-system-x86_64') or
                         'qemu-system-x86_64']

    def vmm(self, which, machine='pc'):
        accel = self.args.inner_accel
        if which == 'qemu':
            return self.qemu + ['-accel', accel, '-M', machine, '-cpu',
                                'host' if accel == 'kvm' else 'max',
                                '-m', '256', '-nodefaults', '-display',
                                'none']
        return [self.vigil, '-accel', accel, '-M', machine, '-cpu', 'host',
                '-m', '256']

    def case_text(self, name, case, which, label=None):
        label = label or name
        serial = '%s/%s.serial' % (self.work, label)
        sock = '%s/%s.qmp' % (self.work, label)
        kernel = self.kernel
        if case.get('kernel') == 'vmlinux':
            kernel = self.vmlinux or self.kit.l2_vmlinux()
        argv = self.vmm(which, case.get('machine', 'pc')) + [
            '-kernel', kernel, '-initrd', self.initrd,
            '-append', '%s %s' % (L2_APPEND, case['guest']),
            '-serial', 'file:' + serial,
            '-qmp', 'unix:%s,server=on,wait=off' % sock] + [
                a.replace('{work}', self.work) for a in case['args']]
        lines = ['case ' + label] + ['arg ' + a for a in argv]
        if case.get('trace'):
            lines.append('trace ' + case['trace'])
        lines += ['qmp ' + sock, 'serial ' + serial,
                  'timeout %d' % (case.get('timeout', 90) *
                                  self.args.timeout_scale)]
        core = '%s/%s.core' % (self.work, label)
        lines += ['step ' + s.replace('{core}', core).replace('{work}',
                                                              self.work)
                  for s in case['steps']] + ['end', '']
        return '\n'.join(lines)

    def run(self, cases_text, uses_qemu, uses_vigil, log, vmlinux=False,
            silence=None, libvirt_text='', libvirt_files=None,
            makedumpfile=False):
        """Run a case list; returns (lines, seconds, froze).

        froze: the run printed nothing for @silence seconds and was
        killed.  qmp-case reports every case within its own timeout, so
        that silence means the L1 machine itself stopped (seen once under
        QEMU TCG: its only vCPU halted for good while L2 booted), not a
        Vigil hang, which qmp-case would report as a failed step."""
        t0 = time.monotonic()
        cmds = []
        if self.nested:
            libvirt = None
            if libvirt_text:
                libvirt = dict(libvirt_files or {})
                libvirt[guestkit.L1_LIBVIRT_CASES] = libvirt_text
            image = self.kit.l1_image(
                os.path.join(self.tmp, 'l1.cpio'), cases_text,
                vigil=self.args.vigil if uses_vigil else None,
                qemu=uses_qemu, vmlinux=vmlinux, libvirt=libvirt,
                makedumpfile=makedumpfile)
            cmds.append([shutil.which('qemu-system-x86_64'), '-accel', 'tcg',
                         '-cpu', L1_CPU, '-m', '2048', '-nodefaults',
                         '-display', 'none', '-serial', 'stdio',
                         '-no-reboot', '-kernel', self.kit.l2_kernel(),
                         '-initrd', image, '-append', L1_APPEND])
        else:
            if cases_text:
                path = os.path.join(self.tmp, 'cases.txt')
                with open(path, 'w') as f:
                    f.write(cases_text)
                cmds.append([self.kit.qmp_case(), path])
            if libvirt_text:
                cmds.append(nested_libvirt.direct_command(
                    self.tmp, libvirt_text, libvirt_files or {}))
        lines = []
        froze = threading.Event()
        for cmd in cmds:
            self._stream(cmd, t0, lines, froze, log, silence)
        return lines, time.monotonic() - t0, froze.is_set()

    def _stream(self, cmd, t0, lines, froze, log, silence):
        """Run @cmd, appending its output lines to @lines."""
        last = [time.monotonic()]
        log('# ' + ' '.join(cmd))
        with subprocess.Popen(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL) as p:
            def watchdog():
                # Bounds a run that stops printing, which reading alone
                # cannot: the outer timeout and the silence limit.
                while p.poll() is None:
                    now = time.monotonic()
                    if now - t0 > self.args.timeout:
                        log('# outer timeout')
                        p.kill()
                    elif silence and now - last[0] > silence:
                        log('# no output for %d s: killed' % silence)
                        froze.set()
                        p.kill()
                    time.sleep(1)

            dog = threading.Thread(target=watchdog, daemon=True)
            dog.start()
            try:
                for raw in p.stdout:
                    last[0] = time.monotonic()
                    line = raw.decode(errors='replace').rstrip('\r\n')
                    lines.append(line)
                    log('[%7.2f] %s' % (last[0] - t0, line))
            finally:
                if p.poll() is None:
                    p.kill()
            dog.join()


# ---- main ------------------------------------------------------------------

def demo_report(r):
    for line in r.serial:
        if 'VL2 ' in line:
            print('guest console: ' + line[line.index('VL2 '):])
    t = r.event_time('GUEST_PANICKED')
    if t is None:
        print('no GUEST_PANICKED event arrived')
        return
    print('QMP client received, %.2f s after Vigil started:' % t)
    for _, text in r.qmp:
        if '"GUEST_PANICKED"' in text:
            print(text)


def choose_mode(args):
    if args.mode != 'auto':
        return args.mode
    if hardware_kvm():
        return 'direct'
    if shutil.which('qemu-system-x86_64'):
        return 'nested'
    return None


def run_cases(env, names, which, log, labels=None):
    text, lv_text, lv_files = '', '', {}
    for n, w, lbl in zip(names, which, labels or names):
        if CASES[n].get('libvirt'):
            lv_text += nested_libvirt.case_text(env, lbl, CASES[n], w,
                                                lv_files, L2_APPEND)
        else:
            text += env.case_text(n, CASES[n], w, lbl)
    vmlinux = any(CASES[n].get('kernel') == 'vmlinux' for n in names)
    # Cases that read their kdump files back with makedumpfile ('sh').
    mdf = any(CASES[n].get('makedumpfile') for n in names)
    # Longer than any case may stay silent while qmp-case waits for it.
    silence = (max(CASES[n].get('timeout', 90) for n in names) *
               env.args.timeout_scale + 60)
    for attempt in (1, 2):
        lines, secs, froze = env.run(text, 'qemu' in which, 'vigil' in which,
                                     log, vmlinux, silence, lv_text,
                                     lv_files, mdf)
        if not froze or not env.nested or attempt == 2:
            break
        # An emulator hang, not a result: say so, and boot L1 once more.
        print('NOTE: the L1 machine stopped (no output for %d s); '
              'running the cases once more' % silence, flush=True)
        log('# L1 froze: second attempt')
    return parse(lines), secs


def main():
    ap = argparse.ArgumentParser(
        description='Real-kernel functional tests (nested or direct).')
    ap.add_argument('--vigil', help='the Vigil binary under test')
    ap.add_argument('--vmm', choices=['vigil', 'qemu'], default='vigil',
                    help='inner VMM (qemu = harness self-test)')
    ap.add_argument('--build-dir', default=None,
                    help='cache for the guest kit (default: next to vigil)')
    ap.add_argument('--group', default='all',
                    help='case group (%s) or a comma list of cases'
                    % ', '.join(GROUPS))
    ap.add_argument('--mode', choices=['auto', 'nested', 'direct'],
                    default='auto')
    ap.add_argument('--inner-accel', default='kvm',
                    help=argparse.SUPPRESS)  # tcg: debug the harness only
    ap.add_argument('--timeout', type=float, default=840,
                    help='limit for one run (seconds)')
    ap.add_argument('--timeout-scale', type=int, default=1)
    ap.add_argument('--log', help='write the full console log here')
    ap.add_argument('--verbose', '-v', action='store_true')
    ap.add_argument('--demo', action='store_true',
                    help='boot, panic, print the GUEST_PANICKED event')
    ap.add_argument('--list', action='store_true')
    args = ap.parse_args()

    if args.list:
        for g, names in GROUPS.items():
            print('%s: %s' % (g, ' '.join(names)))
        return 0
    if args.demo:
        args.group = 'smoke'
    names = list(GROUPS.get(args.group) or args.group.split(','))
    unknown = [n for n in names if n not in CASES]
    if unknown:
        ap.error('unknown case(s): ' + ' '.join(unknown))
    if args.vmm == 'vigil' and not args.vigil:
        ap.error('--vigil is required unless --vmm qemu')
    # A case for one VMM only (a machine version QEMU 7.2 lacks).
    for n in [n for n in names if CASES[n].get('vmm', args.vmm) != args.vmm]:
        print('SKIP %s (%s only)' % (n, CASES[n]['vmm']))
        names.remove(n)
    args.mode = choose_mode(args)
    if not args.mode:
        print('SKIP-REASON: no-kvm-no-qemu: no hardware KVM and no '
              'qemu-system-x86_64')
        return SKIP
    build_dir = args.build_dir or (
        os.path.dirname(os.path.abspath(args.vigil)) if args.vigil
        else os.path.join(SRC, 'build-nested'))

    logf = open(args.log, 'w') if args.log else None

    def log(line):
        if logf:
            logf.write(line + '\n')
            logf.flush()
        if args.verbose:
            print(line, flush=True)

    kit = guestkit.Kit(build_dir)
    if args.demo:
        print('panic-demo: booting Debian %s under Vigil (-accel kvm)%s; '
              'the guest panics with sysrq-c' % (
                  os.path.basename(kit.l2_kernel()),
                  ', nested in QEMU TCG + SVM (no hardware KVM here)'
                  if args.mode == 'nested' else ''), flush=True)
    try:
        with tempfile.TemporaryDirectory(prefix='vigil-nested-') as tmp:
            env = Env(args, kit, tmp)
            results, secs = run_cases(env, names, [args.vmm] * len(names),
                                      log)
    except guestkit.KitError as e:
        print('ERROR: %s' % e)
        return 1

    failed = 0
    for n in names:
        r = results.get(n)
        if not r or not r.started:
            problems = ['did not run (see --log / -v)']
        else:
            problems = []
            if r.runner is None:
                problems.append('runner did not finish')
            elif r.runner[0] != 'PASS':
                problems.append('runner: ' + r.runner[1])
            problems += CASES[n]['check'](r)
        if args.demo and r and r.started:
            demo_report(r)
        status = 'FAIL' if problems else 'PASS'
        failed += bool(problems)
        extra = ' (%.1fs)' % r.time if r and r.time else ''
        print('%s %s%s' % (status, n, extra))
        for pr in problems:
            print('    ' + pr)
        if problems and r and not args.verbose:
            for line in r.serial[-15:]:
                print('    console| ' + line)
            for line in r.stderr[-15:]:
                print('    vmm-err| ' + line)
            for t, text in r.qmp[-6:]:
                print('    qmp t=%.2f| %s' % (t, text))
            for cmd, out, rc in r.virsh[-6:]:
                print('    virsh %s -> %s| %s' % (cmd, rc, ' / '.join(out)))
            for line in r.lv_events[-8:]:
                print('    event| ' + line)
            for line in r.lvlog[-30:]:
                print('    libvirtd| ' + line)
        if problems and CASES[n].get('libvirt') and not args.verbose and \
                (not r or not r.started) and 'libvirtd' in results:
            for line in results['libvirtd'].stderr[-30:]:
                print('    ' + line)
    print('%s: %d/%d passed, %s mode, %.1fs' % (
        'OK' if not failed else 'FAILED', len(names) - failed, len(names),
        args.mode, secs))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
