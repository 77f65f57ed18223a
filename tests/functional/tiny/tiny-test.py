#!/usr/bin/env python3
"""Run the tiny guests (tiny-common.S) under `vigil -accel kvm` on this
host's /dev/kvm and check what QMP and the serial port show.

Usage: tiny-test.py --vigil BIN --guest-dir DIR CASE
Exit status: 0 pass, 1 fail, 77 skip (no usable /dev/kvm).
"""
import argparse
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True   # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'pylib'))
import vigiltest as vt  # noqa: E402

SKIP = 77


# The shared QMP client (tests/pylib/vigiltest.py); its failures are Fail.
Fail = vt.TestFailure


class QMP(vt.QmpConn):
    """The shared QMP client with this test's calling convention: events
    are kept in order as they arrive, cmd() returns the "return" value
    (an error reply raises Fail), event(NAME) waits for the next NAME."""

    def __init__(self, path, timeout=10):
        super().__init__(vt.unix_connect(path, timeout))
        self.negotiate(timeout)

    def cmd(self, name, timeout=10, **args):
        return self.execute(name, args or None, timeout)

    def event(self, name, timeout=15):
        """Next event called @name (earlier ones are consumed)."""
        return self.wait_event(name, timeout)


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
        return vt.file_text(self.serial)

    def wait_serial(self, pred, what, timeout=10):
        vt.wait_file(self.serial, pred, 'serial: ' + what, timeout)

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

    # A pause lands right after an I/O exit (the guest does little else);
    # KVM finishes that exit only at the next KVM_RUN.  Parking without
    # re-entering left it pending, and the reset's fresh registers got the
    # old instruction's completion: the guest hung in 1 of 10 resets.
    for i in range(3, 23):
        vm.qmp.cmd('stop')
        vm.qmp.event('STOP')
        time.sleep(0.05)
        vm.qmp.cmd('cont')
        vm.qmp.event('RESUME')
        time.sleep(0.1)
        vm.qmp.cmd('system_reset')
        vm.qmp.event('RESET')
        panicked(vm, 'run')
        vm.wait_serial(lambda t, i=i: t.count('boot\n') == i, 'boot %d' % i)
    vm.quit()


def case_smp(ctx):
    """-smp 2 and -smp 8 start (APs wait for SIPI) and the BSP runs."""
    for n in ('2', '8'):
        vm = ctx.start(['-smp', n, '-kernel', ctx.guest('tiny-long.elf'),
                        '-action', 'panic=pause'])
        panicked(vm, 'pause')
        vm.quit()


def kvm_kind():
    """'pvm' when /dev/kvm is kvm_pvm (a software hypervisor), else 'hw'
    (hardware KVM: VMX or SVM, directly or nested)."""
    return 'pvm' if os.path.isdir('/sys/module/kvm_pvm') else 'hw'


# What a triple fault becomes depends on who delivers the exception that
# starts it, so the expectation differs by kind of KVM (observed on both):
#
# - Hardware KVM: the CPU delivers every exception itself.  With an IDT of
#   zeros, #UD (ud2) or #BP (int3) finds no valid gate: #GP, then #DF, then
#   a triple fault.  KVM reports it as KVM_EXIT_SHUTDOWN (VMX's triple
#   fault exit, SVM's SHUTDOWN intercept), which Vigil turns into a guest
#   reset, as a PC does: RESET (or SHUTDOWN under -no-reboot) with
#   reason guest-reset.
# - kvm_pvm runs the guest kernel deprivileged.  A CPU exception (ud2)
#   traps to the host, whose event delivery walks the guest IDT, sees the
#   double fault fail and reports KVM_EXIT_SHUTDOWN: a reset, as above.
#   But int3 is an instruction kvm_pvm emulates, and its emulator does not
#   deliver through an IDT without a gate: KVM_RUN returns
#   KVM_EXIT_INTERNAL_ERROR with suberror 1 (KVM_INTERNAL_ERROR_EMULATION;
#   the host log says "INTERNAL_ERROR in batch emul" at the int3), and
#   Vigil stops the VM in internal-error, as QEMU does, never crashing.
#
# variant -> kind -> 'reset' or 'internal-error'
TRIPLE_FAULTS = {
    'triple': {'hw': 'reset', 'pvm': 'reset'},
    'int3': {'hw': 'reset', 'pvm': 'internal-error'},
}


