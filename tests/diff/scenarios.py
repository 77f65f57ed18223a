#
# The scenarios: each is a small table of steps played against both
# binaries (see runner.py for the step kinds and the transcript format).
#

import re

from runner import Scenario, ev
from steps import CAPS, HS, qmp, qom_get, qom_set  # noqa: F401

START = ('start',)
QS = ('qmp', '{"execute": "query-status"}')
PV = ['-device', 'pvpanic']


def out(port, val):
    return ('qt', 'outb 0x%x 0x%x' % (port, val))


def panic_scn(name, extra, steps, known=('events-default',)):
    return Scenario(name, HS + [START, ('qt', 'inb 0x505')] + steps,
                    extra=PV + extra, known=list(known))


SCENARIOS = []
add = SCENARIOS.append

# ---- greeting and negotiation -------------------------------------

add(Scenario('greeting-client', HS))
add(Scenario('greeting-server', [('greet',), CAPS, START, QS],
             mode='server', qmp_opt=('-qmp', 'unix:{qmp},server=on,wait=off'),
             known=['singlestep']))
add(Scenario('greeting-server-legacy', [('greet',), CAPS],
             mode='server', qmp_opt=('-qmp', 'unix:{qmp},server,nowait')))
add(Scenario('greeting-pretty', [
    ('greet',), CAPS, START, QS,
    qmp('{"execute": "query-name", "id": {"a": [1, 2]}}'),
    qmp('{"execute": "no-such-command", "id": 7}'),
], mode='server', qmp_opt=('-qmp-pretty', 'unix:{qmp},server=on,wait=off'),
    known=['singlestep']))
SERVER = ('-qmp', 'unix:{qmp},server=on,wait=off')
add(Scenario('server-second-client', [
    ('greet',), CAPS, ('connect2',), ('read2', 0.3),
    ('close',), ('read2', 2.0), ('swap2',), QS, CAPS, QS,
], mode='server', qmp_opt=SERVER, prelaunch=True, known=['singlestep']))
add(Scenario('server-reconnect', [
    ('greet',), CAPS, ('qmp_send', '{"execute": "query-'), ('close',),
    ('reconnect',), ('greet',), QS, ('qmp_send', '{"execute": "qu'),
    ('close',), ('reconnect',), ('greet',), CAPS, QS,
], mode='server', qmp_opt=SERVER, prelaunch=True, known=['singlestep']))
add(Scenario('negotiation-errors', [
    ('qt', 'endianness'), ('greet',),
    qmp('{"execute": "query-status", "id": 1}'),
    qmp('{"execute": "query-status"}'),
    qmp('{"execute": "cont", "id": "x"}'),
    qmp('{"execute": "no-such-command", "id": 2}'),
    qmp('{"execute": "qmp_capabilities", "arguments": {"bogus": 1}}'),
    qmp('{"execute": "qmp_capabilities", "id": 3}'),
    qmp('{"execute": "qmp_capabilities", "id": 4}'),
    qmp('{"execute": "qmp_capabilities"}'),
    qmp('{"execute": "query-name"}'),
]))
add(Scenario('negotiation-events-dropped', [
    ('qt', 'endianness'), ('greet',),
    out(0x505, 1), ('settle',), CAPS, ('settle',),
    out(0x505, 1), ('wait', 'GUEST_PANICKED'),
], extra=PV + ['-action', 'panic=none']))

# ---- framing, parse errors, ids, dispatch errors ------------------

RAW = [
    b'{"execute": }\n',
    b'{"a": 1, "a": 2}\n',
    b'\x01\n',
    b'\xff\n',
    b'}\n',
    b'[1, 2]\n',
    b'"str"\n',
    b'42\n',
    b'{"execute": 1}\n',
    b'{"execute": "query-name", "arguments": []}\n',
    b'{"execute": "query-name", "foo": 1}\n',
    b'{}\n',
    b'{"arguments": {}}\n',
    b"{'execute': 'query-name', 'id': 'single'}\n",
    b'{"execute": "query-name", "id": 1}{"execute": "query-name", "id": 2}\n',
    b'{"execute":\n "query-name",\n "id": 3}\n',
    b'{"execute": "query-name", "id": 4}',   # no newline
    b'{"exec-oob": "query-name", "id": 5}\n',
    b'{"execute": "query-name", "id": "\\u00e9\\n"}\n',
]
add(Scenario('parse-errors', HS + [('qmp_raw', r) for r in RAW]))
add(Scenario('nesting-limit', HS + [
    ('qmp_raw', b'[' * 1025 + b'\n'),
    ('qmp_raw', b'{"execute": "query-name", "id": ' + b'[' * 1000 +
     b']' * 1000 + b'}\n'),
]))
IDS = ['1', '-1', '1.5', '"abc"', '{"a": [1, 2]}', 'null', 'true', '[1]',
       '{}', '""', '9007199254740993', '1e3']
