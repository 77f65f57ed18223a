"""The nested group 'pci' (tests/functional/nested.py): the Debian kernel on
the PCI machine (pc = pc-i440fx-9.2).  It binds pvpanic-pci by PCI ID and
reports its panic; it sees the i440FX, the PIIX3 and pvpanic-pci with the
BAR it assigned itself, and the VMM's query-pci agrees; qemu_fw_cfg hands
over the kernel's VMCOREINFO (-device vmcoreinfo), and dump-guest-memory
then carries that note, in the ELF core and in the kdump-compressed
formats, from which Debian's makedumpfile reads back the kernel's log;
and the ISA-only pc-i440fx-9.1 still gives the same kernel no PCI bus and
the ISA pvpanic.

The guest reports what it sees with vigil.pci=1 (tests/guest/l2-init.sh:
"VL2 PCI bdf vendor:device class revision driver index:start:end:flags..."
from sysfs, "VL2 PVPANIC-PCI", "VL2 FW-CFG", "VL2 RELEASE")."""

import re

from nested_results import check_driver, ev, expect

# Linux's IORESOURCE_* flags in sysfs "resource".
IORESOURCE_IO = 0x100
IORESOURCE_MEM = 0x200
IORESOURCE_PREFETCH = 0x2000
IORESOURCE_MEM_64 = 0x100000

# The guest's RAM (-m 256, nested.py) ends at 256 MiB; the PCI hole runs
# from there to the IOAPIC at 0xfec00000.
PCI_HOLE = (256 << 20, 0xfec00000)
PVPANIC_BDF = '0000:00:02.0'

# bdf: (vendor:device, class) the Debian kernel must see on pc-i440fx-9.2.
BUS = {
    '0000:00:00.0': ('0x8086:0x1237', '0x060000'),  # i440FX host bridge
    '0000:00:01.0': ('0x8086:0x7000', '0x060100'),  # PIIX3 PCI-ISA bridge
    PVPANIC_BDF: ('0x1b36:0x0011', '0x088000'),     # pvpanic-pci
}


def guest_pci(r):
    """{bdf: dict(ids, cls, rev, driver, bars={index: (start, end, flags)})}
    from the guest's "VL2 PCI" lines."""
    out = {}
    for line in r.vl2('PCI'):
        w = line.split()
        if len(w) < 5:
            continue
        bars = {}
        for b in w[5:]:
            f = b.split(':')
            if len(f) == 4 and f[0].isdigit():
                bars[int(f[0])] = tuple(int(x, 16) for x in f[1:])
        out[w[0]] = dict(ids=w[1], cls=w[2], rev=w[3], driver=w[4],
                         bars=bars)
    return out


def check_pvpanic_pci_bound(p, r):
    """pvpanic-pci, and not the ACPI/ISA driver, owns the device."""
    expect(p, r.vl2('QEMU0001') == ['no'], 'QEMU0001 %s' % r.vl2('QEMU0001'))
    expect(p, r.vl2('BOUND') == ['no'], 'pvpanic-mmio bound: %s'
           % r.vl2('BOUND'))
    expect(p, r.vl2('PVPANIC-PCI') == [PVPANIC_BDF],
           'pvpanic-pci bound to %s, expected %s'
           % (r.vl2('PVPANIC-PCI'), PVPANIC_BDF))
    # The PCI sysfs attributes need a 2024 fix (stable backport): judge
    # them only when the kernel has them.
    expect(p, r.vl2('PCI-CAPABILITY') in ([], ['3']),
           'pvpanic-pci capability %s' % r.vl2('PCI-CAPABILITY'))


def check_pvpanic_pci(r):
    p = []
    check_pvpanic_pci_bound(p, r)
    expect(p, ev(r, 'GUEST_PANICKED') == [{'action': 'poweroff'}],
           'GUEST_PANICKED %s' % ev(r, 'GUEST_PANICKED'))
    expect(p, ev(r, 'SHUTDOWN') == [{'guest': True, 'reason': 'guest-panic'}],
           'SHUTDOWN %s' % ev(r, 'SHUTDOWN'))
    expect(p, r.exit == '0', 'VMM exit %s, expected 0' % r.exit)
    return p


