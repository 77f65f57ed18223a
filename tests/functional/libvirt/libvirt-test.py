#!/usr/bin/env python3
"""libvirt 9.0 drives Vigil: a real libvirtd of the test's own (lvenv.py),
Vigil as the <emulator> of <domain type='kvm'>, the project's tiny PVH
guest on /dev/kvm (tests/functional/tiny: prints "boot", panics; the
-poweroff variant requests ACPI soft-off instead), driven with virsh only.

Usage: libvirt-test.py --vigil BIN --guest-dir DIR CASE [CASE...]
       libvirt-test.py --list
Each case checks `virsh domstate --reason`, the virsh lifecycle events,
the serial file and, for dumps, the ELF core.  Exit status: 0 pass, 1 fail,
77 skip (only with a SKIP-REASON that scripts/test-summary.py checks).
"""
import argparse
import os
import re
import struct
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lvenv  # noqa: E402  (also puts tests/pylib on sys.path)
import vigiltest as vt  # noqa: E402
from lvenv import Fail, check  # noqa: E402

SKIP = 77
GUEST_MIB = 64

DOMAIN_XML = """<domain type='{virt}'>
  <name>{name}</name>
  <memory unit='MiB'>{mib}</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>{kernel}</kernel>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>{on_crash}</on_crash>
  <devices>
    <emulator>{vigil}</emulator>
    <controller type='usb' model='none'/>
    <serial type='file'>
      <source path='{serial}'/>
      <target port='0'/>
    </serial>
    <memballoon model='none'/>
    <panic model='isa'><address type='isa' iobase='0x505'/></panic>
  </devices>
</domain>
"""


class Ctx:
    def __init__(self, args, lv):
        self.vigil = os.path.abspath(args.vigil)
        self.guest_dir = os.path.abspath(args.guest_dir)
        self.lv = lv

    def guest(self, variant=''):
        return os.path.join(self.guest_dir, 'tiny-long%s.elf' % variant)

    def define(self, case, on_crash='preserve', variant='', virt='kvm'):
        name = lvenv.PREFIX + case
        serial = os.path.join(self.lv.dir, name + '.serial')
        xml = DOMAIN_XML.format(virt=virt, name=name, mib=GUEST_MIB,
                                kernel=self.guest(variant),
                                on_crash=on_crash, vigil=self.vigil,
                                serial=serial)
        path = os.path.join(self.lv.dir, name + '.xml')
        with open(path, 'w') as f:
            f.write(xml)
        self.lv.virsh('destroy', name, ok=None)
        self.lv.virsh('undefine', name, ok=None)
        self.lv.virsh('define', path)
        return Domain(self, name, serial)


class Domain:
    def __init__(self, ctx, name, serial):
        self.ctx = ctx
        self.lv = ctx.lv
        self.name = name
        self.serial = serial
        self.events = None

    def start(self):
        self.events = lvenv.EventWatch(['event', '--domain', self.name,
                                        '--all', '--loop'])
        self.lv.virsh('start', self.name)

    def serial_text(self):
        return vt.file_text(self.serial)

    def wait_serial(self, pred, what, timeout=20):
        vt.wait_file(self.serial, pred, '%s: %s' % (self.name, what), timeout)

    def state(self, want, timeout=20):
        return self.lv.wait_state(self.name, want, timeout)

    def event(self, pattern, timeout=20):
        return self.events.wait_for(pattern, timeout)

    def pid(self):
        path = '/run/libvirt/qemu/%s.pid' % self.name
        with open(path) as f:
            return int(f.read().strip())

    def qmp(self, cmd):
        return self.lv.qmp(self.name, cmd)

    def close(self):
        if self.events:
            self.events.close()
        self.lv.virsh('destroy', self.name, ok=None)
        self.lv.virsh('undefine', self.name, ok=None)

    def log(self):
        try:
            with open('/var/log/libvirt/qemu/%s.log' % self.name,
                      errors='replace') as f:
                return f.read()
        except OSError:
            return ''