add(Scenario('id-echo', HS + [
    qmp('{"execute": "query-name", "id": %s}' % i) for i in IDS] + [
    qmp('{"execute": "no-such-command", "id": %s}' % i) for i in IDS[:4]] + [
    qmp('{"id": 5, "execute": "query-name"}'),
]))
add(Scenario('unknown-command', HS + [
    qmp('{"execute": "no-such-command", "id": 3}'),
    qmp('{"execute": "no-such-command"}'),
    qmp('{"execute": ""}'),
    qmp('{"execute": "Query-Status"}'),
]))
add(Scenario('bad-arguments', HS + [
    qmp('{"execute": "set-action", "arguments": {"panic": "bogus"}}'),
    qmp('{"execute": "set-action", "arguments": {"panic": 1}, "id": 1}'),
    qmp('{"execute": "set-action", "arguments": {"panic": null}}'),
    qmp('{"execute": "set-action", "arguments": {"foo": "pause"}}'),
    qmp('{"execute": "set-action", "arguments": {"shutdown": "bogus"}}'),
    qmp('{"execute": "set-action", "arguments": {"panic": "pause", '
        '"shutdown": "pause", "reboot": "shutdown", "watchdog": "none"}}'),
    qmp('{"execute": "set-action", "arguments": {}}'),
    qmp('{"execute": "set-action"}'),
    qmp('{"execute": "query-status", "arguments": {"x": 1}}'),
    qmp('{"execute": "qom-get", "arguments": {"path": "/machine"}}'),
    qmp('{"execute": "qom-get", "arguments": {"property": "type"}}'),
    qmp('{"execute": "qom-get", "arguments": {"path": 1, '
        '"property": "type"}}'),
    qmp('{"execute": "device-list-properties"}'),
    qmp('{"execute": "device-list-properties", '
        '"arguments": {"typename": "no-such-device"}}'),
    qmp('{"execute": "qom-list", "arguments": {"path": "/no/such"}}'),
]))

# ---- run states ---------------------------------------------------

add(Scenario('runstates', HS + [
    QS,
    qmp('{"execute": "cont"}'), QS,
    qmp('{"execute": "cont"}'), ('settle',),
    qmp('{"execute": "stop"}'), QS,
    qmp('{"execute": "stop"}'), ('settle',),
    qmp('{"execute": "cont"}'),
    out(0x505, 1), ('wait', 'STOP'), QS,
    qmp('{"execute": "stop"}'), ('settle',), QS,
    qmp('{"execute": "cont"}'), QS,
], extra=PV + ['-action', 'panic=pause'], prelaunch=True,
    known=['singlestep']))
add(Scenario('human-monitor-command', HS + [
    START,
    qmp('{"execute": "human-monitor-command", '
        '"arguments": {"command-line": "info status"}}'),
    qmp('{"execute": "stop"}'),
    qmp('{"execute": "human-monitor-command", '
        '"arguments": {"command-line": "info status"}, "id": 1}'),
]))

# ---- pvpanic: read value and panic actions ------------------------

add(panic_scn('inb-0x505', [], []))
add(panic_scn('panic-pause', ['-action', 'panic=pause'], [
    out(0x505, 1), ('wait', 'GUEST_PANICKED'), ('wait', 'STOP'), QS,
], known=['events-default', 'singlestep']))
add(panic_scn('panic-none', ['-action', 'panic=none'], [
    out(0x505, 1), ('wait', 'GUEST_PANICKED'), ('settle',), QS,
], known=['events-default', 'singlestep']))
add(panic_scn('panic-no-shutdown', ['-no-shutdown'], [
    out(0x505, 1), ('wait', 'GUEST_PANICKED'), ('wait', 'STOP'), QS,
], known=['events-default', 'singlestep']))
add(panic_scn('panic-default', [], [
    out(0x505, 1), ('wait', 'SHUTDOWN'), ('eof',), ('exit',),
]))
add(panic_scn('panic-shutdown-explicit', ['-action', 'panic=shutdown'], [
    out(0x505, 1), ('wait', 'SHUTDOWN'), ('eof',), ('exit',),
]))
add(panic_scn('panic-exit-failure', ['-action', 'panic=exit-failure'], [
    out(0x505, 1), ('wait', 'SHUTDOWN'), ('eof',), ('exit',),
]))
add(panic_scn('panic-exit-failure-no-shutdown',
              ['-action', 'panic=exit-failure', '-no-shutdown'], [
                  out(0x505, 1), ('wait', 'SHUTDOWN'), ('settle',), QS,
                  qmp('{"execute": "cont"}'), QS,
              ], known=['events-default', 'singlestep']))