def query_pci_functions(r):
    """{bdf: device} from the first query-pci reply."""
    for ret in r.returns:
        if isinstance(ret, list) and ret and 'devices' in ret[0]:
            return {'0000:%02x:%02x.%x' % (b['bus'], d['slot'],
                                           d['function']): d
                    for b in ret for d in b['devices']}
    return {}


# What Debian's "lspci -vv -nn" prints for each function (pciutils is in
# scripts/install-deps.sh; the kit copies it into the guest).
LSPCI_HEADS = [
    ('00:00.0 ', 'Host bridge [0600]', '[8086:1237]', '(rev 02)'),
    ('00:01.0 ', 'ISA bridge [0601]', '[8086:7000]'),
    ('00:02.0 ', '[0880]', '[1b36:0011]', '(rev 01)'),
]


def check_lspci(p, r):
    """lspci -vv inside the guest: both bridges and pvpanic-pci with the
    IDs, and pvpanic-pci's one 32-bit memory BAR and driver."""
    lines = r.vl2('LSPCI')
    expect(p, lines, 'no lspci output from the guest (pciutils missing?)')
    heads = [l for l in lines if l[:2] == '00']
    for want in LSPCI_HEADS:
        expect(p, any(l.startswith(want[0]) and all(w in l for w in want[1:])
                      for l in heads),
               'lspci has no %s line: %s' % (' '.join(want), heads))
    expect(p, len(heads) == 3, 'lspci lists %d functions: %s'
           % (len(heads), heads))
    block = []
    for l in lines:
        if l.startswith('00:02.0 '):
            block = [l]
        elif block and l[:2] != '00':
            block.append(l)
        elif block:
            break
    expect(p, any('Region 0: Memory at' in l and
                  '(32-bit, non-prefetchable)' in l for l in block),
           'lspci: no 32-bit memory BAR0 for pvpanic-pci: %s' % block)
    expect(p, any('Kernel driver in use: pvpanic-pci' in l for l in block),
           'lspci: pvpanic-pci driver not in use: %s' % block)


def check_bus(r):
    """The guest's view of the bus, and the VMM's (query-pci) of the BAR
    the guest programmed."""
    p = []
    check_pvpanic_pci_bound(p, r)
    expect(p, ev(r, 'GUEST_PANICKED') == [{'action': 'pause'}],
           'GUEST_PANICKED %s' % ev(r, 'GUEST_PANICKED'))
    seen = guest_pci(r)
    for bdf, (ids, cls) in BUS.items():
        d = seen.get(bdf)
        expect(p, d and (d['ids'], d['cls']) == (ids, cls),
               'guest sees %s as %s, expected %s class %s'
               % (bdf, d and (d['ids'], d['cls']), ids, cls))
    pv = seen.get(PVPANIC_BDF) or dict(rev=None, driver=None, bars={})
    expect(p, pv['rev'] == '0x01', 'pvpanic-pci revision %s' % pv['rev'])
    expect(p, pv['driver'] == 'pvpanic-pci', 'pvpanic-pci driver %s'
           % pv['driver'])
    # One BAR: BAR0, 32-bit non-prefetchable memory in the PCI hole.
    # Linux rounds a memory BAR up to 16 bytes (the low four bits of the
    # register are its type); query-pci below has the real size.
    bar = pv['bars'].get(0)
    expect(p, list(pv['bars']) == [0], 'pvpanic-pci resources %s'
           % pv['bars'])
    if bar:
        start, end, flags = bar
        expect(p, flags & IORESOURCE_MEM and not flags & (
            IORESOURCE_IO | IORESOURCE_PREFETCH | IORESOURCE_MEM_64),
            'BAR0 flags %#x: not 32-bit non-prefetchable memory' % flags)
        expect(p, PCI_HOLE[0] <= start and end < PCI_HOLE[1],
               'BAR0 %#x-%#x outside the PCI hole' % (start, end))
        expect(p, end - start + 1 == 16 and start % 16 == 0,
               'BAR0 %#x-%#x: the guest sees %d bytes, expected 16'
               % (start, end, end - start + 1))
    check_lspci(p, r)
    q = query_pci_functions(r)
    expect(p, q, 'no query-pci reply: %s' % r.errors[:1])
    for bdf, (ids, cls) in BUS.items():
        d = q.get(bdf, {})
        got = ('0x%04x:0x%04x' % (d['id']['vendor'], d['id']['device']),
               '0x%04x00' % d['class_info']['class']) if d else None
        expect(p, not q or got == (ids, cls), 'query-pci %s: %s, expected %s'
               % (bdf, got, (ids, cls)))
    regions = q.get(PVPANIC_BDF, {}).get('regions')
    want = [dict(bar=0, type='memory', size=2, prefetch=False,
                 mem_type_64=False, address=bar and bar[0])]
    expect(p, not q or regions == want,
           'query-pci pvpanic-pci regions %s, expected %s' % (regions, want))
    return p