def case_internal_error(ctx, elf):
    """The guest's last instruction made KVM_RUN fail with an emulation
    failure: the internal-error state (with the reason logged), no reset,
    no crash; quit still works."""
    vm = ctx.start(['-kernel', elf, '-action', 'panic=none',
                    '-d', 'guest_errors'])
    panicked(vm, 'run')
    vm.qmp.event('STOP')
    st = vm.qmp.cmd('query-status')
    expect(st['status'] == 'internal-error' and not st['running'],
           'query-status %r' % st)
    expect('KVM internal error, suberror (0x1)' in vm.log(),
           'no emulation-failure log: %r' % vm.log())
    expect(not [e for e in vm.qmp.events if e['event'] == 'RESET'],
           'RESET after an internal error: %r' % vm.qmp.events)
    recs = vm.qmp.cmd('__org.vigil-vmm_query-panics')['records']
    expect([r['event'] for r in recs][-1:] == ['internal-error'] and
           recs[-1]['vcpu'], 'records %r' % [r['event'] for r in recs])
    vm.quit()


def case_reboot(ctx):
    """Guest resets: 0xcf9, i8042 0xfe, triple faults; -no-reboot."""
    for variant in ('cf9', 'kbd', 'triple', 'int3'):
        elf = ctx.guest('tiny-long-%s.elf' % variant)
        want = TRIPLE_FAULTS.get(variant, {}).get(kvm_kind(), 'reset')
        if want == 'internal-error':
            case_internal_error(ctx, elf)
            continue
        vm = ctx.start(['-kernel', elf, '-action', 'panic=none'])
        panicked(vm, 'run')
        ev = vm.qmp.event('RESET')
        expect(ev['data'] == {'guest': True, 'reason': 'guest-reset'},
               '%s: RESET %r' % (variant, ev))
        panicked(vm, 'run')     # the kernel was loaded again and ran
        # A triple fault is recorded (Vigil's panic record), with the
        # vCPU's registers at the fault; the resets of cf9/kbd are not.
        recs = vm.qmp.cmd('__org.vigil-vmm_query-panics')['records']
        events = [r['event'] for r in recs]
        if variant in ('triple', 'int3'):
            tf = [r for r in recs if r['event'] == 'triple-fault']
            expect(tf and tf[0]['vcpu'] and tf[0]['source'] is None,
                   '%s: records %r' % (variant, events))
        else:
            expect('triple-fault' not in events,
                   '%s: records %r' % (variant, events))
        vm.quit()
        vm = ctx.start(['-kernel', elf, '-action', 'panic=none',
                        '-no-reboot'])
        ev = vm.qmp.event('SHUTDOWN')
        expect(ev['data'] == {'guest': True, 'reason': 'guest-reset'},
               '%s -no-reboot: SHUTDOWN %r' % (variant, ev))
        expect(vm.wait_exit() == 0, 'exit status under -no-reboot')


def read_core(path):
    """(program headers, notes) of an ELF64 core, checking its header."""
    with open(path, 'rb') as f:
        data = f.read()
    expect(data[:7] == b'\x7fELF\x02\x01\x01', 'ELF ident %r' % data[:7])
    e_type, e_machine, _, _, e_phoff = struct.unpack_from('<HHIQQ', data, 16)
    e_phentsize, e_phnum = struct.unpack_from('<HH', data, 54)
    expect((e_type, e_machine, e_phentsize) == (4, 62, 56),
           'ELF type/machine/phentsize %r' % ((e_type, e_machine,
                                              e_phentsize),))
    phdrs = [struct.unpack_from('<IIQQQQQQ', data, e_phoff + i * 56)
             for i in range(e_phnum)]
    expect(phdrs and phdrs[0][0] == 4, 'first program header is not PT_NOTE')
    notes, off, end = [], phdrs[0][2], phdrs[0][2] + phdrs[0][5]
    while off < end:
        namesz, descsz, ntype = struct.unpack_from('<III', data, off)
        off += 12
        name = data[off:off + namesz].rstrip(b'\0').decode()
        off += (namesz + 3) & ~3
        notes.append((name, ntype, data[off:off + descsz]))
        off += (descsz + 3) & ~3
    return data, phdrs, notes


def guest_text(elf_path):
    """(guest-physical address, bytes) of the guest's executable segment."""
    with open(elf_path, 'rb') as f:
        data = f.read()
    e_phoff, = struct.unpack_from('<Q', data, 32)
    e_phnum, = struct.unpack_from('<H', data, 56)
    for i in range(e_phnum):
        (p_type, p_flags, p_offset, _, p_paddr,
         p_filesz, _, _) = struct.unpack_from('<IIQQQQQQ', data, e_phoff + i * 56)
        if p_type == 1 and p_flags & 1:
            return p_paddr, data[p_offset:p_offset + p_filesz]
    raise Fail('no executable PT_LOAD in %s' % elf_path)