def check_elf_core(path, ram_bytes):
    """An ELF64 x86-64 core whose PT_LOAD segments hold all of guest RAM
    (QEMU adds its 256 KiB BIOS ROM; Vigil has none, so exactly RAM)."""
    with open(path, 'rb') as f:
        ehdr = f.read(64)
        check(ehdr[:4] == b'\x7fELF', '%s: not ELF' % path)
        check(ehdr[4] == 2, '%s: not ELF64' % path)
        e_type, e_machine = struct.unpack_from('<HH', ehdr, 16)
        check(e_type == 4 and e_machine == 62,
              '%s: type %d machine %d, want a core (4) for x86-64 (62)'
              % (path, e_type, e_machine))
        phoff, = struct.unpack_from('<Q', ehdr, 32)
        phentsize, phnum = struct.unpack_from('<HH', ehdr, 54)
        loads = 0
        notes = 0
        size = os.path.getsize(path)
        for i in range(phnum):
            f.seek(phoff + i * phentsize)
            p_type, _, p_offset, _, _, p_filesz, _, _ = struct.unpack(
                '<IIQQQQQQ', f.read(56))
            if p_type == 1:
                check(p_offset + p_filesz <= size,
                      '%s: PT_LOAD beyond the end of the file' % path)
                loads += p_filesz
            elif p_type == 4:
                notes += 1
        check(notes >= 1, '%s: no PT_NOTE' % path)
        check(loads >= ram_bytes, '%s: PT_LOAD holds %d bytes, RAM is %d'
              % (path, loads, ram_bytes))


def dumps(ctx):
    return sorted(os.path.join(ctx.lv.dump_dir, n)
                  for n in os.listdir(ctx.lv.dump_dir))


# -- cases -------------------------------------------------------------------

def case_probe(ctx):
    """A fresh capability probe: one pass (no TCG), KVM, the ISA panic
    device, no re-probe on the next lookup."""
    lv = ctx.lv
    lv.forget_caps(ctx.vigil)
    before = lv.probes(ctx.vigil)
    _, caps = lv.virsh('domcapabilities', '--emulatorbin', ctx.vigil,
                       '--virttype', 'kvm')
    check("<domain>kvm</domain>" in caps, 'domcapabilities: no kvm domain')
    # libvirt 9.0's domcapabilities has no <panic>: the flags it derived
    # are in its capability cache.
    flags = cached_flags(ctx.vigil)
    for flag in ('kvm', 'pvpanic', 'isa-serial'):
        check(flag in flags, 'libvirt flag %s missing: %s' % (flag, flags))
    check('tcg' not in flags, 'libvirt thinks Vigil has TCG')
    probes = lv.probes(ctx.vigil) - before
    check(probes == 1,
          'probes: %d (want exactly one pass: Vigil has no TCG)' % probes)
    lv.virsh('domcapabilities', '--emulatorbin', ctx.vigil,
             '--virttype', 'kvm')
    check(lv.probes(ctx.vigil) - before == 1,
          'the second lookup probed again (query-kvm must be truthful)')
    st, out = lv.virsh('domcapabilities', '--emulatorbin', ctx.vigil,
                       '--virttype', 'qemu', ok=False)
    check("does not support virt type 'qemu'" in out, out)


def case_probe_no_kvm(ctx):
    """libvirt's probe command line where /dev/kvm is not usable (hidden
    in a private mount namespace): accel=kvm:tcg fails at once, exit 1,
    with a message libvirt shows; no daemon is left behind."""
    d = ctx.lv.dir
    sock, pidf = os.path.join(d, 'nokvm.sock'), os.path.join(d, 'nokvm.pid')
    probe = [ctx.vigil, '-S', '-no-user-config', '-nodefaults', '-nographic',
             '-machine', 'none,accel=kvm:tcg', '-qmp',
             'unix:%s,server=on,wait=off' % sock, '-pidfile', pidf,
             '-daemonize']
    r = subprocess.run(['unshare', '-m', 'sh', '-c',
                        'mount --bind /dev/null /dev/kvm && exec "$@"', 'sh']
                       + probe, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=30)
    check(r.returncode == 1, 'exit status %d: %s' % (r.returncode, r.stdout))
    check('failed to initialize kvm' in r.stdout and
          'Vigil has no TCG accelerator' in r.stdout, r.stdout)
    check(not os.path.exists(pidf), 'a pid file was left')


def cached_flags(binary):
    """The QEMU_CAPS flags libvirt's cache holds for @binary."""
    for name in os.listdir(lvenv.CAPS_DIR):
        with open(os.path.join(lvenv.CAPS_DIR, name)) as f:
            text = f.read()
        if '<emulator>%s</emulator>' % binary in text:
            return re.findall(r"<flag name='([^']+)'/>", text)
    raise Fail('no capability cache for ' + binary)