add(Scenario('panic-prelaunch', HS + [
    QS, out(0x505, 1), ('wait', 'GUEST_PANICKED'), ('settle',), QS,
], extra=PV + ['-action', 'panic=pause'], prelaunch=True,
    known=['singlestep']))
add(Scenario('panic-several-actions', HS + [
    START, out(0x505, 1), ('wait', 'GUEST_PANICKED'), ('settle',), QS,
], extra=PV + ['-action', 'reboot=shutdown,shutdown=pause',
               '-action', 'panic=none'], known=['singlestep']))
add(panic_scn('crash-loaded', [], [
    out(0x505, 2), ('wait', 'GUEST_CRASHLOADED'), ('settle',), QS,
], known=['events-default', 'singlestep']))
for val, note in ((0x80, 'unknown bit only'), (0x81, 'panic + unknown'),
                  (0x03, 'panic beats crash-loaded'),
                  (0x06, 'crash-loaded beats shutdown'), (0x00, 'nothing')):
    add(Scenario('write-0x%02x' % val, HS + [
        START, out(0x505, val), ('settle',), QS,
    ], extra=PV + ['-action', 'panic=pause'], known=['singlestep']))
# The pvshutdown bit and a blank qtest line: QEMU 7.2 cannot show what
# upstream does, so 7.2 plays its own steps after the mark (recorded
# like every other transcript) and upstream.py says what upstream does.
add(panic_scn('pvshutdown', [], [
    ('upstream_only', 'pvshutdown', [out(0x505, 4), ('settle',)]),
    out(0x505, 4), ('wait', 'GUEST_PVSHUTDOWN'), ('wait', 'SHUTDOWN'),
    ('eof',), ('exit',),
], known=['events-default']))
add(Scenario('pvshutdown-no-shutdown', HS + [
    START,
    ('upstream_only', 'pvshutdown-no-shutdown',
     [out(0x505, 4), ('settle',)]),
    out(0x505, 4), ('wait', 'GUEST_PVSHUTDOWN'), ('wait', 'SHUTDOWN'),
    ('wait', 'STOP'), QS, qmp('{"execute": "cont"}'),
], extra=PV + ['-no-shutdown']))

# ---- after a panic: cont, stop, reset, second panic ---------------

PAUSE = PV + ['-action', 'panic=pause']
add(Scenario('cont-after-panic', HS + [
    START, out(0x505, 1), ('wait', 'STOP'),
    qmp('{"execute": "cont", "id": "c"}'), QS,
    out(0x505, 1), ('wait', 'STOP'), QS,
], extra=PAUSE, known=['singlestep']))
add(Scenario('stop-in-guest-panicked', HS + [
    START, out(0x505, 1), ('wait', 'STOP'),
    qmp('{"execute": "stop"}'), ('settle',), QS,
], extra=PAUSE, known=['singlestep']))
add(Scenario('second-panic', HS + [
    START, out(0x505, 1), ('wait', 'STOP'),
    out(0x505, 1), ('wait', 'GUEST_PANICKED'), ('settle',), QS,
    out(0x505, 2), ('wait', 'GUEST_CRASHLOADED'), ('settle',),
], extra=PAUSE, known=['singlestep']))
add(Scenario('reset-after-panic', HS + [
    START, out(0x505, 1), ('wait', 'STOP'),
    # 7.2 sends RESET before the reply (the 'qmp' step records it).
    qmp('{"execute": "system_reset"}'), ('settle',), QS,
    qmp('{"execute": "cont"}'), QS,
], extra=PAUSE, known=['singlestep']))
add(Scenario('reset-no-reboot', HS + [
    START, qmp('{"execute": "system_reset"}'), ('eof',), ('exit',),
], extra=PV + ['-no-reboot']))
add(Scenario('powerdown', HS + [
    START, qmp('{"execute": "system_powerdown"}'), ('settle',), QS,
], extra=PV, known=['singlestep']))
add(Scenario('set-action-runtime', HS + [
    START,
    qmp('{"execute": "set-action", "arguments": {"panic": "none"}}'),
    out(0x505, 1), ('wait', 'GUEST_PANICKED'), ('settle',),
    qmp('{"execute": "set-action", "arguments": {"panic": "pause"}}'),
    out(0x505, 1), ('wait', 'STOP'), QS,
], extra=PV, known=['singlestep']))

# ---- quit and signals ---------------------------------------------

add(Scenario('quit', HS + [
    START, qmp('{"execute": "quit", "id": "q"}'), ('eof',), ('exit',),
], extra=PV))
add(Scenario('sigterm', HS + [START, ('sigterm',), ('eof',), ('exit',)],
             extra=PV))
add(Scenario('sigterm-no-shutdown', HS + [
    START, ('sigterm',), ('eof',), ('exit',)], extra=PV + ['-no-shutdown']))