def case_dump(ctx):
    """dump-guest-memory of a panicked 2-vCPU guest: an ELF core whose
    notes hold each vCPU's registers and whose memory holds the guest."""
    elf = ctx.guest('tiny-long.elf')
    vm = ctx.start(['-smp', '2', '-kernel', elf, '-action', 'panic=pause'])
    panicked(vm, 'pause')
    vm.qmp.event('STOP')
    core = os.path.join(vm.dir, 'core')
    vm.qmp.cmd('dump-guest-memory', paging=False, protocol='file:' + core)
    ev = vm.qmp.event('DUMP_COMPLETED')
    size = 64 << 20
    expect(ev['data'] == {'result': {'status': 'completed', 'total': size,
                                     'completed': size}},
           'DUMP_COMPLETED %r' % ev)
    expect(os.stat(core).st_mode & 0o777 == 0o400, 'core file mode')
    data, phdrs, notes = read_core(core)
    loads = [p for p in phdrs if p[0] == 1]
    expect([(p[4], p[3], p[5], p[6]) for p in loads] == [(0, 0, size, size)],
           'PT_LOAD %r' % loads)
    base = loads[0][2]
    gpa, text = guest_text(elf)
    expect(data[base + gpa:base + gpa + len(text)] == text,
           'guest code not found at GPA %#x in the core' % gpa)
    prs = [n for n in notes if n[:2] == ('CORE', 1)]
    qemu = [n for n in notes if n[:2] == ('QEMU', 0)]
    expect(len(prs) == 2 and len(qemu) == 2, 'notes %r' %
           [(n[0], n[1], len(n[2])) for n in notes])
    for i, (_, _, desc) in enumerate(prs):
        expect(len(desc) == 336, 'NT_PRSTATUS size %d' % len(desc))
        expect(struct.unpack_from('<I', desc, 32)[0] == i + 1, 'pr_pid')
    regs = struct.unpack_from('<27Q', prs[0][2], 112)
    rip, cs = regs[16], regs[17]
    expect(gpa <= rip < gpa + len(text), 'BSP rip %#x outside the guest '
           'code [%#x, %#x)' % (rip, gpa, gpa + len(text)))
    version, qsize = struct.unpack_from('<II', qemu[0][2], 0)
    expect((version, qsize, len(qemu[0][2])) == (1, 440, 440),
           'QEMU note header %r' % ((version, qsize, len(qemu[0][2])),))
    q_rip, = struct.unpack_from('<Q', qemu[0][2], 8 + 16 * 8)
    cs_sel, _, cs_flags = struct.unpack_from('<III', qemu[0][2], 8 + 18 * 8)
    cr0, _, _, cr3, cr4 = struct.unpack_from('<5Q', qemu[0][2],
                                             8 + 18 * 8 + 10 * 24)
    expect(q_rip == rip and cs_sel == cs, 'the two notes disagree')
    expect(cs_flags & (1 << 21), 'BSP CS is not a 64-bit segment')
    expect(cr0 & 0x80000001 == 0x80000001 and cr4 & 0x20 and cr3,
           'BSP not in long mode: cr0 %#x cr3 %#x cr4 %#x' % (cr0, cr3, cr4))
    # The AP never got a SIPI: still at its reset vector, real mode.
    ap_cs, = struct.unpack_from('<I', qemu[1][2], 8 + 18 * 8)
    ap_cr0, = struct.unpack_from('<Q', qemu[1][2], 8 + 18 * 8 + 10 * 24)
    expect(ap_cs == 0xf000 and not ap_cr0 & 1,
           'AP: cs %#x cr0 %#x' % (ap_cs, ap_cr0))
    # gdb reads the core as QEMU's: one thread per vCPU, registers from
    # NT_PRSTATUS, memory from the PT_LOADs.
    gdb = subprocess.run(['gdb', '-nx', '-batch', '-c', core,
                          '-ex', 'info threads', '-ex', 'x/1xb $pc'],
                         capture_output=True, text=True, timeout=60)
    expect(len(re.findall(r'^\*? +\d+ +(?:process|LWP) ', gdb.stdout,
                          re.M)) == 2,
           'gdb threads: %r' % gdb.stdout)
    pc_byte = re.search(r'^0x%x[^:]*:\s+0x([0-9a-f]{2})' % rip, gdb.stdout,
                        re.M)
    expect(pc_byte and int(pc_byte.group(1), 16) == text[rip - gpa],
           'gdb x/1xb $pc: %r' % gdb.stdout)
    st = vm.qmp.cmd('query-status')
    expect(st['status'] == 'guest-panicked', 'after the dump: %r' % st)
    # A filter gives just that range; a running VM is stopped around it.
    vm.qmp.cmd('cont')
    vm.qmp.event('RESUME')
    part = os.path.join(vm.dir, 'part')
    vm.qmp.cmd('dump-guest-memory', paging=False, protocol='file:' + part,
               begin=gpa, length=len(text))
    for name in ('STOP', 'DUMP_COMPLETED', 'RESUME'):  # in this order
        vm.qmp.event(name)
    data, phdrs, _ = read_core(part)
    loads = [p for p in phdrs if p[0] == 1]
    expect([(p[4], p[5]) for p in loads] == [(gpa, len(text))],
           'filtered PT_LOAD %r' % loads)
    expect(data[loads[0][2]:loads[0][2] + len(text)] == text,
           'filtered core content')
    st = vm.qmp.cmd('query-status')
    expect(st['status'] == 'running', 'after a dump of a running VM: %r'
           % st)
    vm.quit()


