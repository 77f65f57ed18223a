#
# The table of documented differences (docs/devel/qemu-7.2-differences.rst).
#
# Each entry rewrites lines of QEMU 7.2's transcript into what upstream
# QEMU (or Vigil's documented contract) says instead.  A scenario names
# the entries that apply to it; nothing applies globally, so a rewrite
# can never hide a difference in a scenario that did not ask for it.
# An entry a scenario names must change at least one line: a known
# difference that 7.2 does not actually show is itself a failure.
# The rewrites work on QEMU 7.2's recorded transcript (recordings/).
# What 7.2 cannot show at all is not a rewrite: see upstream.py.
#

import re

KINDS = {
    'upstream': '7.2 vs upstream QEMU (Vigil follows upstream)',
    'vigil': 'Vigil vs QEMU (deliberate, documented in Vigil)',
}


class Known:
    def __init__(self, kid, kind, title, since, subs=()):
        self.id = kid
        self.kind = kind
        self.title = title
        self.since = since
        # (compiled regex, replacement or None to delete the line)
        self.subs = [(re.compile(rx), rep) for rx, rep in subs]


TABLE = [
    Known('events-default', 'upstream',
          'pvpanic "events" defaults to 3 in 7.2, 7 upstream: reads, '
          'qom-get, device-list-properties and -device pvpanic,help differ',
          'upstream 9.1, commit 9b13640da3 (PVPANIC_EVENTS gains bit 2)',
          subs=[
              (r'^T< OK 0x0003$', 'T< OK 0x0007'),
              (r'^T< OK 0x0303$', 'T< OK 0x0707'),
              (r'^T< OK 0x3030303$', 'T< OK 0x7070707'),
              (r'^T< OK 0x03ff$', 'T< OK 0x07ff'),
              (r'^T< OK 0x0000000003030303$', 'T< OK 0x0000000007070707'),
              (r'"default-value": 3, "name": "events"',
               '"default-value": 7, "name": "events"'),
              (r'^(O:   events=<uint8> +-  \(default: )3\)$', r'\g<1>7)'),
              (r'^Q< \{"return": 3\}\\r$', 'Q< {"return": 7}\\\\r'),
          ]),
    Known('singlestep', 'upstream',
          'query-status carries "singlestep": false in 7.2; upstream '
          'removed the member',
          'deprecated 8.1, removed 9.0 (commit fe17522d85)',
          subs=[
              (r'^(Q< .*"status": "[a-z-]+"), "singlestep": false, ',
               r'\1, '),
              (r'^Q< +"singlestep": false,\\r$', None),
          ]),
    Known('intercept-no-gpios', 'upstream',
          'irq_intercept_out/in on a device without GPIOs of that kind: '
          '7.2 answers OK and intercepts nothing; upstream answers FAIL '
          'No intercepts installed',
          'upstream since the 2023 series by Chris Laplante, patch '
          '"qtest: irq_intercept_[out/in]: return FAIL if no intercepts '
          'are installed" (qemu-devel, July 2023)',
          subs=[
              (r'^T< OK$', 'T< FAIL No intercepts installed'),
          ]),
    Known('isa-pvpanic-alias', 'vigil',
          'Vigil also accepts "isa-pvpanic" (issue 2), so -device help '
          'lists the alias the way QEMU lists its own aliases',
          'Vigil, issue 2 "Type pvpanic, also accepted as isa-pvpanic"',
          subs=[
              (r'^O: name "pvpanic", bus ISA$',
               'O: name "pvpanic", bus ISA, alias "isa-pvpanic"'),
          ]),
    Known('second-pvpanic', 'vigil',
          'a second ISA pvpanic: QEMU dies on its fw_cfg file name clash '
          '("duplicate fw_cfg file name: etc/pvpanic-port"); Vigil has no '
          'fw_cfg and says what is wrong instead',
          'Vigil, issue 2 "A second pvpanic ... is a clear error"',
          subs=[
              (r'^(E: PROG: -device (.*): )duplicate fw_cfg file name: '
               r'etc/pvpanic-port$',
               r"\g<1>Only one 'pvpanic' device is supported per machine; "
               r"'/machine/peripheral-anon/device[0]' already exists"),
          ]),
    Known('nul-in-arguments', 'vigil',
          'an argument value with \\u0000 that passes the name and enum '
          'checks: QEMU hands it to the command (qom-get: "Device ... not '
          'found", "Property ... not found"); Vigil refuses it in the QMP '
          'layer before any command runs',
          'Vigil, issue 8 "A NUL inside a QMP command name is accepted"; '
          'docs/specs/qmp.rst "NUL characters"',
          subs=[
              (r'^Q< \{"error": \{"class": "DeviceNotFound", "desc": '
               r'"Device \'[^\']*\\u0000[^\']*\' not found"\}\}\\r$',
               'Q< {"error": {"class": "GenericError", "desc": "Parameter '
               '\'path\' contains a NUL character"}}\\\\r'),
              (r'^Q< \{"error": \{"class": "GenericError", "desc": '
               r'"Property \'[^\']*\\u0000[^\']*\' not found"\}\}\\r$',
               'Q< {"error": {"class": "GenericError", "desc": "Parameter '
               '\'property\' contains a NUL character"}}\\\\r'),
          ]),
    Known('unrealize-unmaps', 'vigil',
          'qom-set realized=false on an ISA pvpanic: QEMU marks it '
          'unrealized but its port keeps answering (pvpanic-isa has no '
          'unrealize; a later realized=true exits on the fw_cfg file name '
          'clash); Vigil unmaps the port (reads 0xff) and can realize it '
          'again',
          'Vigil, issue 12 "qom-set where QEMU allows it"',
          subs=[
              (r'^T< OK 0x0001$', 'T< OK 0x00ff'),
          ]),
    # ---- issue 12: the machine's QOM properties and board paths ----
    Known('machine-version', 'upstream',
          '"pc" is pc-i440fx-7.2 in 7.2 and pc-i440fx-9.2 in the QEMU '
          'version Vigil reports (9.2): the machine\'s QOM type and the '
          'machine name in errors',
          'upstream 9.2, the pc-i440fx-9.2 machine type',
          subs=[
              (r'pc-i440fx-7\.2', 'pc-i440fx-9.2'),
          ]),
]

BY_ID = {k.id: k for k in TABLE}


def apply(scn, qlines):
    """Returns (expected Vigil lines, list of ids applied)."""
    lines = list(qlines)
    notes = []
    for kid in scn.known:
        k = BY_ID[kid]
        notes.append(kid)
        changed = False
        out = []
        for line in lines:
            new = line
            for rx, rep in k.subs:
                if rx.search(new):
                    changed = True
                    if rep is None or isinstance(rep, list):
                        new = rep
                        break
                    new = rx.sub(rep, new)
            if isinstance(new, list):
                out.extend(new)
            elif new is not None:
                out.append(new)
        if not changed:
            out.append('<known difference %s did not apply: 7.2 no longer '
                       'shows it here>' % kid)
        lines = out
    return lines, notes


def print_table():
    for kind, title in KINDS.items():
        print('%s:' % title)
        for k in TABLE:
            if k.kind == kind:
                print('  %-18s %s\n  %-18s (%s)' % (k.id, k.title, '',
                                                    k.since))