add(Scenario('sigterm-panicked', HS + [
    START, out(0x505, 1), ('wait', 'STOP'),
    ('sigterm',), ('eof',), ('exit',)], extra=PAUSE))
add(Scenario('sigterm-prelaunch', HS + [('sigterm',), ('eof',), ('exit',)],
             extra=PV, prelaunch=True))

# ---- properties ---------------------------------------------------

add(Scenario('ioport-0x540', HS + [
    START, ('qt', 'inb 0x540'), ('qt', 'inb 0x505'),
    out(0x505, 1), ('settle',), out(0x540, 1), ('wait', 'STOP'),
], extra=['-device', 'pvpanic,ioport=0x540', '-action', 'panic=pause'],
    known=['events-default']))
add(Scenario('events-1', HS + [
    START, ('qt', 'inb 0x505'), out(0x505, 2), ('wait', 'GUEST_CRASHLOADED'),
    ('settle',),
], extra=['-device', 'pvpanic,events=1']))
add(Scenario('events-0', HS + [
    START, ('qt', 'inb 0x505'), out(0x505, 1), ('wait', 'GUEST_PANICKED'),
    ('settle',),
], extra=['-device', 'pvpanic,events=0', '-action', 'panic=none']))
add(Scenario('device-json', HS + [
    START, ('qt', 'inb 0x505'), ('qt', 'inb 0x506'),
], extra=['-device', '{"driver": "pvpanic", "ioport": 1286, "events": 2}']))
add(Scenario('no-device', HS + [
    START, ('qt', 'inb 0x505'), out(0x505, 1), ('settle',),
]))

CLI_ERRORS = [
    ['-device', 'pvpanic,ioport=70000'],
    ['-device', 'pvpanic,ioport=-1'],
    ['-device', 'pvpanic,ioport=abc'],
    ['-device', 'pvpanic,events=256'],
    ['-device', 'pvpanic,bogus=1'],
    ['-device', '{"driver": "pvpanic", "ioport": "0x505"}'],
    ['-device', 'no-such-device'],
    ['-M', 'none', '-device', 'pvpanic'],
    ['-device', 'pvpanic', '-device', 'pvpanic,ioport=0x540'],
    ['-action', 'panic=bogus'],
    ['-action', 'bogus=pause'],
    ['-rtc', 'base=2006-13'],
    ['-rtc', 'clock=bogus'],
    ['-rtc', 'driftfix=fast'],
    ['-rtc', 'bogus=1'],
    ['-global', 'mc146818rtc.lost_tick_policy=bogus'],
    ['-global', 'mc146818rtc.lost_tick_policy=delay'],
    ['-global', 'mc146818rtc.nope=1'],
    ['-global', 'foo=bar'],
    ['-global', 'driver=mc146818rtc,property=irq'],
]
CLI_ERROR_KNOWN = {8: ['second-pvpanic']}
for i, args in enumerate(CLI_ERRORS):
    add(Scenario('cli-error-%d' % i, [], extra=args, mode='cli',
                 known=CLI_ERROR_KNOWN.get(i, [])))
add(Scenario('cli-action-help', [], extra=['-action', 'help'], mode='cli',
             accel=False))
add(Scenario('device-pvpanic-help', [], extra=['-device', 'pvpanic,help'],
             mode='cli', accel=False, known=['events-default']))
add(Scenario('device-unknown-help', [],
             extra=['-device', 'no-such-device,help'], mode='cli',
             accel=False))
add(Scenario('device-help-pvpanic-line', [], extra=['-device', 'help'],
             mode='cli', accel=False,
             stdout_filter=lambda line: b'name "pvpanic"' in line,
             known=['isa-pvpanic-alias']))

# ---- QMP introspection --------------------------------------------


def pick(rx):
    crx = re.compile(rx)
    return lambda text: sorted(m.group(0) for m in crx.finditer(text))


PP = ['-device', 'pvpanic,id=pp']
QOM_PROPS = (r'\{"name": "(?:type|parent_bus|realized|hotplugged|'
             r'hotpluggable|ioport|events|pvpanic\[0\])", "type": "[^"]*"\}')