def cpuid_lines(text):
    """{leaf: (eax, ebx, ecx, edx)} from the cpuid guest's serial text."""
    out = {}
    for m in re.finditer(r'^C([0-9a-f]{8})((?: [0-9a-f]{8}){4})$', text,
                         re.M):
        out[int(m.group(1), 16)] = tuple(int(x, 16)
                                         for x in m.group(2).split())
    return out


def guest_cpuid(ctx, model, smp, extra=()):
    vm = ctx.start(['-cpu', model, '-smp', str(smp)] + list(extra) + [
                    '-kernel', ctx.guest('tiny-long-cpuid.elf'),
                    '-action', 'panic=pause'])
    panicked(vm, 'pause')
    leaves = cpuid_lines(vm.serial_text())
    expect(len(leaves) == 8, 'cpuid lines: %r' % vm.serial_text()[:600])
    return vm, leaves


def bits(*positions):
    return sum(1 << p for p in positions)


# qemu64 (hw/i386/cpu-models.c) plus what every KVM guest of a fixed model
# gets: the features it may show, per (leaf, register index).
QEMU64_MAY = {
    (1, 3): bits(0, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 19,
                 23, 24, 25, 26, 28),           # PPro set + mtrr .. htt
    (1, 2): bits(0, 13, 21, 31),                # pni cx16 x2apic hypervisor
    (0x80000001, 3): bits(11, 20, 29),          # syscall nx lm (Intel host)
    (0x80000001, 2): bits(0),                   # lahf_lm, never svm
    (7, 1): 0, (7, 2): 0, (7, 3): 0,
}


REC_EVENT = '__org.vigil-vmm_PANIC_RECORD'
REC_QUERY = '__org.vigil-vmm_query-panics'
TINY_REGS = {'rbx': 0x1111111111111111, 'rcx': 0x2222222222222222,
             'rsi': 0x3333333333333333, 'rdi': 0x4444444444444444,
             'rbp': 0x5555555555555555, 'r8': 0x8888888888888888,
             'r9': 0x9999999999999999, 'r10': 0xaaaaaaaaaaaaaaaa,
             'r11': 0xbbbbbbbbbbbbbbbb, 'r12': 0xcccccccccccccccc,
             'r13': 0xdddddddddddddddd, 'r14': 0xeeeeeeeeeeeeeeee,
             'r15': 0xffffffff00000001, 'rdx': 0x505}