def case_virt_type_qemu(ctx):
    """A type='qemu' domain fails with libvirt's clear error (at define:
    the capabilities say Vigil has no TCG)."""
    path = os.path.join(ctx.lv.dir, 'virt-qemu.xml')
    with open(path, 'w') as f:
        f.write(DOMAIN_XML.format(virt='qemu', name=lvenv.PREFIX + 'qemu',
                                  mib=GUEST_MIB, kernel=ctx.guest(),
                                  on_crash='preserve', vigil=ctx.vigil,
                                  serial=os.path.join(ctx.lv.dir, 'q.serial')))
    _, out = ctx.lv.virsh('define', path, ok=False)
    check("does not support virt type 'qemu'" in out, out)
    _, out = ctx.lv.virsh('create', path, ok=False)
    check("does not support virt type 'qemu'" in out, out)


def panicked_start(ctx, case, on_crash, variant=''):
    dom = ctx.define(case, on_crash=on_crash, variant=variant)
    dom.start()
    dom.wait_serial(lambda t: t.startswith('boot\n'), '"boot"')
    dom.event(r"lifecycle.*: Crashed Panicked")
    return dom


def case_preserve(ctx):
    """on_crash=preserve: the VMM stays, paused in guest-panicked."""
    dom = panicked_start(ctx, 'preserve', 'preserve')
    try:
        dom.state('crashed (panicked)')
        reply = dom.qmp('{"execute":"query-status"}')
        check('"status":"guest-panicked"' in reply.replace(' ', ''), reply)
        check(re.search(r'"running":\s*false', reply), reply)
        pid = dom.pid()
        time.sleep(0.3)
        check(dom.lv.domstate(dom.name) == 'crashed (panicked)',
              'state changed')
        check(os.path.exists('/proc/%d' % pid), 'VMM gone')
        check(not re.search(r'(?im)^.*(kernel panic|panic \S+:)',
                            dom.log()),
              'the domain log has a panic-looking line (KubeVirt scans '
              'it):\n' + dom.log())
    finally:
        dom.close()


def case_destroy(ctx):
    """on_crash=destroy: libvirt kills the VMM: shut off (crashed)."""
    dom = panicked_start(ctx, 'destroy', 'destroy')
    try:
        dom.state('shut off (crashed)')
        dom.event(r'lifecycle.*: Stopped Crashed')
    finally:
        dom.close()


def case_restart(ctx):
    """on_crash=restart: system_reset + cont, on every panic."""
    dom = panicked_start(ctx, 'restart', 'restart')
    try:
        dom.wait_serial(lambda t: t.count('boot\n') >= 3,
                        'three boots (restart loops on every panic)')
        dom.state('running (crashed)')
        dom.event(r'lifecycle.*: Resumed Unpaused')
    finally:
        dom.close()


def coredump(ctx, case, on_crash, final):
    before = set(dumps(ctx))
    dom = panicked_start(ctx, case, on_crash)
    try:
        dom.state(final, timeout=60)
        new = [d for d in dumps(ctx) if d not in before]
        # coredump-restart dumps again at every panic of the loop
        check(len(new) == 1 or (new and on_crash == 'coredump-restart'),
              'dumps written: %r' % new)
        # libvirt names it <id>-<name, cut to 20 bytes>-<time>
        check(dom.name[:20] in os.path.basename(new[0]), new[0])
        check_elf_core(new[0], GUEST_MIB << 20)
        return dom, new[0]
    except Exception:
        dom.close()
        raise


def case_coredump_destroy(ctx):
    """on_crash=coredump-destroy: getfd + dump-guest-memory fd:,
    detach, DUMP_COMPLETED; then the VMM is killed."""
    dom, path = coredump(ctx, 'coredump-destroy', 'coredump-destroy',
                         'shut off (crashed)')
    os.unlink(path)
    dom.close()


def case_coredump_restart(ctx):
    """on_crash=coredump-restart: dump, then reset and run again."""
    dom, path = coredump(ctx, 'coredump-restart', 'coredump-restart',
                         'running (crashed)')
    try:
        dom.wait_serial(lambda t: t.count('boot\n') >= 2, 'a second boot')
    finally:
        os.unlink(path)
        for d in dumps(ctx):     # later panics dump again
            os.unlink(d)
        dom.close()


