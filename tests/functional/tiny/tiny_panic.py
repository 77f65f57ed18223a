"""The tiny-guest cases about what Vigil keeps after a panic: guest
memory dumps (dump-guest-memory, -panic-dump), the panic record and the
restart brake.  Run through tiny-test.py."""
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True   # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tiny_lib import Fail, expect, panicked  # noqa: E402

REC_EVENT = '__org.vigil-vmm_PANIC_RECORD'
REC_QUERY = '__org.vigil-vmm_query-panics'
TINY_REGS = {'rbx': 0x1111111111111111, 'rcx': 0x2222222222222222,
             'rsi': 0x3333333333333333, 'rdi': 0x4444444444444444,
             'rbp': 0x5555555555555555, 'r8': 0x8888888888888888,
             'r9': 0x9999999999999999, 'r10': 0xaaaaaaaaaaaaaaaa,
             'r11': 0xbbbbbbbbbbbbbbbb, 'r12': 0xcccccccccccccccc,
             'r13': 0xdddddddddddddddd, 'r14': 0xeeeeeeeeeeeeeeee,
             'r15': 0xffffffff00000001, 'rdx': 0x505}



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


def panic_once_more(vm, reset):
    """Wait for the guest's next panic (panic=pause), after a reset and
    cont when @reset (the guest panics once per boot)."""
    if reset:
        vm.qmp.cmd('system_reset')
        vm.qmp.event('RESET')
        vm.qmp.cmd('cont')
    panicked(vm, 'pause')
    vm.qmp.event('STOP')


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
        panic_once_more(vm, seq > 1)
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

    # The kdump formats: the same rotation, the file named by the format
    # (.kdump plain, .flat flattened), and much smaller than the guest.
    for fmt, ext, magic, flag in (('kdump-raw-lzo', 'kdump', b'KDUMP   ', 2),
                                  ('kdump-zlib', 'flat', b'makedumpfile',
                                   None)):
        dk = tempfile.mkdtemp(prefix='vigil-dump-')
        vm = ctx.start(['-kernel', ctx.guest('tiny-long.elf'),
                        '-action', 'panic=pause',
                        '-panic-dump', 'path=%s,format=%s,max=1' % (dk, fmt)])
        for seq in (1, 2):
            panic_once_more(vm, seq > 1)
            dump = vm.qmp.cmd('__org.vigil-vmm_query-panics')['records'][-1][
                'dump']
            path = os.path.join(dk, 'panic-%06d.%s' % (seq, ext))
            expect(dump['status'] == 'completed' and dump['path'] == path and
                   dump['format'] == fmt, 'dump %r' % dump)
            with open(path, 'rb') as f:
                head = f.read(4096)
            expect(head.startswith(magic) and os.path.getsize(path) ==
                   dump['bytes'] < 8 << 20, '%s: %r, %d bytes' % (
                       fmt, head[:16], os.path.getsize(path)))
            if flag:
                expect(struct.unpack_from('<I', head, 424)[0] == flag,
                       'status %r' % head[424:428])
        vm.quit()
        expect(sorted(os.listdir(dk)) == ['panic-000002.' + ext],
               'kept %r' % os.listdir(dk))
    r = subprocess.run([ctx.vigil, '-panic-dump', 'path=/tmp,format=win-dmp',
                        '-M', 'none', '-display', 'none'],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=10)
    expect(r.returncode == 1 and '-panic-dump format=win-dmp: expects elf, '
           'kdump-zlib' in r.stderr, 'format=win-dmp %r' % (r,))

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