def case_panic_record(ctx):
    """The panic record: the registers the guest loaded before its pvpanic
    write, the device it wrote, the console tail; numbered records kept
    over resets in a bounded history, as files and over QMP/HMP."""
    d = tempfile.mkdtemp(prefix='vigil-rec-')
    vm = ctx.start(['-kernel', ctx.guest('tiny-long-regs.elf'),
                    '-action', 'panic=pause',
                    '-panic-record', 'path=%s,history=2' % d])
    panicked(vm, 'pause')
    rec = vm.qmp.event(REC_EVENT)['data']
    vm.qmp.event('STOP')
    regs = rec['vcpu']['regs']
    for name, want in TINY_REGS.items():
        expect(regs[name] == want, '%s = %#x, want %#x' % (name, regs[name],
                                                           want))
    expect(regs['rax'] & 0xff == 1, 'al = %#x' % regs['rax'])
    expect(0x100000 <= regs['rip'] < 0x200000, 'rip %#x' % regs['rip'])
    expect(regs['cr0'] & 0x80000001 == 0x80000001, 'cr0 %#x' % regs['cr0'])
    expect(rec['vcpu']['index'] == 0, 'vcpu %r' % rec['vcpu'])
    src = rec['source']
    expect((src['kind'], src['address'], src['owner'], src['value']) ==
           ('io', 0x505, 'pvpanic', 1), 'source %r' % src)
    expect(rec['consoles'][0]['tail'] == vm.serial_text() == 'boot\n',
           'consoles %r' % rec['consoles'])
    expect((rec['seq'], rec['count'], rec['event'], rec['action']) ==
           (1, 1, 'GUEST_PANICKED', 'pause'), 'record %r' % rec)
    expect(rec['kernel-message'] is None and rec['kernel-log'] is None,
           'message %r' % rec)   # no -device vmcoreinfo: no kernel log
    q = vm.qmp.cmd(REC_QUERY)
    expect(q == {'count': 1, 'records': [rec]}, 'query %r' % q)
    with open(os.path.join(d, 'panic-000001.json')) as f:
        expect(json.load(f) == rec, 'file differs from the event')

    # Two more boots: seq and count go on; history=2 keeps the last two.
    for seq in (2, 3):
        vm.qmp.cmd('system_reset')
        vm.qmp.event('RESET')
        vm.qmp.cmd('cont')
        panicked(vm, 'pause')
        rec = vm.qmp.event(REC_EVENT)['data']
        expect((rec['seq'], rec['count']) == (seq, seq), 'seq %r' % rec)
        expect(rec['consoles'][0]['tail'] == 'boot\n' * seq,
               'tail %r' % rec['consoles'])
    q = vm.qmp.cmd(REC_QUERY)
    expect(q['count'] == 3 and [r['seq'] for r in q['records']] == [2, 3],
           'history %r' % q)
    hmp = vm.qmp.cmd('human-monitor-command', **{'command-line':
                                                 'info panics'})
    expect('panic 3 (count 3): GUEST_PANICKED, action pause' in hmp and
           'rbx    1111111111111111' in hmp, 'info panics %r' % hmp)
    vm.quit()
    names = sorted(n for n in os.listdir(d))
    expect(names == ['panic-%06d.json' % i for i in (1, 2, 3)],
           'files %r' % names)

    # Without -panic-record: the record exists, no event is added.
    vm = ctx.start(['-kernel', ctx.guest('tiny-long-regs.elf'),
                    '-action', 'panic=pause'])
    panicked(vm, 'pause')
    # Events raised before a reply arrive before it: after this round
    # trip the stash holds everything that followed GUEST_PANICKED.
    q = vm.qmp.cmd(REC_QUERY)
    expect([e['event'] for e in vm.qmp.events] == ['STOP'],
           'events after GUEST_PANICKED: %r' % vm.qmp.events)
    expect(q['count'] == 1 and q['records'][0]['vcpu']['regs']['rbx'] ==
           TINY_REGS['rbx'], 'query %r' % q)
    vm.quit()


def elf_core(path):
    """(RAM bytes in PT_LOAD segments, note names) of an ELF core."""
    with open(path, 'rb') as f:
        data = f.read()
    expect(data[:4] == b'\x7fELF' and struct.unpack_from('<H', data, 16)[0]
           == 4, '%s is not an ELF core' % path)
    phoff, = struct.unpack_from('<Q', data, 32)
    phentsize, phnum = struct.unpack_from('<HH', data, 54)
    load, names = 0, []
    for i in range(phnum):
        ptype, _, off, _, _, filesz = struct.unpack_from(
            '<IIQQQQ', data, phoff + i * phentsize)
        if ptype == 1:
            load += filesz
            expect(off + filesz <= len(data), 'PT_LOAD past the end')
        elif ptype == 4:
            pos = off
            while pos < off + filesz:
                namesz, descsz, _ = struct.unpack_from('<III', data, pos)
                names.append(data[pos + 12:pos + 12 + namesz].rstrip(b'\0'))
                pos += 12 + (namesz + 3) // 4 * 4 + (descsz + 3) // 4 * 4
    return load, names