add(Scenario('device-list-properties', HS + [
    qmp('{"execute": "device-list-properties", '
        '"arguments": {"typename": "pvpanic"}}'),
], known=['events-default']))
add(Scenario('qom-list-types', HS + [
    ('qmp_filter', '{"execute": "qom-list-types", '
     '"arguments": {"implements": "isa-device"}}',
     pick(r'\{"name": "pvpanic", "parent": "[^"]*"\}')),
    ('qmp_filter', '{"execute": "qom-list-types", '
     '"arguments": {"implements": "isa-device", "abstract": true}}',
     pick(r'\{"name": "pvpanic", "parent": "[^"]*"\}')),
]))
add(Scenario('qom-list', HS + [
    ('qmp_filter', '{"execute": "qom-list", '
     '"arguments": {"path": "/machine/peripheral/pp"}}', pick(QOM_PROPS)),
    ('qmp_filter', '{"execute": "qom-list", '
     '"arguments": {"path": "/machine/peripheral"}}',
     pick(r'\{"name": "pp", "type": "[^"]*"\}')),
], extra=PP))
add(Scenario('qom-get', HS + [
    qmp('{"execute": "qom-get", "arguments": '
        '{"path": "/machine/peripheral/pp", "property": "ioport"}}'),
    qmp('{"execute": "qom-get", "arguments": '
        '{"path": "/machine/peripheral/pp", "property": "events"}}'),
    qmp('{"execute": "qom-get", "arguments": '
        '{"path": "/machine/peripheral/pp", "property": "type"}}'),
    qmp('{"execute": "qom-get", "arguments": '
        '{"path": "/machine/peripheral/pp", "property": "realized"}}'),
    qmp('{"execute": "qom-get", "arguments": '
        '{"path": "pp", "property": "ioport"}}'),
    qmp('{"execute": "qom-get", "arguments": '
        '{"path": "/machine/peripheral/pp", "property": "nope"}}'),
    qmp('{"execute": "qom-get", "arguments": '
        '{"path": "/machine/peripheral/nope", "property": "ioport"}}'),
], extra=PP, known=['events-default']))
# qom-set on every kind of node Vigil has (monitor/qmp-cmds-qom-set.c).
# Not here: re-realizing the pvpanic (7.2 exits on its fw_cfg file name
# clash, see second-pvpanic) and the RTC (its path differs: device[9]).
PPS = '/machine/peripheral/pp'
add(Scenario('qom-set', HS + [
    qom_set(PPS, 'ioport', '1286'),
    qom_set(PPS, 'ioport', '"x"'),
    qom_set(PPS, 'type', '"x"'),
    qom_set(PPS, 'hotplugged', 'true'),
    qom_set(PPS, 'realized', '1'),
    qom_set(PPS, 'realized', 'true'),
    qom_set(PPS, 'nope', '1'),
    qom_set(PPS + '/pvpanic[0]', 'addr', '1'),
    qom_set(PPS + '/pvpanic[0]', 'type', '"x"'),
    qom_set('/machine/fw_cfg', 'dma_enabled', 'true'),
    qom_set('/chardevs/rb', 'type', '"x"'),
    qom_set('/chardevs/rb', 'connected', 'true'),
    qom_set('/', 'machine', '"x"'),
    qom_set('/machine/peripheral', 'pp', '"x"'),
    qom_set('/nope', 'type', '1'),
    qmp('{"execute": "qom-set", "arguments": {"path": "%s", '
        '"property": "ioport"}}' % PPS),
    qom_set('/objects/s0', 'data', '"xyz"'),
    qom_get('/objects/s0', 'data'),
    qom_get('/objects/s0', 'loaded'),
    qom_set('/objects/s0', 'loaded', 'false'),
    qom_set('/objects/s0', 'type', '"x"'),
    qom_set('/objects/s0', 'data', '1'),
    qom_set('/objects/s0', 'format', '"base64"'),
    qom_set('/objects/m0', 'size', '1048576'),
    qom_set('/objects/m0', 'size', '"x"'),
    qom_set('/objects/m0', 'share', 'false'),
    qom_set('/objects/m0', 'reserve', 'true'),
    qom_set('/objects/m0', 'dump', 'false'),
    qom_get('/objects/m0', 'dump'),
    qom_set('/objects/m0', 'merge', 'false'),
    qom_set('/objects/m0', 'prealloc', 'true'),
    qom_set('/objects/m0', 'prealloc-threads', '2'),
    qom_get('/objects/m0', 'prealloc-threads'),
    qom_set('/objects/m0', 'dump', '"x"'),
    qom_set('/objects/d0', 'seal', 'false'),
    qom_set('/objects/d0', 'hugetlbsize', '0'),
    qom_set('/objects/f0', 'mem-path', '"/tmp"'),
    qom_set('/objects/f0', 'discard-data', 'true'),
    qom_set(PPS, 'realized', 'false'),
    qom_get(PPS, 'realized'),
    ('qt', 'inb 0x505'),
    qom_set(PPS, 'realized', 'false'),
    qom_set(PPS, 'ioport', '70000'),
    qom_set(PPS, 'ioport', '1286'),
    qom_get(PPS, 'ioport'),
    qom_set(PPS, 'events', 'true'),
], extra=['-device', 'pvpanic,id=pp,events=1', '-chardev', 'ringbuf,id=rb',
          '-object', 'secret,id=s0,data=abc',
          '-object', 'memory-backend-ram,id=m0,size=1M',
          '-object', 'memory-backend-memfd,id=d0,size=1M',
          '-object', 'memory-backend-file,id=f0,size=1M,mem-path=/tmp'],
    known=['unrealize-unmaps']))

