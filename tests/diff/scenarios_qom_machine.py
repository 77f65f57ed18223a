#
# Scenarios for the machine's QOM properties and the board's QOM paths
# (issue 12): qom-list and qom-get of /machine, qom-set of machine
# properties, qom-list-properties of a machine type, and the paths QEMU
# gives the board's devices and buses (/machine/i440fx, pci.0,
# /machine/unattached/device[N], sysbus).  scenarios.py appends
# QOM_MACHINE_SCENARIOS to its list.
#
# QEMU replies with dictionaries in hash order, so replies are compared
# with their keys sorted (canon) and lists by name (entries); where
# QEMU has more than Vigil (devices Vigil does not model, the PAM
# regions) only the entries Vigil has are picked, by name.
#

import json
import re

from runner import Scenario
from steps import HS, qom_set  # noqa: F401

# The board QEMU builds by default, without the devices -nodefaults
# leaves out (VGA, NIC, floppy, CD-ROM, ...), whose numbers would move
# the board's; both sides run the same vCPU model.
BOARD = ['-M', 'pc', '-nodefaults', '-cpu', 'qemu64']


def canon(text):
    """The reply with every object's keys sorted."""
    return [json.dumps(json.loads(text), sort_keys=True)]


def entries(names=None):
    """A list reply as one line per entry (keys sorted), by name; only
    the names matching @names when given."""
    rx = re.compile(names) if names else None

    def fn(text):
        reply = json.loads(text)
        if 'return' not in reply:
            return [json.dumps(reply, sort_keys=True)]
        return sorted(json.dumps(e, sort_keys=True) for e in reply['return']
                      if rx is None or rx.fullmatch(e['name']))
    return fn


def qom_get(path, prop):
    return ('qmp_filter', '{"execute": "qom-get", "arguments": {"path": '
            '"%s", "property": "%s"}}' % (path, prop), canon)


def qom_list(path, names=None):
    return ('qmp_filter', '{"execute": "qom-list", "arguments": {"path": '
            '"%s"}}' % path, entries(names))


QOM_MACHINE_SCENARIOS = []
add = QOM_MACHINE_SCENARIOS.append

# ---- /machine: the list, then every property but the clock -----------

MACHINE_PROPS = [
    'kernel', 'dt-compatible', 'boot', 'memory', 'initrd',
    'confidential-guest-support', 'graphics', 'usb', 'firmware',
    'memory-encryption', 'smp', 'dump-guest-core', 'phandle-start',
    'dumpdtb', 'memory-backend', 'dtb', 'mem-merge', 'append',
    'suppress-vmdesc', 'smm', 'acpi', 'pit', 'pic', 'x-oem-table-id',
    'bus-lock-ratelimit', 'sgx-epc', 'x-oem-id', 'max-fw-size',
    'default-bus-bypass-iommu', 'device-memory-region-size', 'sata',
    'vmport', 'i8042', 'hpet', 'smbios-entry-point-type',
    'max-ram-below-4g', 'smbus', 'nvdimm', 'nvdimm-persistence',
    'rtc_state', 'smram', 'cxl-fmw', 'acpi-device', 'hmat', 'cxl',
    'pcspk-audiodev', 'unattached', 'fw_cfg', 'peripheral',
    'peripheral-anon', 'i440fx', 'type',
]
add(Scenario('qom-machine-list', HS + [
    qom_list('/machine'),
], extra=BOARD))
add(Scenario('qom-machine-get', HS + [
    qom_get('/machine', p) for p in MACHINE_PROPS
], extra=BOARD, known=['machine-version']))
# The configuration shows: -m, -smp, -boot, -machine; two vCPUs and no
# HPET move QEMU's numbers (rtc_state, smram, acpi-device).
add(Scenario('qom-machine-get-config', HS + [
    qom_get('/machine', p) for p in
    ['memory', 'smp', 'boot', 'graphics', 'hpet', 'vmport', 'smm',
     'dump-guest-core', 'mem-merge', 'rtc_state', 'smram', 'acpi-device']
], extra=['-M', 'pc', '-nodefaults', '-cpu', 'qemu64', '-m', '256',
          '-smp', '2', '-boot', 'menu=on,order=n', '-machine',
          'hpet=off,vmport=off,smm=off,dump-guest-core=off,mem-merge=off']))