def case_poweroff(ctx):
    """Guest ACPI soft-off: SHUTDOWN guest-shutdown, shut off (shutdown)."""
    dom = ctx.define('poweroff', variant='-poweroff')
    try:
        dom.start()
        dom.state('shut off (shutdown)')
        dom.event(r'lifecycle.*: Shutdown Finished after guest request')
        dom.event(r'lifecycle.*: Stopped Shutdown')
        check(dom.serial_text().startswith('boot\n'), dom.serial_text())
    finally:
        dom.close()


def case_destroy_command(ctx):
    """virsh destroy: SIGTERM -> SHUTDOWN host-signal -> shut off
    (destroyed)."""
    dom = panicked_start(ctx, 'virsh-destroy', 'preserve')
    try:
        mon = lvenv.EventWatch(['qemu-monitor-event', '--domain', dom.name,
                                '--event', 'SHUTDOWN', '--loop'])
        try:
            dom.lv.virsh('destroy', dom.name)
            dom.state('shut off (destroyed)')
            dom.event(r'lifecycle.*: Stopped Destroyed')
            text = mon.wait_for(r'SHUTDOWN')
            check(re.search(r'"reason":\s*"host-signal"', text), text)
        finally:
            mon.close()
    finally:
        dom.close()


def case_lifecycle(ctx):
    """virsh suspend/resume/reset on a running guest (panic=none style:
    on_crash=restart keeps it running)."""
    dom = ctx.define('lifecycle', on_crash='preserve', variant='-poweroff')
    dom.close()
    dom = panicked_start(ctx, 'lifecycle', 'restart')
    try:
        dom.state('running (crashed)')
        # on_crash=restart with this guest is a crash loop: it panics on
        # every boot, and libvirt answers each GUEST_PANICKED with a reset
        # and a 'cont' of its own (a fake reboot, in a worker thread).  A
        # suspend that lands between the panic and that 'cont' is undone
        # by it, so suspend again until the user's pause holds; it must
        # within a few tries.
        for attempt in range(5):
            try:
                dom.lv.virsh('suspend', dom.name)
                dom.state('paused (user)', timeout=4)
                break
            except Fail:
                if attempt == 4:
                    raise
        dom.event(r'lifecycle.*: Suspended Paused')
        dom.lv.virsh('resume', dom.name)
        dom.state(re.compile(r'running \((unpaused|crashed)\)'))
        dom.event(r'lifecycle.*: Resumed Unpaused')
        mon = lvenv.EventWatch(['qemu-monitor-event', '--domain', dom.name,
                                '--event', 'RESET', '--loop'])
        try:
            n = dom.serial_text().count('boot\n')
            dom.lv.virsh('reset', dom.name)
            text = mon.wait_for(r'host-qmp-system-reset')
            check('RESET' in text, text)
            dom.wait_serial(lambda t: t.count('boot\n') > n,
                            'a boot after virsh reset')
        finally:
            mon.close()
    finally:
        dom.close()


def case_dump_memory_only(ctx):
    """virsh dump --memory-only of a panicked guest: an ELF core, and
    with --format kdump-zlib a flattened kdump file much smaller than
    the guest."""
    dom = panicked_start(ctx, 'dump', 'preserve')
    try:
        path = os.path.join(ctx.lv.dir, 'manual.core')
        dom.lv.virsh('dump', '--memory-only', dom.name, path, timeout=120)
        check_elf_core(path, GUEST_MIB << 20)
        os.unlink(path)
        # libvirt checks the format against
        # query-dump-guest-memory-capability, then asks for it.
        dom.lv.virsh('dump', '--memory-only', '--format', 'kdump-zlib',
                     dom.name, path, timeout=120)
        with open(path, 'rb') as f:
            head = f.read(16)
        check(head.startswith(b'makedumpfile') and
              os.path.getsize(path) < (GUEST_MIB << 20) // 2,
              'kdump-zlib: %r, %d bytes' % (head, os.path.getsize(path)))
        os.unlink(path)
        dom.state('crashed (panicked)')
    finally:
        dom.close()