# irq_intercept_* answers that do not depend on a device's QOM path (the
# board devices' "device[N]" differ between QEMU and Vigil).
add(Scenario('irq-intercept-errors', HS + [
    ('qt', 'irq_intercept_out /nope'),
    ('qt', 'irq_intercept_in ioapic'),
    ('qt', 'irq_intercept_in ioapic'),
    ('qt', 'irq_intercept_in /machine/ioapic'),
    ('qt', 'irq_intercept_in /machine/i440fx/ioapic'),
    ('qt', 'irq_intercept_out /machine/peripheral/pp'),
    ('qt', 'irq_intercept_in /machine/peripheral/pp'),
    ('qt', 'irq_intercept_out /nope'),
], extra=PP))
add(Scenario('irq-intercept-no-gpios', HS + [
    ('qt', 'irq_intercept_out /machine/peripheral/pp'),
], extra=PP, known=['intercept-no-gpios']))
add(Scenario('query-misc', HS + [
    qmp('{"execute": "query-target"}'),
    qmp('{"execute": "query-name"}'),
    qmp('{"execute": "query-kvm"}'),
    qmp('{"execute": "query-version"}'),
]))
add(Scenario('query-name-set', HS + [qmp('{"execute": "query-name"}')],
             extra=['-name', 'guest0']))

# ---- qtest protocol -----------------------------------------------

MEM = [
    'writeb 0x100000 0x12', 'readb 0x100000',
    'writew 0x100000 0x3456', 'readw 0x100000',
    'writel 0x100000 0x789abcde', 'readl 0x100000',
    'writeq 0x100000 0x0102030405060708', 'readq 0x100000',
    'readb 0x100007', 'read 0x100000 0x8', 'read 0x100000 3',
    'write 0x100010 4 0x01020304', 'read 0x100010 4',
    'write 0x100020 4 0x01', 'read 0x100020 4',
    'write 0x100020 4 0x', 'write 0x100020 1 0xaabb',
    'memset 0x100030 16 0xab', 'read 0x100030 16', 'memset 0x100030 0 0x1',
    'b64read 0x100030 4', 'b64write 0x100040 4 AQIDBA==',
    'read 0x100040 4', 'b64read 0x100000 8',
    'readl 0x7fffffc', 'writel 0x7fffffc 0x11223344', 'readl 0x7fffffc',
    'readl 0x9000000', 'readq 0x9000000',
    'endianness', 'foo', 'foo bar', 'INB 0x505', 'clock',
]
# Not compared: malformed arguments ("outb", "readb zz"): QEMU (7.2 and
# upstream) dies on a g_assert, Vigil answers FAIL (issue 2).
add(Scenario('qtest-memory', HS + [('qt', c) for c in MEM],
             extra=['-m', '128'], prelaunch=True))
add(Scenario('wide-access-read', HS + [
    START, ('qt', 'inw 0x505'), ('qt', 'inl 0x505'),
], extra=PV, known=['events-default']))
add(Scenario('wide-access-neighbours', HS + [
    START, ('qt', 'inb 0x506'), ('qt', 'inw 0x506'),
    ('qt', 'inl 0x501'), ('qt', 'inb 0x504'), ('qt', 'outw 0x503 0x0101'),
    ('qt', 'outb 0x506 0x1'), ('settle',),
], extra=PV + ['-action', 'panic=none']))
add(Scenario('wide-access-below', HS + [
    START, ('qt', 'inw 0x504'), ('qt', 'inl 0x502'),
], extra=PV))
add(Scenario('wide-access-write', HS + [
    START, ('qt', 'outw 0x505 0x0201'), ('wait', 'GUEST_PANICKED'),
    ('settle',),
], extra=PV + ['-action', 'panic=none']))
add(Scenario('wide-access-write-below', HS + [
    START, ('qt', 'outw 0x504 0x0100'), ('settle',),
    ('qt', 'outl 0x502 0x02000000'), ('settle',),
], extra=PV + ['-action', 'panic=none']))
add(Scenario('qtest-blank-line', HS + [
    START,
    ('upstream_only', 'blank-qtest-line', [('qt', ''), ('exit',)]),
    ('qt_noreply', ''), ('qt', 'inb 0x505'),
], extra=PV))