add(Scenario('qom-machine-none', HS + [
    qom_list('/machine'),
    qom_get('/machine/qtest', 'chardev'),
    qom_get('/machine/qtest', 'log'),
    qom_set('/machine/qtest', 'log', '"x"'),
    qom_list('/machine/qtest'),
    qom_get('/machine', 'boot'),
    qom_get('/machine', 'memory'),
    qom_get('/machine', 'memory-backend'),
    qom_get('/machine', 'firmware'),
    qom_get('/machine', 'smp'),
    ('qmp_filter', '{"execute": "qom-list-properties", "arguments": '
     '{"typename": "none-machine"}}', entries()),
], extra=['-M', 'none', '-nodefaults']))

# ---- qom-set: what QEMU keeps without effect, and its errors -----------

M = '/machine'
add(Scenario('qom-machine-set', HS + [
    qom_set(M, 'kernel', '"vmlinuz"'), qom_get(M, 'kernel'),
    qom_set(M, 'kernel', '5'),
    qom_set(M, 'graphics', 'false'), qom_get(M, 'graphics'),
    qom_set(M, 'graphics', '"on"'),
    qom_set(M, 'smm', '"off"'), qom_get(M, 'smm'),
    qom_set(M, 'smm', '"x"'),
    qom_set(M, 'smm', '1'),
    qom_set(M, 'max-fw-size', '4096'), qom_get(M, 'max-fw-size'),
    qom_set(M, 'max-fw-size', '99999999'),
    qom_set(M, 'max-fw-size', '"x"'),
    qom_set(M, 'max-ram-below-4g', '99999999999'),
    qom_set(M, 'x-oem-id', '"1234567"'),
    qom_set(M, 'x-oem-table-id', '"123456789"'),
    qom_set(M, 'x-oem-id', '"ABC"'), qom_get(M, 'x-oem-id'),
    qom_set(M, 'memory-encryption', '"x"'),
    qom_set(M, 'nvdimm-persistence', '"x"'),
    qom_set(M, 'nvdimm-persistence', '"cpu"'),
    qom_get(M, 'nvdimm-persistence'),
    qom_set(M, 'smbios-entry-point-type', '"auto"'),
    qom_set(M, 'pcspk-audiodev', '"x"'),
    qom_set(M, 'phandle-start', '-5'), qom_get(M, 'phandle-start'),
    qom_set(M, 'bus-lock-ratelimit', '-1'), qom_get(M, 'bus-lock-ratelimit'),
    qom_set(M, 'memory', '{"size": 1}'), qom_get(M, 'memory'),
    qom_set(M, 'memory', '{"size": 268435456, "slots": 2}'),
    qom_set(M, 'memory', '5'),
    qom_set(M, 'memory', '{}'), qom_get(M, 'memory'),
    qom_set(M, 'smp', '{"cpus": 2}'), qom_get(M, 'smp'),
    qom_set(M, 'smp', '{"cpus": 300}'),
    qom_set(M, 'smp', '{"foo": 1}'),
    qom_set(M, 'smp', '{"cpus": 1, "sockets": 1, "cores": 2}'),
    qom_get(M, 'smp'),
    qom_set(M, 'smp', '{"cpus": 2, "maxcpus": 1}'),
    qom_set(M, 'boot', '{"order": "zz"}'),
    qom_set(M, 'boot', '{"order": "n", "menu": true}'), qom_get(M, 'boot'),
    qom_set(M, 'boot', '{}'), qom_get(M, 'boot'),
    qom_set(M, 'sgx-epc', '[{"memdev": "m", "node": 0}]'),
    qom_get(M, 'sgx-epc'),
    qom_set(M, 'sgx-epc', '5'), qom_get(M, 'sgx-epc'),
    qom_set(M, 'cxl-fmw', '[{"targets": ["a"]}]'),
    qom_set(M, 'rtc_state', '"/nope"'),
    qom_set(M, 'rtc_state', '""'), qom_get(M, 'rtc_state'),
    qom_set(M, 'memory-backend', '"/objects/pc.ram"'),
    qom_set(M, 'type', '"x"'),
    qom_set(M, 'device-memory-region-size', '5'),
    qom_set(M, 'smram', '"x"'),
    qom_set(M, 'unattached', '"x"'),
    qom_set(M, 'i440fx', '"x"'),
    qom_set(M, 'nope', '1'),
    ('qmp', '{"execute": "qom-set", "arguments": {"path": "/machine", '
     '"property": "usb"}}'),
], extra=BOARD, known=['machine-version']))

