#
# Scenarios for device and object properties and interrupt paths: PCI
# "addr" as text and as an integer, the memory backends' NUMA and
# preallocation properties, the I/O APIC's partial QOM paths in qtest.
# scenarios.py appends PROPS_SCENARIOS to its list.
#

from runner import Scenario
from steps import HS, qmp, qom_get, qom_set  # noqa: F401



def object_add(qom_type, oid, **props):
    extra = ''.join(', "%s": %s' % (k.replace('_', '-'), v)
                    for k, v in props.items())
    return qmp('{"execute": "object-add", "arguments": {"qom-type": "%s", '
               '"id": "%s", "size": 1048576%s}}' % (qom_type, oid, extra))


PROPS_SCENARIOS = []
add = PROPS_SCENARIOS.append

# ---- the RTC: base_year an int32 with default 1980, its regions made
# at realize (so not among the options) ------------------------------

add(Scenario('device-rtc-help', [], extra=['-device', 'mc146818rtc,help'],
             mode='cli', accel=False))

# ---- PCI "addr": checked when set, integers from -1 to 255 ----------

PP = '/machine/peripheral/pp'
add(Scenario('pci-addr-set', HS + [
    qom_set(PP, 'realized', 'false'),
    qom_set(PP, 'addr', '"zz"'),
    qom_set(PP, 'addr', '"20.0"'),
    qom_set(PP, 'addr', '"1f.8"'),
    qom_set(PP, 'addr', '"3.1x"'),
    qom_set(PP, 'addr', '""'),
    qom_set(PP, 'addr', '"-1"'),
    qom_set(PP, 'addr', '"0x5"'),
    qom_get(PP, 'addr'),
    qom_set(PP, 'addr', '" 6.2"'),
    qom_get(PP, 'addr'),
    qom_set(PP, 'addr', '" 3. 1"'),
    qom_get(PP, 'addr'),
    qom_set(PP, 'addr', '300'),
    qom_set(PP, 'addr', 'true'),
    qom_set(PP, 'addr', 'null'),
    qom_set(PP, 'addr', '-1'),
    qom_get(PP, 'addr'),
    qom_set(PP, 'addr', '"4.3"'),
    qom_set(PP, 'realized', 'true'),
    qom_get(PP, 'addr'),
], extra=['-device', 'pvpanic-pci,id=pp']))

# -device in JSON with an integer "addr" (the devfn), and the
# multi-function rules a function number brings.
PCI_ADDR_CLI = [
    ['-device', '{"driver": "pvpanic-pci", "addr": 3}'],
    ['-device', '{"driver": "pvpanic-pci", "addr": 256}'],
    ['-device', '{"driver": "pvpanic-pci", "addr": -2}'],
    ['-device', '{"driver": "pvpanic-pci", "addr": true}'],
    ['-device', '{"driver": "pvpanic-pci", "addr": null}'],
    ['-device', '{"driver": "pvpanic-pci", "addr": "zz"}'],
    ['-nodefaults', '-device', 'pvpanic-pci,addr=3.2',
     '-device', 'pvpanic-pci,addr=3.0'],
    ['-nodefaults', '-device', 'pvpanic-pci,addr=0.3'],
]
for i, args in enumerate(PCI_ADDR_CLI):
    add(Scenario('pci-addr-cli-%d' % i, [], extra=args, mode='cli'))
# Accepted: the device lands at the devfn given (-nodefaults: 7.2 puts
# its default VGA and NIC in slots 2 and 3).
add(Scenario('pci-addr-int', HS + [
    qom_get('/machine/peripheral/p1', 'addr'),
    qom_get('/machine/peripheral/p2', 'addr'),
    qom_get('/machine/peripheral/p3', 'addr'),
], extra=['-device', '{"driver": "pvpanic-pci", "id": "p1", "addr": 40}',
          '-device', '{"driver": "pvpanic-pci", "id": "p2", "addr": -1}',
          '-device', '{"driver": "pvpanic-pci", "id": "p3", "addr": 26}',
          '-nodefaults']))

# ---- memory backends: policy, host-nodes, prealloc-threads, ... -----