def case_panic_dump(ctx):
    """-panic-dump: Vigil writes an ELF core of the whole guest at each
    panic before the panic action goes on, names it in the record, keeps
    the newest `max`; an unwritable directory is reported and the panic
    action still happens; with panic=shutdown the core is complete before
    the process exits."""
    d = tempfile.mkdtemp(prefix='vigil-dump-')
    vm = ctx.start(['-kernel', ctx.guest('tiny-long.elf'),
                    '-action', 'panic=pause',
                    '-panic-dump', 'path=%s,max=2' % d,
                    '-panic-record', 'path=%s' % d])
    for seq in (1, 2, 3):
        if seq > 1:
            vm.qmp.cmd('system_reset')
            vm.qmp.event('RESET')
            vm.qmp.cmd('cont')
        panicked(vm, 'pause')
        vm.qmp.event('STOP')
        rec = vm.qmp.cmd('__org.vigil-vmm_query-panics')['records'][-1]
        dump = rec['dump']
        core = os.path.join(d, 'panic-%06d.core' % seq)
        expect(dump['status'] == 'completed' and dump['path'] == core and
               dump['vmcoreinfo'] is False, 'dump %r' % dump)
        load, names = elf_core(core)
        expect(load == 64 << 20, 'PT_LOAD covers %d bytes, not 64 MiB' % load)
        expect(names.count(b'CORE') == 1 and b'QEMU' in names,
               'notes %r' % names)
        expect(os.path.getsize(core) == dump['bytes'], 'size')
    vm.quit()
    files = sorted(os.listdir(d))
    expect([f for f in files if f.endswith('.core')] ==
           ['panic-000002.core', 'panic-000003.core'], 'kept %r' % files)
    with open(os.path.join(d, 'panic-000003.json')) as f:
        expect(json.load(f)['dump']['status'] == 'completed',
               'the record file has the dump result')

    # Unwritable: said in the record and on stderr; still guest-panicked.
    vm = ctx.start(['-kernel', ctx.guest('tiny-long.elf'),
                    '-action', 'panic=pause',
                    '-panic-dump', 'path=/proc/no-such-dir'])
    panicked(vm, 'pause')
    vm.qmp.event('STOP')
    dump = vm.qmp.cmd('__org.vigil-vmm_query-panics')['records'][0]['dump']
    expect(dump['status'] == 'failed' and 'cannot create' in dump['error'],
           'dump %r' % dump)
    expect(vm.qmp.cmd('query-status')['status'] == 'guest-panicked', 'state')
    expect('panic dump 1: cannot create' in vm.log(), 'log %r' % vm.log())
    vm.quit()

    # panic=shutdown: the process ends only after the core is written.
    d2 = tempfile.mkdtemp(prefix='vigil-dump-')
    vm = ctx.start(['-kernel', ctx.guest('tiny-long.elf'),
                    '-panic-dump', 'path=%s' % d2])
    panicked(vm, 'poweroff')
    expect(vm.wait_exit() == 0, 'exit status')
    load, _ = elf_core(os.path.join(d2, 'panic-000001.core'))
    expect(load == 64 << 20, 'core before exit: %d bytes' % load)


def ev_time(ev):
    return ev['timestamp']['seconds'] + ev['timestamp']['microseconds'] / 1e6


def case_panic_restart(ctx):
    """-panic-restart: the guest is held paused, then reset and resumed
    after 100, 200, 400 ms (doubling, capped); the panic past the limit is
    the last.  Timings: never earlier than the delay (the upper bound is
    only a generous sanity check); each decision is in the record and an
    event.  then=exit-failure ends the process with status 1."""
    vm = ctx.start(['-kernel', ctx.guest('tiny-long.elf'), '-panic-restart',
                    'delay=100ms,max-delay=400ms,limit=3,window=10m'])
    delays = []
    for n in range(1, 5):
        p = vm.qmp.event('GUEST_PANICKED')
        expect(p['data'] == {'action': 'pause'}, 'panic %d %r' % (n, p))
        # The decision goes out with the record, before STOP.
        r = vm.qmp.event('__org.vigil-vmm_PANIC_RESTART')['data']
        vm.qmp.event('STOP')
        expect(r['seq'] == n and r['panics-in-window'] == n and
               r['limit'] == 3, 'restart %d %r' % (n, r))
        if n == 4:
            expect(r['decision'] == 'give-up-pause', 'decision %r' % r)
            break
        want = min(100 << (n - 1), 400)
        expect(r['decision'] == 'restart' and r['delay-ms'] == want,
               'decision %r' % r)
        reset = vm.qmp.event('RESET')
        expect(reset['data'] == {'guest': True, 'reason': 'guest-panic'},
               'RESET %r' % reset)
        resume = vm.qmp.event('RESUME')
        delays.append((want, ev_time(resume) - ev_time(p)))
    for want, got in delays:
        expect(want / 1000 <= got < want / 1000 + 2,
               'restart after %.3f s, delay %d ms' % (got, want))
    time.sleep(0.6)   # no restart comes after the last panic
    expect(vm.qmp.cmd('query-status')['status'] == 'guest-panicked',
           'not held after the limit')
    recs = vm.qmp.cmd('__org.vigil-vmm_query-panics')['records']
    expect([r['restart']['decision'] for r in recs] ==
           ['restart'] * 3 + ['give-up-pause'], 'records %r' % recs)
    vm.quit()

    vm = ctx.start(['-kernel', ctx.guest('tiny-long.elf'), '-panic-restart',
                    'delay=50ms,limit=1,then=exit-failure'])
    vm.qmp.event('RESUME')
    vm.qmp.event('RESUME')          # restarted once
    r = vm.qmp.event('__org.vigil-vmm_PANIC_RESTART')
    expect(r['data']['decision'] == 'give-up-exit', 'decision %r' % r)
    ev = vm.qmp.event('SHUTDOWN')
    expect(ev['data'] == {'guest': True, 'reason': 'guest-panic'},
           'SHUTDOWN %r' % ev)
    expect(vm.wait_exit() == 1, 'exit status %r' % vm.proc.returncode)

    # It holds the guest paused: another panic action is refused.
    r = subprocess.run([ctx.vigil, '-panic-restart', 'delay=1s', '-action',
                        'panic=shutdown', '-M', 'none', '-display', 'none'],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=10)
    expect(r.returncode == 1 and 'cannot be combined with an -action '
           'panic= other than pause' in r.stderr, 'conflict %r' % (r,))