# ---- dump-guest-memory ----------------------------------------------
# Cores go to /dev/null (both sides open it the same way, nothing is
# left behind) and are filtered to one page of RAM, so the totals agree:
# a whole-memory dump differs (QEMU also dumps its 256 KiB BIOS ROM).
# Debian builds QEMU 7.2 without lzo and snappy ("kdump-lzo is not
# available now"), which Vigil writes as an upstream QEMU built with them
# does; the kdump-zlib file both write is compared by the qtest
# dump-test-qemu-7.2 (tests/qtest/meson.build).


def dump(extra):
    return qmp('{"execute": "dump-guest-memory", "arguments": '
               '{"paging": false, "protocol": "file:/dev/null"%s}}' % extra)


PAGE = ', "begin": 4096, "length": 4096'
add(Scenario('dump-prelaunch', HS + [
    qmp('{"execute": "query-dump"}'),
    dump(PAGE), ('settle',),
    qmp('{"execute": "query-dump"}'), QS,
], prelaunch=True, known=['singlestep']))
add(Scenario('dump-running', HS + [
    START,
    dump(PAGE), ('settle',), QS,
], known=['singlestep']))
add(Scenario('dump-errors', HS + [
    dump(', "begin": 0'),
    dump(', "length": 4096'),
    dump(', "begin": -1, "length": 4096'),
    dump(', "begin": 1099511627776, "length": 4096'),
    dump(', "format": "kdump-zlib", "begin": 0, "length": 4096'),
    dump(', "format": "bogus"'),
    qmp('{"execute": "dump-guest-memory", "arguments": '
        '{"paging": false, "protocol": "tcp:localhost:1"}}'),
    qmp('{"execute": "dump-guest-memory", "arguments": '
        '{"paging": false, "protocol": "fd:core"}}'),
    qmp('{"execute": "dump-guest-memory", "arguments": '
        '{"paging": false, "protocol": "file:/nonexistent/dir/core"}}'),
    qmp('{"execute": "dump-guest-memory", "arguments": '
        '{"protocol": "file:/dev/null"}}'),
    qmp('{"execute": "query-dump"}'),
], prelaunch=True))

# ---- NUL inside JSON strings ------------------------------------------
# "\u0000" is valid JSON; QEMU compares names as whole strings, so a name
# with a NUL in it names no command, argument or object.
add(Scenario('nul-in-strings', HS + [
    qmp(r'{"execute": "query-status\u0000junk"}'),
    qmp(r'{"execute": "query-status\u0000", "id": 1}'),
    qmp(r'{"execute": "set-action", "arguments": {"panic": "pause\u0000x"}}'),
    qmp(r'{"execute": "set-action", "arguments": {"panic\u0000x": "pause"}}'),
    qmp(r'{"execute": "qom-get", "arguments": '
        r'{"path": "/machine/peripheral/pp\u0000x", "property": "ioport"}}'),
    qmp(r'{"execute": "qom-get", "arguments": '
        r'{"path": "/machine/peripheral/pp", "property": "ioport\u0000x"}}'),
    qmp(r'{"execute": "query-name", "id": "a\u0000b"}'),
], extra=PP, known=['nul-in-arguments']))