# Where a running x86-64 kernel's code lives: its text (from _stext,
# relocated by KASLR) and the module area (pvpanic-pci is a module).
MODULES_AREA = (0xffffffffc0000000, 0xffffffffff000000)


def check_panic_record(r):
    """The record of a real Debian panic: the kernel's own panic line, the
    reporting vCPU's RIP in kernel or module text, the pvpanic-pci BAR as
    the source, and the automatic core with the guest's VMCOREINFO."""
    p = []
    recs = [ret for ret in r.returns
            if isinstance(ret, dict) and 'records' in ret]
    expect(p, recs and recs[0]['count'] == 1 and
           len(recs[0]['records']) == 1, 'query-panics %s' % recs[:1])
    if not recs or not recs[0]['records']:
        return p
    rec = recs[0]['records'][0]
    # Linux 6.1 reaches the panic notifiers (pvpanic) before it flushes
    # its "Kernel panic - not syncing" line to the console, and the
    # pause stops it there: the console tail ends with the line before
    # it.  The line is in the kernel's log buffer, which Vigil reads
    # through the guest's VMCOREINFO.
    msg = rec.get('kernel-message') or {}
    expect(p, (msg.get('panic') or '').startswith(
        'Kernel panic - not syncing: sysrq triggered crash'),
        'panic line %r' % msg.get('panic'))
    klog = rec.get('kernel-log') or ''
    expect(p, 'Linux version ' in klog or 'sysrq: Trigger a crash' in klog,
           'kernel-log %r' % klog[-300:])
    src = rec.get('source') or {}
    expect(p, src.get('kind') == 'memory' and src.get('owner') ==
           'pvpanic-pci' and src.get('value') == 1, 'source %s' % src)
    vi = r.vmcoreinfo
    rip = (rec.get('vcpu') or {}).get('regs', {}).get('rip', 0)
    stext = int(vi.get('SYMBOL(_stext)', '0'), 16)
    expect(p, stext <= rip < stext + (64 << 20) or
           MODULES_AREA[0] <= rip < MODULES_AREA[1],
           'RIP %#x is not kernel text (_stext %#x)' % (rip, stext))
    dump = rec.get('dump') or {}
    expect(p, dump.get('status') == 'completed' and dump.get('vmcoreinfo')
           and dump.get('path') == '/tmp/panic-000001.core', 'dump %s' % dump)
    release = r.vl2('RELEASE')[:1]
    expect(p, int(r.core.get('vmcoreinfo', '0')) > 0 and
           [vi.get('OSRELEASE')] == release,
           'the automatic core: VMCOREINFO %s, guest release %s'
           % (vi.get('OSRELEASE'), release))
    tail = ''.join(c.get('tail', '') for c in rec.get('consoles', []))
    expect(p, tail.rstrip().endswith('sysrq: Trigger a crash'),
           'console tail %r' % tail[-300:])
    return p