def case_rtc_ticks(ctx):
    """The RTC's periodic interrupt reaches a KVM guest through the
    in-kernel PICs: a real-mode guest programs 64 Hz and counts its IRQ8
    handler's runs over 100 PIT periods of 10 ms, on both machine
    versions and with each -rtc clock."""
    for machine, clock in (('pc', 'host'), ('pc-i440fx-9.1', 'host'),
                           ('pc', 'rt'), ('pc', 'vm')):
        vm = ctx.start(['-M', machine, '-rtc', 'clock=' + clock,
                        '-bios', ctx.guest('tiny-real-rtc.bin'),
                        '-action', 'panic=pause'])
        panicked(vm, 'pause')
        m = re.search(r'^R([0-9a-f]{4})$', vm.serial_text(), re.M)
        expect(m, 'no count on %s: %r' % (machine, vm.serial_text()[:200]))
        n = int(m.group(1), 16)
        # The two clocks are the host's: a few ticks either way.
        expect(56 <= n <= 72, '%d RTC ticks in 1 s at 64 Hz (%s, %s)'
               % (n, machine, clock))
        vm.quit()


HV_CRASH_ARGS = [0x1e, 0xffffffffc0000005, 0xfffff80012345678, 3, 4]


def case_hv_crash(ctx):
    """-cpu host,hv-crash: the Hyper-V leaves announce the crash MSRs,
    KVM's signature moves to 0x40000100, and the guest's CTL write gives
    GUEST_PANICKED with QEMU's hyper-v info (uint64 parameters printed in
    full); the parameters are also logged.  Without hv-crash, 0x40000000
    is KVM's as before."""
    vm = ctx.start(['-cpu', 'host,hv-crash', '-d', 'guest_errors',
                    '-kernel', ctx.guest('tiny-long-hvcrash.elf'),
                    '-action', 'panic=pause'])
    ev = vm.qmp.event('GUEST_PANICKED')
    want = {'action': 'pause',
            'info': dict([('type', 'hyper-v')] +
                         [('arg%d' % (i + 1), v)
                          for i, v in enumerate(HV_CRASH_ARGS)])}
    expect(ev['data'] == want, 'GUEST_PANICKED %r' % ev)
    vm.qmp.event('STOP')
    expect(vm.qmp.cmd('query-status')['status'] == 'guest-panicked',
           'not guest-panicked')
    leaves = cpuid_lines(vm.serial_text())
    sig = struct.pack('<3I', *leaves[0x40000000][1:4])
    expect(sig == b'Microsoft Hv', 'Hyper-V vendor %r' % sig)
    expect(leaves[0x40000000][0] >= 0x40000005, 'max Hyper-V leaf')
    expect(leaves[0x40000001][0] == 0x31237648, 'interface not Hv#1')
    expect(leaves[0x40000003][3] & bits(10), 'no GUEST_CRASH_MSR_AVAILABLE')
    kvm = struct.pack('<3I', *leaves[0x40000100][1:4])
    expect(kvm == b'KVMKVMKVM\0\0\0', 'KVM signature at 0x40000100: %r' % kvm)
    expect('M80000000\n' in vm.serial_text(), 'CTL did not read NOTIFY: %r'
           % vm.serial_text()[:400])
    expect('HV crash parameters: (0x1e 0xffffffffc0000005 '
           '0xfffff80012345678 0x3 0x4)' in vm.log(),
           'log: %r' % vm.log()[-400:])
    # system_reset clears the parameters (the guest writes them again).
    vm.qmp.cmd('system_reset')
    vm.qmp.event('RESET')
    vm.qmp.cmd('cont')
    ev = vm.qmp.event('GUEST_PANICKED')
    expect(ev['data'] == want, 'second GUEST_PANICKED %r' % ev)
    vm.quit()

    # Without the property the leaves stay KVM's.
    vm = ctx.start(['-cpu', 'host', '-kernel',
                    ctx.guest('tiny-long-hvcrash.elf'), '-action',
                    'panic=pause'])
    vm.wait_serial(lambda t: 'C40000100' in t, 'cpuid lines')
    leaves = cpuid_lines(vm.serial_text())
    sig = struct.pack('<3I', *leaves[0x40000000][1:4])
    expect(sig == b'KVMKVMKVM\0\0\0', 'leaf 0x40000000 %r' % sig)
    vm.kill()