RAM = 'memory-backend-ram'
M0 = '/objects/m0'
add(Scenario('memory-backend-props', HS + [
    object_add(RAM, 'm0'),
    qom_get(M0, 'policy'),
    qom_get(M0, 'prealloc-context'),
    qom_get(M0, 'x-use-canonical-path-for-ramblock-id'),
    qom_get(M0, 'prealloc-threads'),
    qom_set(M0, 'policy', '"bind"'),
    qom_set(M0, 'host-nodes', '[0]'),
    qom_set(M0, 'x-use-canonical-path-for-ramblock-id', 'true'),
    qom_get(M0, 'x-use-canonical-path-for-ramblock-id'),
    qom_set(M0, 'prealloc-context', '""'),
    qom_set(M0, 'prealloc-context', '"nope"'),
    qom_set(M0, 'prealloc-context', '"m0"'),
    qom_set(M0, 'prealloc-threads', '-1'),
    qom_set(M0, 'prealloc-threads', '0'),
    qom_set(M0, 'prealloc-threads', '4294967296'),
    qom_set(M0, 'prealloc-threads', '"2"'),
    qom_get(M0, 'prealloc-threads'),
    object_add(RAM, 'm1', policy='"bind"'),
    object_add(RAM, 'm2', policy='"interleave"', host_nodes='[0]'),
    qom_get('/objects/m2', 'policy'),
    object_add(RAM, 'm3', policy='"preferred"', host_nodes='[0, 0, 3]'),
    object_add(RAM, 'm4', host_nodes='[0]'),
    object_add(RAM, 'm5', policy='"nope"'),
    object_add(RAM, 'm6', policy='"bind"', host_nodes='[1]'),
    object_add(RAM, 'm7', policy='"bind"', host_nodes='[128]'),
    object_add(RAM, 'm8', policy='"bind"', host_nodes='[-1]'),
    object_add(RAM, 'm9', policy='"bind"', host_nodes='["0"]'),
    object_add(RAM, 'm10', host_nodes='"0"'),
    object_add(RAM, 'm11', host_nodes='[]'),
    object_add(RAM, 'm12', pmem='true'),
    object_add(RAM, 'm13', prealloc_threads='-1'),
    object_add(RAM, 'm14', prealloc_context='"nope"'),
    qmp('{"execute": "qom-list-properties", "arguments": '
        '{"typename": "memory-backend-ram"}}'),
    qmp('{"execute": "qom-list-properties", "arguments": '
        '{"typename": "memory-backend-file"}}'),
    qmp('{"execute": "qom-list-properties", "arguments": '
        '{"typename": "memory-backend-memfd"}}'),
]))
F0 = '/objects/f0'
add(Scenario('memory-backend-file-props', HS + [
    qom_get(F0, 'pmem'),
    qom_get(F0, 'readonly'),
    qom_set(F0, 'pmem', 'true'),
    qom_set(F0, 'readonly', 'false'),
    qom_get('/objects/f1', 'pmem'),
    qom_get('/objects/f2', 'readonly'),
], extra=['-object', 'memory-backend-file,id=f0,size=1M,mem-path=f0.mem',
          '-object', 'memory-backend-file,id=f1,size=1M,mem-path=f1.mem,'
          'pmem=on',
          '-object', 'memory-backend-file,id=f2,size=1M,mem-path=f2.mem,'
          'readonly=on']))

# ---- the I/O APIC by partial path (QEMU: /machine/i440fx/ioapic) ----

# 7.2 intercepts nothing and says OK; upstream has no out-GPIOs to
# intercept on the I/O APIC and says so.
add(Scenario('irq-intercept-ioapic-out', HS + [
    ('qt', 'irq_intercept_out ioapic'),
    ('qt', 'irq_intercept_out i440fx/ioapic'),
    ('qt', 'irq_intercept_out /machine/i440fx/ioapic'),
], known=['intercept-no-gpios']))
add(Scenario('irq-intercept-ioapic-in', HS + [
    ('qt', 'irq_intercept_in i440fx/ioapic'),
    ('qt', 'irq_intercept_out ioapic'),
    ('qt', 'irq_intercept_out /machine/i440fx/ioapic'),
    ('qt', 'set_irq_in ioapic unnamed-gpio-in 9 1'),
    ('qt', 'set_irq_in ioapic unnamed-gpio-in 9 0'),
    ('qt', 'set_irq_in /machine/i440fx/ioapic unnamed-gpio-in 23 1'),
]))