def case_monitor(ctx):
    """virsh qemu-monitor-event sees GUEST_PANICKED as QEMU sends it;
    qemu-monitor-command reaches the QMP monitor."""
    dom = ctx.define('monitor', on_crash='preserve')
    try:
        dom.lv.virsh('start', '--paused', dom.name)
        dom.state('paused (user)')
        mon = lvenv.EventWatch(['qemu-monitor-event', '--domain', dom.name,
                                '--event', 'GUEST_PANICKED', '--loop'])
        try:
            dom.lv.virsh('resume', dom.name)
            text = mon.wait_for(r'GUEST_PANICKED')
            check(re.search(r'GUEST_PANICKED.*"action":\s*"pause"', text),
                  text)
        finally:
            mon.close()
        dom.state('crashed (panicked)')
        reply = dom.qmp('{"execute":"query-version"}')
        check('"qemu"' in reply, reply)
        _, out = dom.lv.virsh('qemu-monitor-command', '--hmp', dom.name,
                              'info status')
        check('guest-panicked' in out, out)
    finally:
        dom.close()


def case_reconnect(ctx):
    """libvirtd restarts while the guest sits panicked: it reconnects and
    keeps crashed (panicked); the VMM survives."""
    dom = panicked_start(ctx, 'reconnect', 'preserve')
    try:
        dom.state('crashed (panicked)')
        pid = dom.pid()
        dom.events.close()
        ctx.lv.restart()
        dom.state('crashed (panicked)')
        check(dom.pid() == pid and os.path.exists('/proc/%d' % pid),
              'the VMM did not survive the libvirtd restart')
        reply = dom.qmp('{"execute":"query-status"}')
        check('guest-panicked' in reply, reply)
    finally:
        dom.close()


UNSUPPORTED = [
    # (what, change to DOMAIN_XML, Vigil's line in the domain log)
    ('firmware boot', ("<kernel>{kernel}</kernel>", "<boot dev='hd'/>"),
     'machine has no firmware: boot a kernel with -kernel'),
    ('a virtio disk', ("<memballoon", "<disk type='file' device='disk'>"
                       "<source file='{img}'/><target dev='vda' bus='virtio'/>"
                       "</disk><memballoon"),
     '-blockdev: invalid option'),
    ("libvirt's default USB controller",
     ("<controller type='usb' model='none'/>", ''), '-usb: invalid option'),
]


def case_unsupported(ctx):
    """What Vigil does not have fails the start with its line naming it;
    libvirt shows that line (or, when Vigil exited before libvirt
    connected, "failed to connect to monitor socket"; the line is in the
    domain log either way)."""
    img = os.path.join(ctx.lv.dir, 'disk.img')
    with open(img, 'wb') as f:
        f.truncate(1 << 20)
    name = lvenv.PREFIX + 'unsupported'
    log = '/var/log/libvirt/qemu/%s.log' % name
    for what, (old, new), line in UNSUPPORTED:
        xml = DOMAIN_XML.replace(old, new).format(
            virt='kvm', name=name, mib=GUEST_MIB, kernel=ctx.guest(),
            on_crash='preserve', vigil=ctx.vigil, img=img,
            serial=os.path.join(ctx.lv.dir, 'unsupported.serial'))
        path = os.path.join(ctx.lv.dir, 'unsupported.xml')
        with open(path, 'w') as f:
            f.write(xml)
        before = vt.file_text(log)
        _, out = ctx.lv.virsh('create', path, ok=False)
        check(line in out or 'failed to connect to monitor socket' in out,
              '%s: %s' % (what, out))
        check(line in vt.file_text(log)[len(before):],
              '%s: domain log lacks %r' % (what, line))


def docs_domain_xml(ctx):
    """The domain XML of docs/system/libvirt.rst, as printed there, with
    only the paths a reader would change replaced: the emulator (the
    binary under test), the kernel (the tiny guest; no initrd) and the
    serial file (this run's directory)."""
    top = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))))
    with open(os.path.join(top, 'docs', 'system', 'libvirt.rst')) as f:
        rst = f.read()
    m = re.search(r'\.\. code-block:: xml\n\n((?:    .*\n|\n)+)', rst)
    check(m, 'docs/system/libvirt.rst has no xml block')
    xml = '\n'.join(line[4:] for line in m.group(1).splitlines())
    subs = [(r'<emulator>[^<]*</emulator>',
             '<emulator>%s</emulator>' % ctx.vigil),
            (r'<kernel>[^<]*</kernel>', '<kernel>%s</kernel>' % ctx.guest()),
            (r'\s*<initrd>[^<]*</initrd>', ''),
            (r"<source path='[^']*'/>",
             "<source path='%s'/>" % os.path.join(ctx.lv.dir,
                                                  'docs.serial')),
            (r'<name>[^<]*</name>', '<name>%sdocs</name>' % lvenv.PREFIX)]
    for rx, rep in subs:
        xml, n = re.subn(rx, rep, xml)
        check(n == 1 or rx.startswith(r'\s*<initrd'),
              'docs XML: %s matched %d times' % (rx, n))
    return xml