def case_cpu_model(ctx):
    """-cpu qemu64 gives the guest qemu64's CPUID (masked by KVM), -cpu
    host gives it KVM's; query-cpus-fast reports the real vCPU threads."""
    vm, q = guest_cpuid(ctx, 'qemu64', 2)
    expect(q[0][0] == 0xd, 'qemu64 level 0x%x' % q[0][0])
    expect(q[0x80000000][0] == 0x8000000a,
           'qemu64 xlevel 0x%x' % q[0x80000000][0])
    expect(q[1][0] == 0x00060fb1, 'qemu64 signature 0x%x' % q[1][0])
    # kvm_pvm answers the feature words with the host's bits whatever
    # KVM_SET_CPUID2 said (QEMU 7.2's qemu64 reads back the same there);
    # levels, signature and brand string do follow the model.
    amd = q[0][1] == 0x68747541    # "Auth": leaf 1 EDX bits repeated
    for (leaf, reg), may in QEMU64_MAY.items():
        if amd and (leaf, reg) == (0x80000001, 3):
            may |= QEMU64_MAY[(1, 3)] & 0x0183f3ff
        extra = q[leaf][reg] & ~may
        expect(extra == 0 or kvm_kind() == 'pvm',
               'qemu64 leaf 0x%x reg %d has extra bits 0x%x'
               % (leaf, reg, extra))
    expect(q[0x80000001][3] & bits(29), 'qemu64 without lm')
    brand = b''.join(struct.pack('<4I', *q[leaf])
                     for leaf in (0x80000002, 0x80000003, 0x80000004))
    expect(brand.rstrip(b'\0') == b'QEMU Virtual CPU version 2.5+',
           'brand %r' % brand)
    # Each vCPU is a thread of Vigil's, not the main thread.
    cpus = vm.qmp.cmd('query-cpus-fast')
    tasks = {int(t) for t in os.listdir('/proc/%d/task' % vm.proc.pid)}
    tids = [c['thread-id'] for c in cpus]
    expect([c['cpu-index'] for c in cpus] == [0, 1], 'cpus %r' % cpus)
    expect(len(set(tids)) == 2 and set(tids) <= tasks and
           vm.proc.pid not in tids, 'thread ids %r, tasks %r' % (tids, tasks))
    expect(cpus[0]['qom-path'] == '/machine/unattached/device[0]',
           'qom-path %r' % cpus[0])
    # Without debug-threads the vCPU threads keep the process's name.
    for tid in tids:
        expect(thread_name(vm, tid) != 'CPU %d/KVM' % tids.index(tid),
               'thread %d named without debug-threads' % tid)
    vm.quit()

    # libvirt's -smp form: the layout is the guest's and query-cpus-fast's.
    vm, t = guest_cpuid(ctx, 'host', '4,sockets=2,cores=2')
    expect((t[1][1] >> 16) & 0xff == 2,
           'logical CPUs per package %d' % ((t[1][1] >> 16) & 0xff))
    props = [c['props'] for c in vm.qmp.cmd('query-cpus-fast')]
    expect([(p['socket-id'], p['core-id']) for p in props] ==
           [(0, 0), (0, 1), (1, 0), (1, 1)], 'props %r' % props)
    vm.quit()

    vm, h = guest_cpuid(ctx, 'host', 1,
                        ['-name', 'guest=tiny,debug-threads=on'])
    host_only = h[1][2] & ~QEMU64_MAY[(1, 2)] | h[7][1]
    expect(host_only, 'host shows no more than qemu64: %r' % (h,))
    expect(h[1][0] != 0x00060fb1, 'host has the qemu64 signature')
    tid = vm.qmp.cmd('query-cpus-fast')[0]['thread-id']
    expect(thread_name(vm, tid) == 'CPU 0/KVM',
           'vCPU thread name %r' % thread_name(vm, tid))
    vm.quit()


def thread_name(vm, tid):
    with open('/proc/%d/task/%d/comm' % (vm.proc.pid, tid)) as f:
        return f.read().strip()


CASES = {
    'real-panic': case_real_panic,
    'long-panic': case_long_panic,
    'actions': case_actions,
    'stop-cont-reset': case_stop_cont_reset,
    'smp': case_smp,
    'reboot': case_reboot,
    'dump': case_dump,
    'cpu-model': case_cpu_model,
    'hv-crash': case_hv_crash,
    'panic-record': case_panic_record,
    'panic-restart': case_panic_restart,
    'panic-dump': case_panic_dump,
    'rtc-ticks': case_rtc_ticks,
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--vigil', required=True)
    ap.add_argument('--guest-dir', required=True)
    ap.add_argument('case', choices=sorted(CASES))
    a = ap.parse_args()
    if not vt.kvm_usable():
        print('SKIP-REASON: dev-kvm-unusable: /dev/kvm is not usable')
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