# ---- the board's paths ----------------------------------------------

I440FX_NAMES = (r'type|parent_bus|realized|hotplugged|hotpluggable|'
                r'bypass-iommu|x-config-reg-migration-enabled|pci-hole-end|'
                r'pci-hole-start|pci-hole64-end|pci-hole64-start|'
                r'pci-hole64-size|short_root_bus|x-pci-hole64-fix|pci\.0|'
                r'pci-conf-idx\[0\]|pci-conf-data\[0\]|ioapic')
HOST = '/machine/i440fx'
add(Scenario('qom-board-i440fx', HS + [
    qom_list(HOST, I440FX_NAMES),
] + [qom_get(HOST, p) for p in
     ['type', 'parent_bus', 'realized', 'bypass-iommu', 'pci-hole-start',
      'pci-hole-end', 'pci-hole64-start', 'pci-hole64-end', 'pci-hole64-size',
      'short_root_bus', 'x-pci-hole64-fix', 'x-config-reg-migration-enabled',
      'pci.0']] + [
    qom_list(HOST + '/pci.0', r'type|realized|child\[[01]\]'),
    qom_get(HOST + '/pci.0', 'type'),
    qom_get(HOST + '/pci.0', 'child[0]'),
    qom_get(HOST + '/pci.0', 'child[1]'),
    qom_get(HOST + '/pci-conf-idx[0]', 'size'),
    qom_get(HOST + '/pci-conf-data[0]', 'addr'),
    qom_set(HOST, 'pci-hole64-size', '4096'),
    qom_set(HOST, 'pci-hole-start', '4096'),
    qom_set(HOST + '/pci.0', 'type', '"x"'),
], extra=BOARD + ['-m', '5G']))

# QEMU's IOAPIC object (Vigil's IOAPIC is the accelerator's).
IOAPIC = HOST + '/ioapic'
add(Scenario('qom-board-ioapic', HS + [
    qom_list(IOAPIC),
] + [qom_get(IOAPIC, p) for p in
     ['type', 'parent_bus', 'realized', 'hotpluggable', 'version',
      'ioapic[0]', 'unnamed-gpio-in[23]']] + [
    qom_list(IOAPIC + '/ioapic[0]'),
    qom_get(IOAPIC + '/ioapic[0]', 'addr'),
    qom_get(IOAPIC + '/ioapic[0]', 'size'),
    qom_list(IOAPIC + '/unnamed-gpio-in[7]'),
    qom_get(IOAPIC + '/unnamed-gpio-in[7]', 'type'),
    qom_list(IOAPIC + '/unnamed-gpio-in[24]'),
    qom_set(IOAPIC, 'version', '17'),
    qom_set(IOAPIC + '/ioapic[0]', 'addr', '0'),
    qom_set(HOST, 'ioapic', '"x"'),
], extra=BOARD))

UA = '/machine/unattached'
# The devices Vigil has, at QEMU's numbers: vCPU 0, i440FX, PIIX3, RTC,
# the COM ports, i8042.
add(Scenario('qom-board-unattached', HS + [
    qom_list(UA, r'type|sysbus|device\[(0|2|3|9|12|13|15)\]'),
] + [qom_get(UA + '/device[%d]' % n, p)
     for n in (0, 2, 3, 9, 12, 13, 15) for p in ('type', 'parent_bus')] + [
    qom_get(UA + '/sysbus', 'type'),
    qom_get(UA + '/sysbus', 'realized'),
    qom_get(UA + '/device[3]/isa.0', 'type'),
    qom_list(UA + '/device[3]', r'type|isa\.0'),
], extra=BOARD + ['-serial', 'null', '-serial', 'null']))
add(Scenario('qom-board-smp', HS + [
    qom_list(UA, r'type|device\[(0|2|3|4|5|10|14)\]'),
    qom_get('/machine', 'rtc_state'),
], extra=BOARD + ['-smp', '3', '-machine', 'hpet=off']))