def case_docs(ctx):
    """The walk-through of docs/system/libvirt.rst: its domain XML starts
    and `virsh domstate --reason` says crashed (panicked)."""
    path = os.path.join(ctx.lv.dir, 'panicky.xml')
    with open(path, 'w') as f:
        f.write(docs_domain_xml(ctx))
    name = lvenv.PREFIX + 'docs'
    ctx.lv.virsh('define', path)
    dom = Domain(ctx, name, os.path.join(ctx.lv.dir, 'docs.serial'))
    try:
        dom.start()
        dom.state('crashed (panicked)')
        check(dom.serial_text().startswith('boot\n'), dom.serial_text())
    finally:
        dom.close()


CASES = {
    'probe': case_probe,
    'probe-no-kvm': case_probe_no_kvm,
    'virt-type-qemu': case_virt_type_qemu,
    'preserve': case_preserve,
    'destroy': case_destroy,
    'restart': case_restart,
    'coredump-destroy': case_coredump_destroy,
    'coredump-restart': case_coredump_restart,
    'poweroff': case_poweroff,
    'virsh-destroy': case_destroy_command,
    'lifecycle': case_lifecycle,
    'dump-memory-only': case_dump_memory_only,
    'monitor': case_monitor,
    'reconnect': case_reconnect,
    'docs': case_docs,
    'unsupported': case_unsupported,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--vigil')
    ap.add_argument('--guest-dir')
    ap.add_argument('--list', action='store_true')
    ap.add_argument('--keep', action='store_true',
                    help='keep the temporary directory (logs)')
    ap.add_argument('cases', nargs='*')
    args = ap.parse_args()
    if args.list:
        print('\n'.join(CASES))
        return 0
    unknown = [c for c in args.cases if c not in CASES]
    if unknown or not args.cases or not args.vigil or not args.guest_dir:
        ap.error('need --vigil, --guest-dir and known cases (--list)')
    missing = lvenv.missing_tools()
    if missing:
        print('SKIP-REASON: no-libvirt: %s not installed' % ', '.join(missing))
        return SKIP
    if os.geteuid() != 0:
        print('SKIP-REASON: not-root: the privileged libvirtd needs root')
        return SKIP
    if not os.path.exists('/dev/kvm'):
        print('SKIP-REASON: no-dev-kvm: libvirt domains need /dev/kvm')
        return SKIP
    lv = lvenv.Libvirtd(keep_dir=args.keep)
    failed = 0
    try:
        t0 = time.monotonic()
        lv.start()
        print('# libvirtd up in %.1f s' % (time.monotonic() - t0))
        ctx = Ctx(args, lv)
        for name in args.cases:
            t0 = time.monotonic()
            try:
                CASES[name](ctx)
            except Exception as e:  # report, go on with the next case
                failed += 1
                print('not ok %s: %s: %s' % (name, type(e).__name__, e))
                print('--- libvirtd log tail ---\n' + lv.log_tail())
                for dom in lv.domains():
                    print('--- %s log ---' % dom)
                    try:
                        with open('/var/log/libvirt/qemu/%s.log' % dom,
                                  errors='replace') as f:
                            print(f.read()[-3000:])
                    except OSError:
                        pass
                continue
            print('ok %s (%.1fs)' % (name, time.monotonic() - t0),
                  flush=True)
    except Fail as e:
        print('not ok setup: %s' % e)
        failed += 1
    finally:
        t0 = time.monotonic()
        lv.stop()
        print('# libvirtd stopped in %.1f s' % (time.monotonic() - t0))
        if args.keep:
            print('kept: %s' % lv.dir)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