def check_vmcoreinfo(r):
    """The dump's VMCOREINFO note is the one the guest kernel wrote: its
    release is the one the guest's uname -r printed."""
    p = []
    check_driver(p, r, '3')
    expect(p, r.vl2('FW-CFG')[:1] and
           r.vl2('FW-CFG')[0].startswith('QEMU0002:00 '),
           'qemu_fw_cfg not bound to QEMU0002: %s' % r.vl2('FW-CFG'))
    expect(p, r.vl2('FW-CFG-VMCOREINFO') == ['yes'],
           'no etc/vmcoreinfo in the guest\'s fw_cfg directory')
    release = r.vl2('RELEASE')[:1]
    expect(p, release and re.match(r'\d+\.\d+\.', release[0]),
           'guest release %s' % release)
    done = [d.get('result', {}) for d in ev(r, 'DUMP_COMPLETED')]
    expect(p, len(done) == 1 and done[0].get('status') == 'completed',
           'DUMP_COMPLETED %s' % ev(r, 'DUMP_COMPLETED'))
    vi = r.vmcoreinfo
    expect(p, int(r.core.get('vmcoreinfo', '0')) > 0 and vi,
           'the dump has no VMCOREINFO note (core: %s)' % r.core)
    expect(p, [vi.get('OSRELEASE')] == release,
           'VMCOREINFO OSRELEASE=%s, the guest says %s'
           % (vi.get('OSRELEASE'), release))
    # KASLR moved the kernel by KERNELOFFSET from where it is linked:
    # _stext at 0xffffffff81000000 (x86-64's __START_KERNEL).
    off = vi.get('KERNELOFFSET', '')
    stext = vi.get('SYMBOL(_stext)', '')
    expect(p, re.fullmatch(r'[0-9a-f]+', off) and
           re.fullmatch(r'[0-9a-f]+', stext) and
           int(stext, 16) - int(off, 16) == 0xffffffff81000000,
           'VMCOREINFO KERNELOFFSET=%s SYMBOL(_stext)=%s' % (off, stext))
    expect(p, vi.get('PAGESIZE') == '4096',
           'VMCOREINFO PAGESIZE=%s' % vi.get('PAGESIZE'))
    return p


def check_isa_91(r):
    """pc-i440fx-9.1 is what it was: no PCI bus, no fw_cfg, ISA pvpanic."""
    p = []
    check_driver(p, r, '3')
    expect(p, not r.vl2('PCI'), 'the guest sees PCI functions: %s'
           % r.vl2('PCI'))
    expect(p, r.vl2('PVPANIC-PCI') == ['no'], 'PVPANIC-PCI %s'
           % r.vl2('PVPANIC-PCI'))
    expect(p, r.vl2('FW-CFG')[:1] == ['no rev='], 'FW-CFG %s'
           % r.vl2('FW-CFG'))
    expect(p, ev(r, 'GUEST_PANICKED') == [{'action': 'pause'}],
           'GUEST_PANICKED %s' % ev(r, 'GUEST_PANICKED'))
    return p


PANIC_LINE = 'Kernel panic - not syncing: sysrq triggered crash'


def kdump_read_back(name, flat):
    """A 'sh' step: Debian's makedumpfile takes {work}/@name (-R first for
    the flattened format) and --dump-dmesg finds the kernel's log through
    the VMCOREINFO the header points at; its panic line must be there.
    The files go afterwards (L1's memory is its disk)."""
    f = '{work}/' + name
    plain = f + '.plain' if flat else f
    cmd = ('makedumpfile -R %s < %s && ' % (plain, f) if flat else '')
    cmd += ('makedumpfile --dump-dmesg %s %s.dmesg && grep -F "%s" %s.dmesg'
            % (plain, f, PANIC_LINE, f))
    return 'sh %s; rc=$?; rm -f %s %s %s.dmesg; exit $rc' % (cmd, f, plain, f)


def check_kdump(r):
    """The automatic kdump-lzo dump of a real Debian panic is in the
    record (format, path, the guest's VMCOREINFO) and much smaller than
    the guest's 256 MiB; dump-guest-memory wrote both QMP dumps; the
    'sh' steps (makedumpfile) passed, or the runner says which failed."""
    p = []
    check_driver(p, r, '3')
    recs = [ret for ret in r.returns
            if isinstance(ret, dict) and 'records' in ret]
    dump = (recs[0]['records'][0].get('dump') or {}) if recs and \
        recs[0]['records'] else {}
    expect(p, dump.get('status') == 'completed' and
           dump.get('format') == 'kdump-lzo' and dump.get('vmcoreinfo') and
           dump.get('path', '').endswith('/panic-000001.flat') and
           0 < dump.get('bytes', 0) < (128 << 20), 'dump %s' % dump)
    done = [d.get('result', {}) for d in ev(r, 'DUMP_COMPLETED')]
    expect(p, len(done) == 2 and all(
        d.get('status') == 'completed' and d.get('total') == 256 << 20
        for d in done), 'DUMP_COMPLETED %s' % done)
    return p