# ---- QMP input errors: replies and recovery points ----------------
# QEMU's lexer takes any byte 0x20-0xFD inside a string and leaves UTF-8
# checks to the parser; a control byte, 0xFE or 0xFF ends the string as
# an error at once.  After a lexer error it skips input up to the next
# bracket, brace, control byte, 0xFE or 0xFF.
QN = b'{"execute": "query-name", "id": '
BAD_BYTES = [
    b"{'bad \xff\n",
    b'{"bad \xff\n',
    b'{"bad \xfe ok"}\n',
    QN + b'"\xc0\xaf"}\n',
    QN + b'"\xc1\xbf"}\n',
    QN + b'"\xf5\x80\x80\x80"}\n',
    QN + b'"\x80"}\n',
    QN + b'"\xe2\x82"}\n',
    QN + b'"\xed\xa0\x80"}\n',
    QN + b'"\xef\xbf\xbe"}\n',
    QN + b'"\xf4\x90\x80\x80"}\n',
    QN + b"'\xc0\xaf'}\n",
    QN + b'"a\tb"}\n',
    QN + b'"\xc3\xa9"}\n',
    b'\xc0\n',
    b'\x80 "x" {"execute": "query-name", "id": 9}\n',
    b'{"execute": \xc3\xa9}\n',
    b'{"a": 1 \xfe "b"}\n',
    b'@ "x" {"execute": "query-name", "id": 10}\n',
    b'{"a": 1, @ "b"}\n',
    b'{"a": 1, @ "b"] {"execute": "query-name", "id": 11}\n',
    QN + b'"a\xc0\x80b"}\n',
    QN + b"'\xc0\x80'}\n",
    b'[1\xc3]\n',
    b'tru\xc3 "x" ]\n',
    b'\x00 "x" {"execute": "query-name", "id": 12}\n',
    b'"\xfe\xff\n',
]
add(Scenario('input-err-bytes', HS + [('qmp_raw', r) for r in BAD_BYTES]))
BAD_ESCAPES = [
    QN + rb'"\x41"}' + b'\n',
    QN + rb'"\u12"}' + b'\n',
    QN + rb'"\u12g4"}' + b'\n',
    QN + rb'"\uD800"}' + b'\n',
    QN + rb'"\uDC00"}' + b'\n',
    QN + rb'"\uD800\u0041"}' + b'\n',
    QN + rb'"\uD83D\uDE00"}' + b'\n',
    QN + rb'"\uFFFE"}' + b'\n',
    QN + rb'"\uFDD0"}' + b'\n',
    QN + rb'"\/\b\f\r\t"}' + b'\n',
    QN + rb'"\'"}' + b'\n',
    QN + rb"'\"'}" + b'\n',
    QN + rb"'it\'s'}" + b'\n',
    QN + rb"'a\"b'}" + b'\n',
    QN + b"'a\"b'}\n",
    QN + b"\"a'b\"}\n",
    QN + rb'"\a"}' + b'\n',
]
add(Scenario('input-err-escapes', HS + [('qmp_raw', r) for r in BAD_ESCAPES]))
BAD_STRUCTURE = [
    b']\n',
    b']{"execute": "query-name", "id": 7}\n',
    b'}}{"execute": "query-name", "id": 8}\n',
    b'[1}\n',
    b'{"a": 1]}\n',
    b'{"a" 1}\n',
    b'{1: 2}\n',
    b'{"a": 1,}\n',
    b'[1,]\n',
    b'{"execute": nul}\n',
    b'tru\n',
    b'01\n',
    b'1.\n',
    b'-\n',
    b'1e\n',
    b'0x10\n',
    b'{"execute": "query-name", "id": -0}\n',
    b'{"a": %d}\n',
    b'{"a":' * 1025 + b'\n',
]
add(Scenario('input-err-structure',
             HS + [('qmp_raw', r) for r in BAD_STRUCTURE]))
add(Scenario('input-err-negotiation', [
    ('qt', 'endianness'), ('greet',),
    ('qmp_raw', b"{'bad \xff\n"),
    ('qmp_raw', b'}\n'),
    ('qmp_raw', b'{"execute": nul}\n'),
    ('qmp_raw', QN + rb'"\uD800"}' + b'\n'),
    ('qmp_raw', b'[1, 2]\n'),
    CAPS,
    ('qmp_raw', b"{'bad \xff\n"),
]))
# Which complaint wins inside one request, and more tokens QEMU splits.
MIXED = [
    b'{"execute": "query-name", "id": 0x10}\n',
    b'{"execute": "query-name", "id": "\\uDBFF\\uDFFF"}\n',
    b'{"execute": "query-name", "id": "\\uD800\\uD800"}\n',
    b'{"execute": "query-name", "id": "\\uD800\\uDC00"}\n',
    b'{"execute": "query-name", "id": "\\uD83F\\uDFFE"}\n',
    b'{"execute": "query-name", "id": "\\u0000"}\n',
    b'@\t{"execute": "query-name", "id": 1}\n',
    b'{"a":1}\xff{"execute": "query-name", "id": 2}\n',
    b'{"execute": "query-name", "id": True}\n',
    b'12abc\n',
    b'1.5.3\n',
    b'--1\n',
    b'{"execute": "query-name", "id": "\\u00"}\n',
    b'{"execute": "query-name", "id": "\\u00e"}\n',
    b'{"execute": "query-name", "id": "x\xe2\x82\\n"}\n',
    b'{"execute": "query-name", "id": "\xc3"}\n',
    b'{"a" "b\xc0\xaf"}\n',
    b'{"execute": "query-name", "id": [1 "\\x"]}\n',
    b'{"execute": "query-name", "id": \'\\u0027\'}\n',
    b'{"execute": "query-name", "id": "a\\\n',
    b'nulll\n',
    b'{"execute": "query-name", "id": -}\n',
    b'{"a": 1, "a": "\xc0\xaf"}\n',
    b'{"\xc0\xaf": 1}\n',
    b'{"a": "\xc0\xaf" 1}\n',
    b"{'a' 'b\\x'}\n",
]
add(Scenario('input-err-mixed', HS + [('qmp_raw', r) for r in MIXED]))

# ---- device and object properties, I/O APIC paths (scenarios_props.py) --
from scenarios_props import PROPS_SCENARIOS  # noqa: E402

SCENARIOS.extend(PROPS_SCENARIOS)

# ---- the machine's QOM properties, board paths (issue 12) ----------
from scenarios_qom_machine import QOM_MACHINE_SCENARIOS  # noqa: E402

SCENARIOS.extend(QOM_MACHINE_SCENARIOS)