QUIT = ['send {"execute": "quit"}', 'exit 0']


# nested.py's case format; 'machine' replaces -M pc, 'vmm' limits a case
# to one VMM.
CASES = {
    'pci-pvpanic-pci': dict(
        args=['-device', 'pvpanic-pci'],
        guest='vigil.test=panic vigil.pci=1',
        steps=['event GUEST_PANICKED', 'event SHUTDOWN', 'exit 0'],
        check=check_pvpanic_pci),
    'pci-bus-view': dict(
        args=['-device', 'pvpanic-pci', '-action', 'panic=pause'],
        guest='vigil.test=panic vigil.pci=1',
        steps=['event GUEST_PANICKED', 'event STOP',
               'send {"execute": "query-pci"}'] + QUIT,
        check=check_bus),
    'pci-vmcoreinfo-dump': dict(
        args=['-device', 'pvpanic', '-device', 'vmcoreinfo',
              '-action', 'panic=pause'],
        guest='vigil.test=panic vigil.pci=1',
        steps=['event GUEST_PANICKED', 'event STOP',
               'send {"execute": "dump-guest-memory", "arguments": '
               '{"paging": false, "protocol": "file:{core}"}}',
               'event DUMP_COMPLETED', 'core {core}'] + QUIT,
        check=check_vmcoreinfo),
    # Vigil's own: the panic record and the automatic dump of a real
    # Debian panic (issue 11).
    'pci-panic-record': dict(
        vmm='vigil',
        args=['-device', 'pvpanic-pci', '-device', 'vmcoreinfo',
              '-action', 'panic=pause', '-panic-dump', 'path=/tmp',
              '-panic-record', 'path=/tmp'],
        guest='vigil.test=panic vigil.pci=1',
        steps=['event GUEST_PANICKED', 'event STOP',
               'send {"execute": "__org.vigil-vmm_query-panics"}',
               'core /tmp/panic-000001.core'] + QUIT,
        check=check_panic_record),
    # kdump-compressed dumps of a real panic (issue 11): -panic-dump's
    # kdump-lzo, then dump-guest-memory's kdump-zlib and kdump-raw-zlib;
    # Debian's makedumpfile (in L1 when nested) reads the kernel's log
    # back from each.  (Debian builds makedumpfile without snappy.)
    'pci-kdump': dict(
        vmm='vigil', makedumpfile=True,
        args=['-device', 'pvpanic', '-device', 'vmcoreinfo',
              '-action', 'panic=pause',
              '-panic-dump', 'path={work},format=kdump-lzo'],
        guest='vigil.test=panic vigil.pci=1',
        steps=['event GUEST_PANICKED', 'event STOP',
               'send {"execute": "__org.vigil-vmm_query-panics"}',
               kdump_read_back('panic-000001.flat', True),
               'send {"execute": "dump-guest-memory", "arguments": '
               '{"paging": false, "protocol": "file:{work}/pci-kdump.zlib", '
               '"format": "kdump-zlib"}}',
               'event DUMP_COMPLETED',
               kdump_read_back('pci-kdump.zlib', True),
               'send {"execute": "dump-guest-memory", "arguments": '
               '{"paging": false, "protocol": '
               '"file:{work}/pci-kdump.raw-zlib", '
               '"format": "kdump-raw-zlib"}}',
               'event DUMP_COMPLETED',
               kdump_read_back('pci-kdump.raw-zlib', False)] + QUIT,
        check=check_kdump, timeout=180),
    # QEMU 7.2 (the harness self-test) has no such machine version.
    'pci-isa-pvpanic-9.1': dict(
        machine='pc-i440fx-9.1', vmm='vigil',
        args=['-device', 'pvpanic', '-action', 'panic=pause'],
        guest='vigil.test=panic vigil.pci=1',
        steps=['event GUEST_PANICKED', 'event STOP'] + QUIT,
        check=check_isa_91),
}
